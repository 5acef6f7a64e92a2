"""Recipients: contact data and preferences, seeded from YAML and changed through the API; inbox tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from sqlalchemy import select, update

from notifier.store import dialect_insert, upsert, writing
from notifier.tables import PORTEFEUILLEHOUDER, RECIPIENT
from notifier.voorkeuren import Voorkeuren

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine, Row

PORTEFEUILLEHOUDER_ROL, PROJECTLEIDER_ROL = "portefeuillehouder", "projectleider"


def voorkeuren(row: Row[Any]) -> Voorkeuren:
    return Voorkeuren(
        email=row.email,
        webhook_url=row.webhook_url,
        webhook_secret=row.webhook_secret,
        kanalen=json.loads(row.kanalen),
        alleen_digest=row.alleen_digest,
    )


def alle_voorkeuren(conn: Connection) -> dict[str, Voorkeuren]:
    return {row.id: voorkeuren(row) for row in conn.execute(select(RECIPIENT))}


def lees_voorkeuren(engine: Engine, id_: str) -> Voorkeuren | None:
    with engine.connect() as conn:
        row = conn.execute(select(RECIPIENT).where(RECIPIENT.c.id == id_)).first()
    return voorkeuren(row) if row else None


def projectleiders(conn: Connection) -> dict[str, tuple[str, ...]]:
    """actie -> the project leads we know for it."""
    per_actie: dict[str, list[str]] = {}
    for row in conn.execute(select(RECIPIENT).where(RECIPIENT.c.rol == PROJECTLEIDER_ROL)):
        for actie in json.loads(row.acties):
            per_actie.setdefault(actie, []).append(row.id)
    return {actie: tuple(ids) for actie, ids in per_actie.items()}


def _row(id_: str, rol: str, v: Voorkeuren, acties: list[str] | None = None) -> dict[str, Any]:
    return {
        "id": id_,
        "rol": rol,
        "email": v.email,
        "webhook_url": v.webhook_url,
        "webhook_secret": v.webhook_secret,
        "kanalen": json.dumps(v.kanalen),
        "alleen_digest": v.alleen_digest,
        "acties": json.dumps(acties or []),
    }


def seed(engine: Engine, path: Path) -> int:
    """Add the recipients of a YAML file that are not known yet; what the API changed since stays."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    rows = [
        _row(id_, PORTEFEUILLEHOUDER_ROL, Voorkeuren(**v))
        for id_, v in (document.get("portefeuillehouders") or {}).items()
    ]
    for id_, v in (document.get("projectleiders") or {}).items():
        acties = v.pop("acties", [])
        rows.append(_row(id_, PROJECTLEIDER_ROL, Voorkeuren(**v), acties))
    if not rows:
        return 0
    with writing(engine) as conn:
        added = (
            dialect_insert(conn, RECIPIENT).values(rows).on_conflict_do_nothing().returning(RECIPIENT.c.id)
        )
        return len(conn.execute(added).all())


def bekend(conn: Connection, id_: str) -> bool:
    """A portefeuillehouder the feed registered, or a recipient already on file."""
    found = conn.execute(select(PORTEFEUILLEHOUDER.c.id).where(PORTEFEUILLEHOUDER.c.id == id_)).first()
    return (
        found is not None
        or conn.execute(select(RECIPIENT.c.id).where(RECIPIENT.c.id == id_)).first() is not None
    )


def new_webhook_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def zet_voorkeuren(engine: Engine, id_: str, nieuw: Voorkeuren) -> tuple[Voorkeuren, str | None]:
    """Store a portefeuillehouder's preferences; return them and a webhook secret made for the occasion."""
    with writing(engine) as conn:
        oud = conn.execute(select(RECIPIENT).where(RECIPIENT.c.id == id_)).first()
        secret, made = nieuw.webhook_secret or (oud.webhook_secret if oud else None), None
        if nieuw.webhook_url and not secret:
            secret = made = new_webhook_secret()
        stored = nieuw.model_copy(update={"webhook_secret": secret})
        row = _row(
            id_, oud.rol if oud else PORTEFEUILLEHOUDER_ROL, stored, json.loads(oud.acties) if oud else []
        )
        upsert(conn, RECIPIENT, [row])
    return stored, made


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_inbox_token(engine: Engine, id_: str) -> str:
    """Give a recipient a fresh inbox token (the old one stops working); only its hash is kept."""
    secret = "kmn_" + secrets.token_urlsafe(32)
    with writing(engine) as conn:
        if conn.execute(select(RECIPIENT.c.id).where(RECIPIENT.c.id == id_)).first() is None:
            upsert(conn, RECIPIENT, [_row(id_, PORTEFEUILLEHOUDER_ROL, Voorkeuren())])
        conn.execute(
            update(RECIPIENT).where(RECIPIENT.c.id == id_).values(inbox_token_hash=hash_token(secret))
        )
    return secret


def token_owner(engine: Engine, secret: str) -> str | None:
    digest = hash_token(secret)
    with engine.connect() as conn:
        row = conn.execute(select(RECIPIENT).where(RECIPIENT.c.inbox_token_hash == digest)).first()
    return row.id if row is not None and hmac.compare_digest(row.inbox_token_hash, digest) else None
