"""Project leads write: status updates, corrections and reopenings, each an event in the actie's stream."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from koers.observability import correlation_id
from koers.problems import ProblemError, problems
from koers.ratelimit import retry_after
from tracker import writes
from tracker.api.deps import BearerDep, Tracker, get_tracker, principal_of, require
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

router = APIRouter(tags=["acties"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=255)]
IfMatch = Annotated[str | None, Header(alias="If-Match", description='De versie als ETag, bv. "3".')]
WRITE_PROBLEMS = problems(400, 401, 403, 404, 409, 412, 413, 415, 422, 429)


@dataclass
class Schrijven:
    """A write to one actie by one caller, authorised and within its limit; what every write route shares."""

    tracker: Tracker
    principal: Principal
    request: Request
    response: Response
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
            lambda tx: writes.execute_in(tx, stream, decide, meta, version, idempotency)
        )
        event = recorded[-1]
        self.response.headers["ETag"] = f'"{event.version}"'
        self.response.headers["Location"] = f"/api/v1/acties/{self.actie_id}/events/{event.event_id}"
        return recorded_event(event)

    def _idempotency(self, body: BaseModel) -> Idempotency | None:
        if self.key is None:
            return None
        request = [self.request.method, self.request.url.path, body.model_dump(mode="json")]
        fingerprint = hashlib.sha256(canonical_json(request).encode()).hexdigest()
        return Idempotency(key=f"{self.principal.id}:{self.key}", fingerprint=fingerprint)


async def schrijven(
    request: Request,
    response: Response,
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
    return Schrijven(tracker, principal, request, response, actie_id, idempotency_key, if_match)


SchrijvenDep = Annotated[Schrijven, Depends(schrijven)]


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
