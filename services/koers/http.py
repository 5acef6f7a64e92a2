"""HTTP conventions of both services: API-Version and correlation id on every answer, body limits."""

from __future__ import annotations

import logging
import re
import time
from typing import TYPE_CHECKING

from starlette.requests import Request

from koers.ids import uuid4
from koers.observability import REQUEST_SECONDS, correlation_id
from koers.problems import ErrorPage, ProblemError, answer

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("koers.access")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
_WRITES = {"POST", "PUT", "PATCH"}
# JSON can carry NUL only as the escape \u0000: one preceded by an even number of backslashes (none, or
# escaped backslashes of their own), not the text "\u0000" that an escaped backslash begins.
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
_NUL = "Het verzoek bevat een NUL-teken (U+0000); dat neemt geen enkel veld of pad aan."


class RequestGuard:
    """Pure ASGI middleware: refuses oversized and non-JSON bodies and any NUL before a route sees them;
    measures."""

    def __init__(
        self,
        app: ASGIApp,
        api_version: str,
        max_body_bytes: int,
        service: str = "koers",
        page: ErrorPage | None = None,
    ) -> None:
        self.app, self.service, self.api_version, self.max_body = app, service, api_version, max_body_bytes
        self.page = page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        given = headers.get("x-correlation-id", "")
        token = correlation_id.set(given if _SAFE_ID.match(given) else uuid4())
        started, status = time.perf_counter(), [500]
        try:
            await self._guarded(scope, receive, self._stamped(send, status), headers)
        finally:
            self._measure(scope, status[0], time.perf_counter() - started)
            correlation_id.reset(token)

    def _measure(self, scope: Scope, status: int, seconds: float) -> None:
        route = getattr(scope.get("route"), "path", None)
        template = scope.get("root_path", "") + route if route else "unmatched"
        REQUEST_SECONDS.labels(self.service, scope["method"], template, str(status)).observe(seconds)
        access_log.info(
            "request",
            extra={
                "method": scope["method"],
                "route": template,
                "status": status,
                "ms": round(seconds * 1000, 1),
            },
        )

    async def _guarded(self, scope: Scope, receive: Receive, send: Send, headers: dict[str, str]) -> None:
        # PostgreSQL refuses NUL in text: an identifier with one would fail the query, not find nothing.
        if "\x00" in scope["path"] or b"%00" in scope["query_string"]:
            await self._refuse(send, scope, 400, _NUL)
            return
        if scope["method"] not in _WRITES:
            await self.app(scope, receive, send)
            return
        body, too_big = await _read_body(receive, self.max_body)
        if too_big or int(headers.get("content-length") or 0) > self.max_body:
            await self._refuse(send, scope, 413, f"De request body is groter dan {self.max_body} bytes.")
        elif body and not _accepted(scope["path"], headers.get("content-type", "")):
            await self._refuse(send, scope, 415, "Stuur de request body als application/json.")
        elif b"\\u0000" in body and _JSON_NUL.search(body):
            await self._refuse(send, scope, 400, _NUL)
        else:
            await self.app(scope, _replay(body), send)

    async def _refuse(self, send: Send, scope: Scope, status: int, detail: str) -> None:
        """The answer the services' own handlers would give, before any route has run."""
        await answer(Request(scope), ProblemError(status, detail), self.page)(scope, _replay(b""), send)

    def _stamped(self, send: Send, status: list[int]) -> Send:
        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                extra = [
                    (b"api-version", self.api_version.encode()),
                    (b"x-correlation-id", correlation_id.get().encode()),
                ]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        return stamped


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def _accepted(path: str, content_type: str) -> bool:
    # HTML forms (the dashboard's login) cannot post JSON; the API only ever takes JSON.
    form = content_type.split(";", 1)[0].strip().lower() == "application/x-www-form-urlencoded"
    return _is_json(content_type) or (form and not path.startswith("/api/"))


async def _read_body(receive: Receive, limit: int) -> tuple[bytes, bool]:
    chunks, size = [], 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return b"", True
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), False


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive
