"""What every route needs: the tracker's parts, the caller's principal, the clock."""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from koers.problems import ProblemError
from koers.ratelimit import TokenBuckets
from tracker.auth import (
    ANONIEM,
    FEED_ROLES,
    Principal,
    Rol,
    TokenCache,
    configured_principals,
    hash_secret,
    may_read,
)
from tracker.feed import FeedSignal
from tracker.group_commit import GroupCommit
from tracker.settings import TrackerSettings
from tracker.store import EventStore


@dataclass
class Tracker:
    settings: TrackerSettings
    engine: Engine
    store: EventStore
    clock: Callable[[], datetime]
    signal: FeedSignal = field(default_factory=FeedSignal)
    write_limit: TokenBuckets = field(default_factory=lambda: TokenBuckets(0, 0, time.monotonic))
    configured: dict[str, Principal] = field(default_factory=dict)
    session_key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    tokens: TokenCache = field(default_factory=lambda: TokenCache(0))
    writes: GroupCommit = field(init=False)

    def __post_init__(self) -> None:
        self.writes = GroupCommit(self.store)

    @classmethod
    def start(
        cls, settings: TrackerSettings, engine: Engine, store: EventStore, clock: Callable[[], datetime]
    ) -> Tracker:
        """The parts of a running tracker, from its settings."""
        limit = TokenBuckets(settings.write_rate_per_minute, settings.write_burst, time.monotonic)
        configured = configured_principals(settings.secret("admin_token"), settings.secret("service_token"))
        session = settings.secret("session_secret")
        key = hashlib.sha256(session.encode()).digest() if session else secrets.token_bytes(32)
        tokens = TokenCache(settings.token_cache_seconds)
        return cls(settings, engine, store, clock, FeedSignal(), limit, configured, key, tokens)


# The dependencies that do no I/O are async: FastAPI runs a sync one in the thread pool, a hop per call.
async def get_tracker(request: Request) -> Tracker:
    tracker: Tracker = request.app.state.tracker
    return tracker


TrackerDep = Annotated[Tracker, Depends(get_tracker)]
bearer = HTTPBearer(auto_error=False, description="Een token van Koersmonitor.")
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


async def get_principal(tracker: TrackerDep, credentials: BearerDep) -> Principal:
    return await principal_of(tracker, credentials)


async def principal_of(tracker: Tracker, credentials: HTTPAuthorizationCredentials | None) -> Principal:
    """The caller behind the bearer token; a plain function too, for a dependency that needs it among more."""
    if credentials is None:
        return ANONIEM
    digest, now = hash_secret(credentials.credentials), tracker.clock()
    principal = tracker.tokens.get(digest, now) or await run_in_threadpool(
        tracker.tokens.authenticate, tracker.engine, digest, tracker.configured, now
    )
    if principal is None:
        raise unauthenticated("Het token is onbekend, ingetrokken of verlopen.")
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def unauthenticated(detail: str = "Stuur een token mee: Authorization: Bearer <token>.") -> ProblemError:
    return ProblemError(401, detail, headers={"WWW-Authenticate": "Bearer"})


def require(principal: Principal, allowed: bool, detail: str) -> None:
    if principal.rol is None and not allowed:
        raise unauthenticated()
    if not allowed:
        raise ProblemError(403, detail)


async def get_reader(tracker: TrackerDep, principal: PrincipalDep) -> Principal:
    require(principal, may_read(principal, tracker.settings.public_read), "Dit token mag niet lezen.")
    return principal


async def get_feed_reader(principal: PrincipalDep) -> Principal:
    require(principal, principal.rol in FEED_ROLES, "De feed is er voor tokens met rol service of beheer.")
    return principal


async def get_beheerder(principal: PrincipalDep) -> Principal:
    require(principal, principal.rol == Rol.beheer, "Hiervoor is een token met rol beheer nodig.")
    return principal


Peildatum = Annotated[
    date | None, Query(description="Toon de stand zoals vastgelegd aan het eind van deze dag.")
]
ReaderDep = Annotated[Principal, Depends(get_reader)]
FeedReaderDep = Annotated[Principal, Depends(get_feed_reader)]
BeheerderDep = Annotated[Principal, Depends(get_beheerder)]
