"""create_app(settings, clock): the ASGI app; its lifespan runs the consumer, outbox and planner."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import anyio
from fastapi import FastAPI
from sqlalchemy import text

from koers.db import make_engine
from koers.http import RequestGuard
from koers.openapi import nl_openapi
from koers.problems import ProblemError, install_problem_handlers
from notifier import api, consumer, planner, recipients
from notifier.channels.inbox import InboxChannel
from notifier.channels.smtp import MailChannel
from notifier.channels.webhook import WebhookChannel
from notifier.outbox import Outbox
from notifier.settings import NotifierSettings

API_VERSION = "1.0.0"
CONTACT = {"name": "Koersmonitor", "email": "koersmonitor@hengelo.nl", "url": "https://www.hengelo.nl"}


def utcnow() -> datetime:
    return datetime.now(UTC)


def create_app(settings: NotifierSettings | None = None, clock: Callable[[], datetime] = utcnow) -> FastAPI:
    settings = settings or NotifierSettings()
    sub = _api(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url)
        if settings.recipients:
            await anyio.to_thread.run_sync(recipients.seed, engine, settings.recipients)
        app.state.notifier = sub.state.notifier = api.Notifier(settings, engine, clock)
        channels = {
            "email": MailChannel(settings),
            "webhook": WebhookChannel(settings, clock),
            "inbox": InboxChannel(engine, clock),
        }
        work: list[Coroutine[Any, Any, None]] = [
            consumer.follow(engine, settings, clock),
            Outbox(engine, channels, settings, clock).run(),
        ]
        if settings.planner_interval > 0:
            work.append(planner.run(engine, settings, clock))
        tasks = [asyncio.create_task(w) for w in work]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            engine.dispose()

    app = FastAPI(
        title="Koersmonitor notifier", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    app.mount("/api/v1", sub)
    _health(app)
    install_problem_handlers(app)
    app.add_middleware(RequestGuard, api_version=API_VERSION, max_body_bytes=settings.max_body_bytes)
    return app


def _api(settings: NotifierSettings) -> FastAPI:
    sub = FastAPI(
        title="Koersmonitor notifier",
        version=API_VERSION,
        description="Voorkeuren van portefeuillehouders, hun inbox, en het bewijs van bezorging.",
        servers=[{"url": "/api/v1"}],
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
    )
    sub.include_router(api.router)
    install_problem_handlers(sub)
    sub.openapi = lambda: nl_openapi(sub, CONTACT)  # type: ignore[method-assign]
    return sub


def _health(app: FastAPI) -> None:
    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    def readyz() -> dict[str, str]:
        try:
            with app.state.notifier.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:
            raise ProblemError(503, f"De database is niet bereikbaar ({type(exc).__name__}).") from exc
        return {"status": "ready"}
