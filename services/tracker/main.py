"""create_app(settings): the tracker's ASGI app. Nothing happens at import time."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from fastapi import FastAPI

from koers.db import make_engine
from koers.observability import configure_logging
from koers.service import api_app, database_ready, service_app
from tracker import dashboard
from tracker.api import acties, beheer, export, feed, meldingen, opgaven
from tracker.api.deps import Tracker
from tracker.api.errors import install_domain_handlers
from tracker.feed import listen_postgres
from tracker.migrate import MIGRATIONS
from tracker.settings import TrackerSettings
from tracker.store import EventStore, utcnow


def production_app() -> FastAPI:
    """What `koers-tracker serve` runs in each worker: JSON logs, then the app from the environment."""
    settings = TrackerSettings()
    configure_logging("tracker", settings.log_level)
    return create_app(settings)


def create_app(settings: TrackerSettings | None = None, clock: Callable[[], datetime] = utcnow) -> FastAPI:
    settings = settings or TrackerSettings()
    api = _api(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url)
        store = EventStore(engine, clock)
        tracker = Tracker.start(settings, engine, store, clock)
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

    ready = database_ready(lambda app: app.state.tracker.engine, MIGRATIONS)
    return service_app(
        "tracker",
        api,
        lifespan,
        [ready],
        settings.max_body_bytes,
        install=dashboard.install,
        page=dashboard.probleem_pagina,
    )


def _api(settings: TrackerSettings) -> FastAPI:
    description = "Voortgang van de strategische agenda: meldingen per actie, stand per opgave en de feed."
    api = api_app(
        "Koersmonitor tracker",
        description,
        settings.base_url,
        [acties.router, meldingen.router, opgaven.router, feed.router, beheer.router, export.router],
    )
    install_domain_handlers(api)
    return api
