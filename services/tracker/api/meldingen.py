"""Project leads write: status updates, corrections and reopenings, each an event in the actie's stream."""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response

from koers.observability import correlation_id
from koers.problems import ProblemError, problems
from koers.ratelimit import retry_after
from tracker import writes
from tracker.api.deps import PrincipalDep, Tracker, TrackerDep, require
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


@router.post("/acties/{actie_id}/updates", status_code=201, responses=WRITE_PROBLEMS)
def post_update(
    tracker: TrackerDep,
    principal: PrincipalDep,
    request: Request,
    response: Response,
    actie_id: str,
    body: MeldVoortgang,
    idempotency_key: IdempotencyKey = None,
    if_match: IfMatch = None,
) -> RecordedEvent:
    """Meld de status en voortgang van een actie."""
    return _write(
        tracker,
        principal,
        request,
        response,
        actie_id,
        body.model_dump(mode="json"),
        lambda state: meld(state, body),
        idempotency_key,
        if_match,
    )


@router.post("/acties/{actie_id}/correcties", status_code=201, responses=WRITE_PROBLEMS)
def post_correctie(
    tracker: TrackerDep,
    principal: PrincipalDep,
    request: Request,
    response: Response,
    actie_id: str,
    body: CorrigeerVoortgang,
    idempotency_key: IdempotencyKey = None,
    if_match: IfMatch = None,
) -> RecordedEvent:
    """Corrigeer een eerdere melding; het origineel blijft zichtbaar in de geschiedenis."""
    authorize_write(principal, actie_id)
    doel = tracker.store.get(body.corrigeert)
    return _write(
        tracker,
        principal,
        request,
        response,
        actie_id,
        body.model_dump(mode="json"),
        lambda state: corrigeer(state, body, doel),
        idempotency_key,
        if_match,
    )


@router.post("/acties/{actie_id}/heropen", status_code=201, responses=WRITE_PROBLEMS)
def post_heropen(
    tracker: TrackerDep,
    principal: PrincipalDep,
    request: Request,
    response: Response,
    actie_id: str,
    body: HeropenActie,
    idempotency_key: IdempotencyKey = None,
    if_match: IfMatch = None,
) -> RecordedEvent:
    """Heropen een afgeronde of gestopte actie, met de reden."""
    return _write(
        tracker,
        principal,
        request,
        response,
        actie_id,
        body.model_dump(mode="json"),
        lambda state: heropen(state, body),
        idempotency_key,
        if_match,
    )


def authorize_write(principal: Principal, actie_id: str) -> None:
    require(
        principal, may_write(principal, actie_id), f"Dit token mag niet schrijven naar actie '{actie_id}'."
    )


def _within_limit(tracker: Tracker, principal: Principal) -> None:
    if wait := tracker.write_limit.take(principal.id):
        headers = {"Retry-After": retry_after(wait)}
        raise ProblemError(429, "Dit token schrijft te vaak; probeer het zo opnieuw.", headers=headers)


def _write(
    tracker: Tracker,
    principal: Principal,
    request: Request,
    response: Response,
    actie_id: str,
    body: dict[str, Any],
    decide: Decision,
    key: str | None,
    if_match: str | None,
) -> RecordedEvent:
    authorize_write(principal, actie_id)
    _within_limit(tracker, principal)
    meta = {"actor": principal.id, "correlation_id": correlation_id.get(), "idempotency_key": key}
    recorded = writes.execute(
        tracker.store,
        stream_of("actie", actie_id),
        decide,
        meta,
        _version(if_match),
        _idempotency(principal, request, body, key),
    )
    event = recorded[-1]
    response.headers["ETag"] = f'"{event.version}"'
    response.headers["Location"] = f"/api/v1/acties/{actie_id}/events/{event.event_id}"
    return recorded_event(event)


def _idempotency(
    principal: Principal, request: Request, body: dict[str, Any], key: str | None
) -> Idempotency | None:
    if key is None:
        return None
    fingerprint = hashlib.sha256(
        canonical_json([request.method, request.url.path, body]).encode()
    ).hexdigest()
    return Idempotency(key=f"{principal.id}:{key}", fingerprint=fingerprint)


def _version(if_match: str | None) -> int | None:
    if if_match is None or if_match.strip() == "*":
        return None
    tag = if_match.strip().removeprefix("W/").strip('"')
    if not tag.isdigit():
        raise ProblemError(400, 'If-Match moet een versie als ETag zijn, bijvoorbeeld "3".')
    return int(tag)
