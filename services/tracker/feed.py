"""The global feed: events as CloudEvents, and the wake-up that ends a long-poll when one commits."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from tracker.metrics import FEED_WAITERS
from tracker.store import NOTIFY_CHANNEL
from tracker.upcasting import upcast

if TYPE_CHECKING:
    from sqlalchemy import Row

log = logging.getLogger("tracker.feed")
TYPE_PREFIX = "nl.koersmonitor."
FEED_SCHEMA_VERSION = "1"


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


class FeedPage(BaseModel):
    events: list[CloudEvent]
    last_position: int = Field(description="Vraag de volgende pagina op met after=last_position.")
    head_position: int = Field(
        description="Nieuwste positie in het log: head_position - last_position is de achterstand."
    )


def cloud_event(row: Row[Any], source: str) -> CloudEvent:
    meta = json.loads(row.metadata)
    return CloudEvent(
        id=row.event_id,
        source=source,
        type=TYPE_PREFIX + row.type,
        subject=row.stream,
        time=row.recorded_at.isoformat().replace("+00:00", "Z"),
        position=row.position,
        version=row.version,
        correlationid=meta.get("correlation_id"),
        data=upcast(row.type, json.loads(row.data), meta.get("schema_version", 1)),
    )


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
