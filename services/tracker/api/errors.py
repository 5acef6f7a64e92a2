"""How refusals of the domain and the store read as problem+json."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from koers.problems import InvalidParam, ProblemError, problem_response
from tracker.domain_errors import (
    ActieAfgesloten,
    ActieNietAfgesloten,
    ActieOnbekend,
    DomainError,
    OngeldigeMelding,
)
from tracker.metrics import CONFLICTS
from tracker.store import IdempotencyMismatch, VersionConflict
from tracker.writes import PreconditionFailed

STATUS = {OngeldigeMelding: 400, ActieOnbekend: 404, ActieAfgesloten: 409, ActieNietAfgesloten: 409}


def as_problem(exc: Exception) -> ProblemError:
    match exc:
        case DomainError():
            invalid = [InvalidParam(name=veld, code="domein", reason=reden) for veld, reden in exc.fouten]
            return ProblemError(STATUS.get(type(exc), 400), exc.detail, title=exc.title, invalid=invalid)
        case VersionConflict():
            CONFLICTS.labels("version").inc()
            return ProblemError(
                409, "Iemand anders was u voor. Haal de actie opnieuw op en probeer het nog eens."
            )
        case PreconditionFailed():
            CONFLICTS.labels("precondition").inc()
            return ProblemError(
                412,
                f"If-Match noemt een oude versie; de actie staat op versie {exc.current}.",
                headers={"ETag": f'"{exc.current}"'},
            )
        case IdempotencyMismatch():
            CONFLICTS.labels("idempotency").inc()
            return ProblemError(422, "Deze Idempotency-Key is al gebruikt voor een ander verzoek.")
    raise exc


async def _handle(request: Request, exc: Exception) -> JSONResponse:
    return problem_response(request, as_problem(exc))


def install_domain_handlers(app: FastAPI) -> None:
    for error in (DomainError, VersionConflict, PreconditionFailed, IdempotencyMismatch):
        app.add_exception_handler(error, _handle)
