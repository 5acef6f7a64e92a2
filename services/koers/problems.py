"""Errors as application/problem+json (RFC 9457) with Dutch titles; never a stack trace."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.responses import Response

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("koers.problems")

TITELS = {
    400: "Ongeldige invoer",
    401: "Niet geauthenticeerd",
    403: "Geen toegang",
    404: "Niet gevonden",
    405: "Methode niet toegestaan",
    406: "Niet acceptabel",
    409: "Conflict",
    412: "Versie is verouderd",
    413: "Verzoek te groot",
    415: "Mediatype niet ondersteund",
    422: "Verzoek niet verwerkbaar",
    429: "Te veel verzoeken",
    500: "Interne fout",
    503: "Dienst niet beschikbaar",
}


class InvalidParam(BaseModel):
    name: str = Field(description="Het veld, met punten voor geneste velden.")
    code: str
    reason: str


class Problem(BaseModel):
    """RFC 9457 problem details, as the NL API Design Rules prescribe."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    invalidParams: list[InvalidParam] | None = None  # noqa: N815 - the name the NL API Design Rules use


class ProblemError(Exception):
    def __init__(
        self,
        status: int,
        detail: str,
        title: str | None = None,
        invalid: Iterable[InvalidParam] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail
        self.title = title or TITELS.get(status, HTTPStatus(status).phrase)
        self.invalid = list(invalid)
        self.headers = dict(headers or {})


def problem_response(request: Request | None, error: ProblemError) -> JSONResponse:
    body = Problem(
        title=error.title,
        status=error.status,
        detail=error.detail,
        instance=request.url.path if request else None,
        invalidParams=error.invalid or None,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=error.status,
        media_type=PROBLEM_JSON,
        headers=error.headers,
    )


ErrorPage = Callable[[Request, ProblemError], Response]
"""A service's own page for a problem, for a person's browser outside the API (the tracker's dashboard)."""


def answer(request: Request, error: ProblemError, page: ErrorPage | None = None) -> Response:
    """The problem as application/problem+json; outside /api/ to a browser that asks for HTML, the
    service's error page, if it has one: a council member who mistypes an address reads Dutch, not JSON."""
    browser = "text/html" in request.headers.get("accept", "")
    if page is not None and browser and not request.url.path.startswith("/api/"):
        return page(request, error)
    return problem_response(request, error)


def _field_name(loc: Iterable[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def invalid_from_validation(errors: Iterable[Mapping[str, Any]]) -> list[InvalidParam]:
    def name(error: Mapping[str, Any]) -> str:
        return "body" if error["type"] == "json_invalid" else _field_name(error["loc"])

    return [InvalidParam(name=name(e), code=e["type"], reason=e["msg"]) for e in errors]


def _as_problem(_request: Request, exc: Exception) -> ProblemError:
    assert isinstance(exc, ProblemError)
    return exc


def _invalid(_request: Request, exc: Exception) -> ProblemError:
    assert isinstance(exc, RequestValidationError)
    invalid = invalid_from_validation(exc.errors())
    detail = "Het verzoek bevat ongeldige velden: " + ", ".join(p.name for p in invalid) + "."
    if any(p.code == "json_invalid" for p in invalid):
        detail = "De request body is geen geldige JSON."
    return ProblemError(400, detail, invalid=invalid)


def _http(request: Request, exc: Exception) -> ProblemError:
    assert isinstance(exc, HTTPException)
    detail = (
        exc.detail
        if isinstance(exc.detail, str) and exc.detail != HTTPStatus(exc.status_code).phrase
        else f"{TITELS.get(exc.status_code, 'Fout')}: {request.method} {request.url.path}"
    )
    return ProblemError(exc.status_code, detail, headers=exc.headers)


def _crash(request: Request, _exc: Exception) -> ProblemError:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return ProblemError(500, "Er ging iets mis aan onze kant; probeer het later opnieuw.")


def install_problem_handlers(app: FastAPI, page: ErrorPage | None = None) -> None:
    def handler(problem: Callable[[Request, Exception], ProblemError]) -> Callable[..., Awaitable[Response]]:
        async def handle(request: Request, exc: Exception) -> Response:
            return answer(request, problem(request, exc), page)

        return handle

    app.add_exception_handler(ProblemError, handler(_as_problem))
    app.add_exception_handler(RequestValidationError, handler(_invalid))
    app.add_exception_handler(HTTPException, handler(_http))
    app.add_exception_handler(Exception, handler(_crash))


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI response entries for the problem answers an operation can give."""
    return {
        code: {"model": Problem, "description": TITELS.get(code, HTTPStatus(code).phrase)} for code in codes
    }
