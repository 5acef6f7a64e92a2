"""Bearer tokens (only their SHA-256 is stored) and who may do what."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import Mapping
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


ANONIEM = Principal(id="anoniem", rol=None)
FEED_ROLES = frozenset({Rol.service, Rol.beheer})


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
    if row.expires_at is not None and row.expires_at <= now:
        return None
    return Principal(
        id=row.id,
        rol=Rol(row.rol),
        acties=frozenset(json.loads(row.acties)),
        portefeuillehouder=row.portefeuillehouder,
    )
