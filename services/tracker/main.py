"""create_app(settings): the tracker's ASGI app. Nothing happens at import time."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy import text

from koers.db import make_engine
from koers.http import RequestGuard
from koers.openapi import nl_openapi
from koers.problems import ProblemError, install_problem_handlers
from tracker.api import acties, beheer, export, feed, opgaven
from tracker.api.deps import Tracker
from tracker.api.errors import install_domain_handlers
from tracker.feed import FeedSignal, listen_postgres
from tracker.settings import TrackerSettings
from tracker.store import EventStore, utcnow

API_VERSION = "1.0.0"
CONTACT = {"name": "Koersmonitor", "email": "koersmonitor@hengelo.nl", "url": "https://www.hengelo.nl"}


def create_app(settings: TrackerSettings | None = None, clock: Callable[[], datetime] = utcnow) -> FastAPI:
    settings = settings or TrackerSettings()
    api = _api(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url)
        store = EventStore(engine, clock)
        tracker = Tracker(settings=settings, engine=engine, store=store, clock=clock, signal=FeedSignal())
        tracker.signal.attach(asyncio.get_running_loop())
        store.listeners.append(tracker.signal.committed)
        app.state.tracker = api.state.tracker = tracker
        listener = None
        if store.postgres:
            conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
            listener = asyncio.create_task(listen_postgres(conninfo, tracker.signal))
        try:
            yield
        finally:
            if listener:
                listener.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await listener
            engine.dispose()

    app = FastAPI(title="Koersmonitor", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.mount("/api/v1", api)
    _health(app)
    _dashboard(app)
    return _guarded(app, settings)


def _api(settings: TrackerSettings) -> FastAPI:
    api = FastAPI(
        title="Koersmonitor tracker",
        version=API_VERSION,
        description="Voortgang van de strategische agenda: meldingen per actie, stand per opgave en de feed.",
        servers=[{"url": settings.base_url.rstrip("/") + "/api/v1"}],
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
    )
    for module in (acties, opgaven, feed, beheer, export):
        api.include_router(module.router)
    install_problem_handlers(api)
    install_domain_handlers(api)
    api.openapi = lambda: nl_openapi(api, CONTACT)  # type: ignore[method-assign]
    return api


def _health(app: FastAPI) -> None:
    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    def readyz() -> dict[str, str]:
        try:
            with app.state.tracker.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:
            raise ProblemError(503, f"De database is niet bereikbaar ({type(exc).__name__}).") from exc
        return {"status": "ready"}


def _dashboard(app: FastAPI) -> None:
    from tracker.dashboard import install

    install(app)


def _guarded(app: FastAPI, settings: TrackerSettings) -> FastAPI:
    install_problem_handlers(app)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET"],
        allow_headers=["*"],
        expose_headers=["API-Version", "ETag", "Location"],
    )
    app.add_middleware(RequestGuard, api_version=API_VERSION, max_body_bytes=settings.max_body_bytes)
    return app
