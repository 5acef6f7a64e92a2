"""create_app(settings, clock): the ASGI app; its lifespan runs the consumer, outbox and planner."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import anyio
import httpx
from fastapi import FastAPI

from koers.db import make_engine
from koers.observability import configure_logging
from koers.service import api_app, database_ready, service_app
from notifier import api, consumer, planner, recipients
from notifier.channels.inbox import InboxChannel
from notifier.channels.smtp import MailChannel
from notifier.channels.webhook import WebhookChannel
from notifier.deps import Notifier
from notifier.migrate import MIGRATIONS
from notifier.outbox import Outbox
from notifier.settings import NotifierSettings

if TYPE_CHECKING:
    from ssl import SSLContext

    from sqlalchemy import Engine

    from notifier.channels import Channel


def utcnow() -> datetime:
    return datetime.now(UTC)


def production_app() -> FastAPI:
    """What `koers-notifier serve` runs: JSON logs, then the app from the environment."""
    settings = NotifierSettings()
    configure_logging("notifier", settings.log_level)
    return create_app(settings)


def create_app(settings: NotifierSettings | None = None, clock: Callable[[], datetime] = utcnow) -> FastAPI:
    settings = settings or NotifierSettings()
    description = (
        "Voorkeuren van portefeuillehouders, hun inbox, en het bewijs van bezorging. Beheer gebruikt "
        "NOTIFIER_ADMIN_TOKEN; een portefeuillehouder een inbox-token dat beheer hier aanmaakt."
    )
    sub = api_app("Koersmonitor notifier", description, settings.base_url, [api.router])

    contact = consumer.FeedContact()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The blocking work (database, DNS) in four threads, not anyio's default forty: the outbox sends
        # twenty deliveries at a time, and each thread more held a pooled connection and its caches (5 MB
        # more while catching up), for no more throughput: SQLite writes one at a time anyway.
        anyio.to_thread.current_default_thread_limiter().total_tokens = 4
        # Its hot rows are few (the checkpoint, the knowledge, the deliveries due), while each of the
        # threads' SQLite connections would keep a page cache of 2 MB: 2.6 MB less at the peak of a catch-up.
        engine = make_engine(settings.database_url, sqlite_cache_kib=256)
        if settings.recipients:
            await anyio.to_thread.run_sync(recipients.seed, engine, settings.recipients)
        app.state.notifier = sub.state.notifier = Notifier(settings, engine, clock)
        # One for the feed and the webhooks: each load of the CA certificates costs 1.5 MB and 75 ms.
        tls = httpx.create_ssl_context()
        outbox = _outbox(engine, settings, clock, tls)
        sending = asyncio.create_task(outbox.run())
        tasks = [asyncio.create_task(work) for work in _work(engine, settings, clock, tls, outbox, contact)]
        try:
            yield
        finally:
            # On SIGTERM the delivery being sent finishes; what was not claimed waits for the next start.
            outbox.stop()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(sending), settings.claim_seconds)
            for task in [*tasks, sending]:
                task.cancel()
            for task in [*tasks, sending]:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            engine.dispose()

    def feed_heard(_app: FastAPI) -> str | None:
        silent = contact.silent_for()
        stale = silent > settings.feed_stale_seconds
        return f"de feed van de tracker is {silent:.0f} s niet bereikt" if stale else None

    ready = database_ready(lambda app: app.state.notifier.engine, MIGRATIONS)
    return service_app("notifier", sub, lifespan, [ready, feed_heard], settings.max_body_bytes)


def _outbox(
    engine: Engine, settings: NotifierSettings, clock: Callable[[], datetime], tls: SSLContext
) -> Outbox:
    channels: dict[str, Channel] = {
        "email": MailChannel(settings),
        "webhook": WebhookChannel(settings, clock, tls),
        "inbox": InboxChannel(engine, clock),
    }
    return Outbox(engine, channels, settings, clock)


def _work(
    engine: Engine,
    settings: NotifierSettings,
    clock: Callable[[], datetime],
    tls: SSLContext,
    outbox: Outbox,
    contact: consumer.FeedContact,
) -> list[Coroutine[Any, Any, None]]:
    """What runs beside the API and the outbox: the feed consumer and (unless off) the planner."""
    work = [consumer.follow(engine, settings, clock, tls, outbox.wake.set, contact)]
    if settings.planner_interval > 0:
        work.append(planner.run(engine, settings, clock))
    return work
