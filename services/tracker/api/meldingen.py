"""Project leads write: status updates, corrections and reopenings, each an event in the actie's stream."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool

from koers.observability import correlation_id
from koers.problems import ProblemError, problems
from koers.ratelimit import retry_after
from tracker import writes
from tracker.api.deps import BearerDep, Tracker, bearer, get_tracker, principal_of, require
from tracker.api.models import RecordedEvent, recorded_event
from tracker.auth import Principal, may_write
from tracker.chain import canonical_json
from tracker.domain import (
    CorrigeerVoortgang,
    HeropenActie,
    MeldVoortgang,
    corrigeer,
    heropen,
    meld,
    stream_of,
)
from tracker.store import Idempotency
from tracker.writes import Decision

IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=255)]
IfMatch = Annotated[str | None, Header(alias="If-Match", description='De versie als ETag, bv. "3".')]
WRITE_PROBLEMS = problems(400, 401, 403, 404, 409, 412, 413, 415, 422, 429)


@dataclass
class Schrijven:
    """A write to one actie by one caller, authorised and within its limit; what every write route shares."""

    tracker: Tracker
    principal: Principal
    request: Request
    actie_id: str
    key: str | None
    if_match: str | None

    async def record(self, body: BaseModel, decide: Decision) -> RecordedEvent:
        meta = {
            "actor": self.principal.id,
            "correlation_id": correlation_id.get(),
            "idempotency_key": self.key,
        }
        stream = stream_of("actie", self.actie_id)
        version, idempotency = _version(self.if_match), self._idempotency(body)
        # The routes are async because FastAPI gives a sync route's answer a thread hop of its own, only
        # to validate it; the store's blocking work is the group commit's, in a worker thread.
        recorded = await self.tracker.writes.execute(
            writes.StreamWrite(stream, decide, meta, version, idempotency)
        )
        return recorded_event(recorded[-1])

    def _idempotency(self, body: BaseModel) -> Idempotency | None:
        if self.key is None:
            return None
        request = [self.request.method, self.request.url.path, body.model_dump(mode="json")]
        fingerprint = hashlib.sha256(canonical_json(request).encode()).hexdigest()
        return Idempotency(key=f"{self.principal.id}:{self.key}", fingerprint=fingerprint)


async def schrijven(
    request: Request,
    credentials: BearerDep,
    actie_id: str,
    idempotency_key: IdempotencyKey = None,
    if_match: IfMatch = None,
) -> Schrijven:
    # Every dependency is a node FastAPI walks on each request (a few dozen microseconds apiece), so the
    # tracker and the principal come from plain calls rather than from TrackerDep and PrincipalDep.
    # Dependencies are solved before the body is validated: a refused caller costs no validation.
    tracker = await get_tracker(request)
    principal = await principal_of(tracker, credentials)
    require(
        principal, may_write(principal, actie_id), f"Dit token mag niet schrijven naar actie '{actie_id}'."
    )
    if wait := tracker.write_limit.take(principal.id):
        headers = {"Retry-After": retry_after(wait)}
        raise ProblemError(429, "Dit token schrijft te vaak; probeer het zo opnieuw.", headers=headers)
    return Schrijven(tracker, principal, request, actie_id, idempotency_key, if_match)


SchrijvenDep = Annotated[Schrijven, Depends(schrijven)]
_SLEUTEL = TypeAdapter(IdempotencyKey)


class SchrijfRoute(APIRoute):
    """A write route: FastAPI reads its signature, `(write: SchrijvenDep, body: <command>)`, for the OpenAPI
    document as for any route, but at run time this class supplies the two arguments itself. FastAPI's
    solving of that signature (the dependency tree, each header and path parameter, the Response, then
    serializing the answer through the response model again) took a fifth of the event loop's time in a
    served append; without it the same four clients did 19 % more appends on SQLite and 14 % more on
    PostgreSQL (docs/PERFORMANCE.md, 2026-11-27 18:14). What FastAPI would check is checked here too:
    the caller before the body, the key's length, the body against its model, failures as the same
    RequestValidationError. Dependencies added where the router is included would not run for these
    routes; there are none."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        own = self.dependant
        params = [
            *own.path_params,
            *own.query_params,
            *own.header_params,
            *own.cookie_params,
            *own.body_params,
        ]
        names = [d.name for d in own.dependencies] + [p.name for p in params]
        assert names == ["write", "body"], f"{self.path}: a write route takes (write, body), not {names}"
        command = own.body_params[0].field_info.annotation
        assert isinstance(command, type) and issubclass(command, BaseModel), f"{self.path}: a command model"
        endpoint, status = self.endpoint, self.status_code or 200

        async def handle(request: Request) -> Response:
            key = _valid(
                ("header", "Idempotency-Key"),
                lambda: _SLEUTEL.validate_python(request.headers.get("idempotency-key")),
            )
            write = await schrijven(
                request,
                await bearer(request),
                request.path_params["actie_id"],
                key,
                request.headers.get("if-match"),
            )
            body = await request.body()
            if not body:
                raise RequestValidationError(
                    [{"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}]
                )
            event: RecordedEvent = await endpoint(
                write, _valid(("body",), lambda: command.model_validate_json(body))
            )
            headers = {
                "ETag": f'"{event.version}"',
                "Location": f"/api/v1/acties/{write.actie_id}/events/{event.event_id}",
            }
            return Response(event.model_dump_json(), status, headers, media_type="application/json")

        return handle


def _valid(loc: tuple[str, ...], validate: Callable[[], Any]) -> Any:
    try:
        return validate()
    except ValidationError as exc:
        raise RequestValidationError(
            [{**error, "loc": (*loc, *error["loc"])} for error in exc.errors()]
        ) from None


router = APIRouter(tags=["acties"], route_class=SchrijfRoute)


@router.post("/acties/{actie_id}/updates", status_code=201, responses=WRITE_PROBLEMS)
async def post_update(write: SchrijvenDep, body: MeldVoortgang) -> RecordedEvent:
    """Meld de status en voortgang van een actie."""
    return await write.record(body, lambda state: meld(state, body))


@router.post("/acties/{actie_id}/correcties", status_code=201, responses=WRITE_PROBLEMS)
async def post_correctie(write: SchrijvenDep, body: CorrigeerVoortgang) -> RecordedEvent:
    """Corrigeer een eerdere melding; het origineel blijft zichtbaar in de geschiedenis."""
    doel = await run_in_threadpool(write.tracker.store.get, body.corrigeert)
    return await write.record(body, lambda state: corrigeer(state, body, doel))


@router.post("/acties/{actie_id}/heropen", status_code=201, responses=WRITE_PROBLEMS)
async def post_heropen(write: SchrijvenDep, body: HeropenActie) -> RecordedEvent:
    """Heropen een afgeronde of gestopte actie, met de reden."""
    return await write.record(body, lambda state: heropen(state, body))


def _version(if_match: str | None) -> int | None:
    if if_match is None or if_match.strip() == "*":
        return None
    tag = if_match.strip().removeprefix("W/").strip('"')
    if not tag.isdigit():
        raise ProblemError(400, 'If-Match moet een versie als ETag zijn, bijvoorbeeld "3".')
    return int(tag)
