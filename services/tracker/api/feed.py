"""GET /events: the global feed, long-polling, for the notifier and other subscribers."""

from __future__ import annotations

import time
from typing import Annotated

import anyio
from fastapi import APIRouter, Query, Request, Response

from koers.problems import problems
from tracker.api.deps import FeedReaderDep, TrackerDep
from tracker.feed import FeedPage, read_page

router = APIRouter(tags=["feed"])
SQLITE_POLL = 1.0  # other processes on one SQLite file cannot signal us: look again this often
POSTGRES_POLL = 5.0  # LISTEN wakes us; the poll only covers a lost connection
MAX_POSITION = 2**31 - 1  # the largest position the log's INTEGER column holds on PostgreSQL


# The page is written as JSON directly (FeedPage documents it): validating a thousand events costs more
# than reading them.
@router.get("/events", response_model=FeedPage, responses=problems(400, 401, 403))
async def read_feed(
    request: Request,
    tracker: TrackerDep,
    _: FeedReaderDep,
    after: Annotated[int, Query(ge=0, le=MAX_POSITION, description="Geef events na deze positie.")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000, description="Hoogstens zoveel events.")] = 100,
    wait: Annotated[int, Query(ge=0, le=30, description="Wacht zo lang (s) op een nieuw event.")] = 0,
) -> Response:
    """Events na een positie, in volgorde, als CloudEvents; wacht desgewenst op nieuwe."""
    settings, signal = tracker.settings, tracker.signal
    limit, wait = min(limit, settings.feed_max_limit), min(wait, settings.feed_max_wait)
    poll = POSTGRES_POLL if tracker.store.postgres else SQLITE_POLL
    deadline = time.monotonic() + (wait if signal.waiting < settings.feed_max_waiters else 0)
    while True:
        generation = signal.generation
        page = await anyio.to_thread.run_sync(read_page, tracker.engine, after, limit)
        left = deadline - time.monotonic()
        # A client that went away (a notifier stopping) frees its long-poll at the next look.
        if page.rows or left <= 0 or await request.is_disconnected():
            break
        await signal.wait(generation, min(left, poll))
    source = settings.base_url.rstrip("/") + "/api/v1"
    return Response(page.json(source), media_type="application/json")
