"""The global feed: events as CloudEvents, and the wake-up that ends a long-poll when one commits."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import orjson
from pydantic import BaseModel, Field
from sqlalchemy import text

from tracker.events import SCHEMA_VERSION
from tracker.metrics import FEED_WAITERS
from tracker.store import NOTIFY_CHANNEL
from tracker.upcasting import upcast

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy import Engine

log = logging.getLogger("tracker.feed")
TYPE_PREFIX = "nl.koersmonitor."
FEED_SCHEMA_VERSION = "1"

# The log's head comes with the page, from the same snapshot; SQLite and PostgreSQL compute it once.
_PAGE = text("""
SELECT position, event_id, stream, version, type, data, metadata, recorded_at,
       (SELECT MAX(position) FROM tracker_event) AS head
FROM tracker_event WHERE position > :after ORDER BY position LIMIT :limit
""")
_HEAD = text("SELECT MAX(position) FROM tracker_event")


class CloudEvent(BaseModel):
    """One event of the log as a CloudEvents 1.0 structured JSON event."""

    specversion: str = "1.0"
    id: str = Field(description="event_id in het log")
    source: str
    type: str = Field(description=f"{TYPE_PREFIX}<EventType>")
    subject: str = Field(description="stroom, bijvoorbeeld actie/wilderinkshoek")
    time: str
    datacontenttype: str = "application/json"
    dataschemaversion: str = Field(
        FEED_SCHEMA_VERSION, description="Versie van het feed-schema (docs/events.md)."
    )
    position: int = Field(description="Globale positie in het log, zonder gaten.")
    version: int = Field(description="Versie binnen de stroom.")
    correlationid: str | None = None
    data: dict[str, Any]


# The schema of a page; Page.json writes its JSON (same fields, same order) without building the models.
class FeedPage(BaseModel):
    events: list[CloudEvent]
    last_position: int = Field(description="Vraag de volgende pagina op met after=last_position.")
    head_position: int = Field(
        description="Nieuwste positie in het log: head_position - last_position is de achterstand."
    )


@dataclass(frozen=True, slots=True)
class Page:
    after: int
    rows: Sequence[Any]  # the columns of _PAGE, as the driver hands them
    head: int

    @property
    def last(self) -> int:
        return self.rows[-1][0] if self.rows else self.after

    def json(self, source: str) -> bytes:
        """The page as FeedPage JSON, without building models: a page holds up to a thousand events."""
        events = [_cloud_event(row, source) for row in self.rows]
        page = {"events": events, "last_position": self.last, "head_position": self.head}
        return orjson.dumps(page, option=orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z)


def read_page(engine: Engine, after: int, limit: int) -> Page:
    with engine.connect() as conn:
        rows = conn.execute(_PAGE, {"after": after, "limit": limit}).all()
        head = rows[0][-1] if rows else conn.scalar(_HEAD) or 0
    return Page(after, rows, head)


def _cloud_event(row: Any, source: str) -> dict[str, Any]:
    position, event_id, stream, version, type_, data, metadata, recorded_at, _ = row
    meta = orjson.loads(metadata)
    schema = meta.get("schema_version", 1)
    return {
        "specversion": "1.0",
        "id": event_id,
        "source": source,
        "type": TYPE_PREFIX + type_,
        "subject": stream,
        "time": _utc(recorded_at),
        "datacontenttype": "application/json",
        "dataschemaversion": FEED_SCHEMA_VERSION,
        "position": position,
        "version": version,
        "correlationid": meta.get("correlation_id"),
        # The store wrote `data` as JSON of today's shape: it goes out as written, unless it needs upcasting.
        "data": orjson.Fragment(data)
        if schema >= SCHEMA_VERSION
        else upcast(type_, orjson.loads(data), schema),
    }


def _utc(recorded_at: str | datetime) -> datetime:
    """SQLite hands back the naive UTC text SQLAlchemy stored, PostgreSQL a datetime in the session's zone."""
    if isinstance(recorded_at, str):
        return datetime.fromisoformat(recorded_at)  # orjson writes naive as UTC, with a Z like isoformat
    return recorded_at.astimezone(UTC) if recorded_at.utcoffset() else recorded_at


class FeedSignal:
    """A generation counter that long-polls wait on; bumped from any thread when an append commits."""

    def __init__(self) -> None:
        self.generation = 0
        self.waiting = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._changed: asyncio.Event | None = None

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop, self._changed = loop, asyncio.Event()

    def committed(self, _position: int = 0) -> None:
        """Thread-safe: called by the store after every commit in this process, and by LISTEN."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._bump)

    def _bump(self) -> None:
        self.generation += 1
        if self._changed is not None:
            self._changed.set()
            self._changed = asyncio.Event()

    async def wait(self, since: int, timeout: float) -> None:
        """Return when the generation moved past `since`, or after `timeout` seconds."""
        if self.generation != since or self._changed is None or timeout <= 0:
            return
        self.waiting += 1
        FEED_WAITERS.inc()
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout)
        finally:
            self.waiting -= 1
            FEED_WAITERS.dec()


async def listen_postgres(conninfo: str, signal: FeedSignal, retry: float = 1.0) -> None:
    """LISTEN for commits of other processes; a wake-up only, so after every (re)connect wake all readers."""
    import psycopg

    while True:
        try:
            async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as conn:
                await conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                signal.committed()
                async for _ in conn.notifies():
                    signal.committed()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # any connection failure: keep polling, reconnect later
            log.warning("LISTEN connection lost (%s); reconnecting in %.0f s", type(exc).__name__, retry)
            await asyncio.sleep(retry)
