"""Bearer tokens (only their SHA-256 is stored) and who may do what."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import insert, select, update

from tracker.tables import TOKEN

if TYPE_CHECKING:
    from sqlalchemy import Engine


class Rol(StrEnum):
    projectleider = "projectleider"
    portefeuillehouder = "portefeuillehouder"
    raad = "raad"
    beheer = "beheer"
    service = "service"


@dataclass(frozen=True, slots=True)
class Principal:
    id: str
    rol: Rol | None  # None: anonymous, only where reading is public
    acties: frozenset[str] = field(default_factory=frozenset)
    portefeuillehouder: str | None = None
    expires_at: datetime | None = None


ANONIEM = Principal(id="anoniem", rol=None)
FEED_ROLES = frozenset({Rol.service, Rol.beheer})
CACHED_TOKENS = 10_000


def may_read(principal: Principal, public_read: bool) -> bool:
    return public_read or principal.rol is not None


def may_write(principal: Principal, actie: str) -> bool:
    """Beheer writes everywhere; a projectleider only to the acties its token names."""
    return principal.rol == Rol.beheer or (principal.rol == Rol.projectleider and actie in principal.acties)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class NewToken:
    rol: Rol
    acties: tuple[str, ...] = ()
    portefeuillehouder: str | None = None
    omschrijving: str | None = None
    expires_at: datetime | None = None


def create_token(engine: Engine, new: NewToken, now: datetime) -> tuple[str, str]:
    """Store a new token's hash; return its id and the secret, which is never stored or shown again."""
    token_id, secret = str(uuid.uuid4()), "km_" + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(
            insert(TOKEN).values(
                id=token_id,
                secret_hash=hash_secret(secret),
                rol=new.rol.value,
                acties=json.dumps(list(new.acties)),
                portefeuillehouder=new.portefeuillehouder,
                omschrijving=new.omschrijving,
                created_at=now,
                expires_at=new.expires_at,
            )
        )
    return token_id, secret


def revoke_token(engine: Engine, token_id: str, now: datetime) -> bool:
    with engine.begin() as conn:
        result = conn.execute(
            update(TOKEN).where(TOKEN.c.id == token_id, TOKEN.c.revoked_at.is_(None)).values(revoked_at=now)
        )
    TokenCache.revoked()
    return result.rowcount == 1


def configured_principals(admin_secret: str | None, service_secret: str | None) -> dict[str, Principal]:
    """The tokens set in the environment (TRACKER_ADMIN_TOKEN, TRACKER_SERVICE_TOKEN), by their hash."""
    configured = {
        admin_secret: Principal(id="beheer", rol=Rol.beheer),
        service_secret: Principal(id="service", rol=Rol.service),
    }
    return {hash_secret(secret): principal for secret, principal in configured.items() if secret}


def authenticate(
    engine: Engine, secret: str, configured: Mapping[str, Principal], now: datetime
) -> Principal | None:
    """The principal behind a bearer secret, or None when it is unknown, revoked or expired."""
    return authenticate_digest(engine, hash_secret(secret), configured, now)


def authenticate_digest(
    engine: Engine, digest: str, configured: Mapping[str, Principal], now: datetime
) -> Principal | None:
    """The same, from the secret's hash: the dashboard's session cookie holds only that."""
    for known, principal in configured.items():
        if hmac.compare_digest(digest, known):
            return principal
    with engine.connect() as conn:
        row = conn.execute(select(TOKEN).where(TOKEN.c.secret_hash == digest)).first()
    if row is None or not hmac.compare_digest(row.secret_hash, digest) or row.revoked_at is not None:
        return None
    principal = Principal(
        id=row.id,
        rol=Rol(row.rol),
        acties=frozenset(json.loads(row.acties)),
        portefeuillehouder=row.portefeuillehouder,
        expires_at=row.expires_at,
    )
    return None if _expired(principal, now) else principal


def _expired(principal: Principal, now: datetime) -> bool:
    return principal.expires_at is not None and principal.expires_at <= now


class TokenCache:
    """Tokens verified in the last `seconds`, so that a request needs no SELECT for its token.

    A revocation in this process voids every entry at once; one made by another process or replica is
    seen here within `seconds`. Expiry is checked on every use, and a refusal is never remembered."""

    _revocations = 0  # class-wide: revoke_token knows no cache, and must void them all
    _lock = threading.Lock()

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds, self.clock = seconds, clock
        # digest -> (principal, valid until on `clock`, TokenCache._revocations when it was read)
        self._entries: dict[str, tuple[Principal, float, int]] = {}

    @classmethod
    def revoked(cls) -> None:
        with cls._lock:
            cls._revocations += 1

    def get(self, digest: str, now: datetime) -> Principal | None:
        """The principal behind a digest verified lately, or None: then ask `authenticate`."""
        principal, until, revocations = self._entries.get(digest) or (None, 0.0, -1)
        if principal is None or revocations != TokenCache._revocations or self.clock() >= until:
            return None
        return None if _expired(principal, now) else principal

    def authenticate(
        self, engine: Engine, digest: str, configured: Mapping[str, Principal], now: datetime
    ) -> Principal | None:
        """authenticate_digest, remembering a success; blocking I/O, for a worker thread."""
        # Read before the SELECT: a revocation that commits while it runs keeps the answer out of the cache.
        revocations = TokenCache._revocations
        principal = authenticate_digest(engine, digest, configured, now)
        if principal is not None and self.seconds > 0:
            if len(self._entries) >= CACHED_TOKENS:
                self._entries.clear()  # only verified tokens get here; a full cache is a rare, cheap reset
            self._entries[digest] = (principal, self.clock() + self.seconds, revocations)
        return principal
