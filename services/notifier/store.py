"""The notifier's SQL for the consumer and planner: knowledge from the feed, checkpoint, new deliveries."""

from __future__ import annotations

import dataclasses
import importlib
import itertools
import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, select, update

from koers.db import WRITE_LOCK
from koers.ids import uuid4
from notifier.kennis import Actie, Kennis, Opgave
from notifier.tables import ACTIE, CHECKPOINT, DELIVERY, OPGAVE, PORTEFEUILLEHOUDER
from notifier.voorkeuren import Kanaal, Voorkeuren, kanalen_voor

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from notifier.notificatie import Notificatie

FEED = "tracker"


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction. On SQLite it takes the write lock at BEGIN: a read that later writes would
    otherwise fail with 'database is locked' when another process wrote in between (WAL snapshots)."""
    with engine.connect().execution_options(**{WRITE_LOCK: True}) as conn, conn.begin():
        yield conn


def dialect_insert(conn: Connection, table: Table) -> Any:
    """INSERT with ON CONFLICT support, for whichever of the two databases this is."""
    # Imported by name: the PostgreSQL dialect alone is 2.4 MB that a notifier on SQLite need not load.
    return importlib.import_module(f"sqlalchemy.dialects.{conn.dialect.name}").insert(table)


def upsert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    keys = [c.name for c in table.primary_key.columns]
    stmt = dialect_insert(conn, table)
    # The rows as parameters of one statement, not in its text: a statement per row count would fill
    # SQLAlchemy's compiled cache (tens of MB while the notifier catches up on a long feed).
    conn.execute(
        stmt.on_conflict_do_update(index_elements=keys, set_={c: stmt.excluded[c] for c in rows[0]}), rows
    )


def checkpoint(conn: Connection) -> int:
    position = conn.execute(select(CHECKPOINT.c.position).where(CHECKPOINT.c.feed == FEED)).scalar()
    return position or 0


def advance(conn: Connection, seen: int, to: int) -> bool:
    """Move the checkpoint from `seen` to `to`; False when another process moved it first.

    Done first in the batch's transaction: the row lock it takes serialises consumers on PostgreSQL."""
    conn.execute(dialect_insert(conn, CHECKPOINT).values(feed=FEED, position=0).on_conflict_do_nothing())
    moved = conn.execute(
        update(CHECKPOINT).where(CHECKPOINT.c.feed == FEED, CHECKPOINT.c.position == seen).values(position=to)
    )
    return moved.rowcount == 1


def load_kennis(conn: Connection) -> Kennis:
    namen = {r.id: r.naam for r in conn.execute(select(PORTEFEUILLEHOUDER))}
    opgaven = {
        r.id: Opgave(r.id, r.titel, r.dwarsthema, r.coordinerend) for r in conn.execute(select(OPGAVE))
    }
    acties = {r.id: _actie(dict(r._mapping)) for r in conn.execute(select(ACTIE))}
    return Kennis(namen, opgaven, acties)


def _actie(row: Mapping[str, Any]) -> Actie:
    return Actie(**{**row, "portefeuillehouders": tuple(json.loads(row["portefeuillehouders"]))})


def save_kennis(conn: Connection, was: Kennis, nu: Kennis) -> None:
    """Write what changed between two states of knowledge."""
    upsert(conn, PORTEFEUILLEHOUDER, [{"id": k, "naam": v} for k, v in _changed(was.namen, nu.namen)])
    upsert(conn, OPGAVE, [dataclasses.asdict(o) for _, o in _changed(was.opgaven, nu.opgaven)])
    acties = [dataclasses.asdict(a) for _, a in _changed(was.acties, nu.acties)]
    upsert(conn, ACTIE, [{**a, "portefeuillehouders": json.dumps(a["portefeuillehouders"])} for a in acties])


def _changed(was: Mapping[str, Any], nu: Mapping[str, Any]) -> Iterable[tuple[str, Any]]:
    return ((k, v) for k, v in nu.items() if was.get(k) != v)


# Notifications per INSERT. A page of the feed can raise hundreds, and until its statement is sent each row
# is held as our dict and again as SQLAlchemy's parameters: catching up on PostgreSQL in pages of 1,000,
# the notifier peaked at 104.5 MB with all of a page's rows in one statement, at 100.8 MB with 100.
ENQUEUE_CHUNK = 100


def enqueue(
    conn: Connection, notes: Iterable[Notificatie], voorkeuren: Mapping[str, Voorkeuren], now: datetime
) -> None:
    """Deliveries for each notification on each channel its recipient wants; a repeat adds nothing."""
    notes = iter(notes)
    while chunk := list(itertools.islice(notes, ENQUEUE_CHUNK)):
        rows: list[dict[str, Any]] = []
        for n in chunk:
            bericht = json.dumps(n.as_json())  # one text for all of its channels
            kanalen = kanalen_voor(voorkeuren.get(n.ontvanger), n.soort)
            rows += [_delivery(n, bericht, kanaal, now) for kanaal in kanalen]
        if rows:
            conn.execute(dialect_insert(conn, DELIVERY).on_conflict_do_nothing(), rows)


def _delivery(n: Notificatie, bericht: str, kanaal: Kanaal, now: datetime) -> dict[str, Any]:
    return {
        "id": uuid4(),
        "sleutel": n.sleutel,
        "recipient": n.ontvanger,
        "channel": kanaal.value,
        "soort": n.soort.value,
        "actie": n.actie,
        "bericht": bericht,
        "status": "pending",
        "attempts": 0,
        "created_at": now,
        "next_attempt_at": now,
    }
