"""Follows the tracker's feed: per batch, one transaction for knowledge, deliveries and the checkpoint."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import anyio
import httpx
from prometheus_client import Gauge

from notifier import rules, store
from notifier.feed import FeedPage, unreadable
from notifier.kennis import evolve
from notifier.recipients import alle_voorkeuren

if TYPE_CHECKING:
    from ssl import SSLContext

    from sqlalchemy import Engine

    from notifier.settings import NotifierSettings

log = logging.getLogger("notifier.consumer")
POSITION = Gauge("koers_notifier_feed_position", "The feed position this process last processed up to.")
LAG_EVENTS = Gauge("koers_notifier_feed_lag_events", "Events in the log not yet processed by this process.")
LAG_SECONDS = Gauge(
    "koers_notifier_feed_lag_seconds", "Age of the newest processed event while behind; 0 when not."
)


@dataclass
class FeedContact:
    """When this process last heard from the feed: readiness fails when that is too long ago."""

    since: float = field(default_factory=time.monotonic)
    last: float | None = None

    def silent_for(self) -> float:
        return time.monotonic() - (self.last if self.last is not None else self.since)


def process(engine: Engine, seen: int, page: FeedPage, now: datetime) -> bool:
    """Handle one page in one transaction; False when another consumer had already handled it."""
    with store.writing(engine) as conn:
        if not store.advance(conn, seen, page.last_position):
            return False
        was = kennis = store.load_kennis(conn)
        voorkeuren, notes = alle_voorkeuren(conn), []
        for event in page.events:
            if reason := unreadable(event):
                log.warning("event %s op positie %d overgeslagen: %s", event.id, event.position, reason)
                continue
            notes += rules.notificaties(kennis, event)
            kennis = evolve(kennis, event)
        store.save_kennis(conn, was, kennis)
        store.enqueue(conn, notes, voorkeuren, now)
    return True


def read_checkpoint(engine: Engine) -> int:
    with engine.connect() as conn:
        return store.checkpoint(conn)


async def follow(
    engine: Engine,
    settings: NotifierSettings,
    clock: Callable[[], datetime],
    tls: SSLContext,
    enqueued: Callable[[], None] = lambda: None,
    contact: FeedContact | None = None,
) -> None:
    """Long-poll the feed from the checkpoint forever; back off while the tracker or the database is down."""
    token = settings.tracker_token
    headers = {"Authorization": f"Bearer {token.get_secret_value()}"} if token else {}
    pause = 0.0
    async with httpx.AsyncClient(
        base_url=settings.tracker_url, headers=headers, timeout=settings.feed_wait + 10, verify=tls
    ) as client:
        while True:
            try:
                if await _step(client, engine, settings, clock):
                    enqueued()
                if contact:
                    contact.last = time.monotonic()
                pause = 0.0
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the checkpoint stayed where it was: the same page is read again
                pause = min(max(pause * 2, 0.5), settings.feed_retry_max)
                log.warning(
                    "feed niet verwerkt (%s: %s); opnieuw over %.1f s", type(exc).__name__, exc, pause
                )
                await asyncio.sleep(pause)


async def _step(
    client: httpx.AsyncClient, engine: Engine, settings: NotifierSettings, clock: Callable[[], datetime]
) -> bool:
    """Read and process one page; True when it held events (so the outbox has work)."""
    seen = await anyio.to_thread.run_sync(read_checkpoint, engine)
    params = {"after": seen, "limit": settings.feed_limit, "wait": settings.feed_wait}
    # The body is parsed from the stream rather than `response.content`: a response is in a reference
    # cycle with its stream, so each page's body would wait for the cycle collector, pages piling up
    # meanwhile. Nor is it kept in a local: it is garbage once parsed, while the page is handled.
    async with client.stream("GET", "/api/v1/events", params=params) as response:
        response.raise_for_status()
        page = FeedPage.model_validate_json(b"".join([chunk async for chunk in response.aiter_bytes()]))
    if page.events:
        await anyio.to_thread.run_sync(process, engine, seen, page, clock())
        POSITION.set(page.last_position)
    _measure_lag(page, clock())
    return bool(page.events)


def _measure_lag(page: FeedPage, now: datetime) -> None:
    behind = max(0, page.head_position - page.last_position) if page.head_position is not None else 0
    LAG_EVENTS.set(behind)
    LAG_SECONDS.set((now - page.events[-1].time).total_seconds() if behind and page.events else 0)
