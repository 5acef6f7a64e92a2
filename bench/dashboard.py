"""Dashboard server time: the overview and an actie page, now and at a peildatum, over a long log.

The log is the run's shared long log (bench/filled_log.py); the pages are requested in-process (httpx's
ASGITransport, the app's lifespan entered), which times the server's work without a network."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING

import httpx

from bench import filled_log
from bench.timing import Budget, Result, timed_ops
from tracker.main import create_app
from tracker.settings import TrackerSettings

if TYPE_CHECKING:
    from fastapi import FastAPI

    from bench.scratch import Scratch

PEILDATUM = "2026-06-30"
PAGES = {
    "dashboard overview": "/",
    "dashboard overview @peildatum": f"/?peildatum={PEILDATUM}",
    "dashboard actie": "/acties/wilderinkshoek",
    "dashboard actie @peildatum": f"/acties/wilderinkshoek?peildatum={PEILDATUM}",
}
BUDGETS = {
    "quick": Budget(count=20, seconds=2.0, warmup=2),
    "full": Budget(count=200, seconds=30.0, warmup=5),
}


def run(scratch: Scratch, backend: str, events: int, quick: bool) -> list[Result]:
    app = create_app(
        TrackerSettings(database_url=filled_log.shared(scratch, backend, events), public_read=True)
    )
    budget = BUDGETS["quick" if quick else "full"]
    # One event loop for the whole measurement, driven request by request, so the sync timing loop serves.
    with asyncio.Runner() as loop:
        stack = AsyncExitStack()
        client = loop.run(_serve(app, stack))
        try:
            return [_page(loop, client, backend, name, path, budget, events) for name, path in PAGES.items()]
        finally:
            loop.run(stack.aclose())


async def _serve(app: FastAPI, stack: AsyncExitStack) -> httpx.AsyncClient:
    """The app with its lifespan entered, and a client that calls it without a network."""
    await stack.enter_async_context(app.router.lifespan_context(app))
    transport = httpx.ASGITransport(app=app)
    return await stack.enter_async_context(httpx.AsyncClient(transport=transport, base_url="http://bench"))


def _page(
    loop: asyncio.Runner,
    client: httpx.AsyncClient,
    backend: str,
    name: str,
    path: str,
    budget: Budget,
    events: int,
) -> Result:
    failed: list[int] = []

    def get(_: int) -> None:
        if (status := loop.run(client.get(path)).status_code) != 200:
            failed.append(status)

    ops, seconds, latencies = timed_ops(get, budget)
    note = (
        f"GET {path}, Hengelo catalogue, {events:,} events over {filled_log.span()}, in-process (server time)"
    )
    return Result(name, backend, "requests/s", ops, seconds, latencies, len(failed), note)
