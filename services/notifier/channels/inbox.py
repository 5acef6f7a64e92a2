"""The inbox: notifications kept for a recipient to read through the API."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import anyio
from sqlalchemy import select, update

from notifier.channels import Bezorging
from notifier.store import dialect_insert, writing
from notifier.tables import INBOX

if TYPE_CHECKING:
    from sqlalchemy import Engine, Row


class InboxChannel:
    def __init__(self, engine: Engine, clock: Callable[[], datetime]) -> None:
        self.engine, self.clock = engine, clock

    async def send(self, bezorging: Bezorging) -> str:
        return await anyio.to_thread.run_sync(self._store, bezorging)

    def _store(self, bezorging: Bezorging) -> str:
        n = bezorging.notificatie
        row = {
            "id": bezorging.id,
            "sleutel": n.sleutel,
            "recipient": bezorging.recipient,
            "soort": n.soort.value,
            "actie": n.actie,
            "bericht": json.dumps(n.as_json()),
            "created_at": self.clock(),
        }
        with writing(self.engine) as conn:
            conn.execute(dialect_insert(conn, INBOX).values(row).on_conflict_do_nothing())
        return f"in de inbox van {bezorging.recipient}"


def items(engine: Engine, recipient: str, ongelezen: bool, limit: int) -> list[Row[Any]]:
    query = select(INBOX).where(INBOX.c.recipient == recipient)
    if ongelezen:
        query = query.where(INBOX.c.read_at.is_(None))
    with engine.connect() as conn:
        return list(conn.execute(query.order_by(INBOX.c.created_at.desc()).limit(limit)))


def mark_read(engine: Engine, recipient: str, item_id: str, now: datetime) -> bool:
    with writing(engine) as conn:
        found = conn.execute(
            select(INBOX.c.id).where(INBOX.c.id == item_id, INBOX.c.recipient == recipient)
        ).first()
        conn.execute(
            update(INBOX).where(INBOX.c.id == item_id, INBOX.c.read_at.is_(None)).values(read_at=now)
        )
    return found is not None
