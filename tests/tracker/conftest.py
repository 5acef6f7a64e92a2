"""An API client on a fresh tracker database with the Hengelo catalogue, lifespan included."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from koers.db import make_engine
from tracker.auth import NewToken, Rol, create_token
from tracker.catalogue.loader import load_catalogue
from tracker.main import create_app
from tracker.settings import HENGELO, TrackerSettings
from tracker.store import EventStore, utcnow

ADMIN = "test-admin-secret"


@dataclass
class Api:
    client: httpx.AsyncClient
    store: EventStore

    def token(self, rol: Rol, *acties: str, **extra: object) -> dict[str, str]:
        _, secret = create_token(self.store.engine, NewToken(rol=rol, acties=acties, **extra), utcnow())  # type: ignore[arg-type]
        return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
async def api(tracker_url: str) -> AsyncIterator[Api]:
    store = EventStore(make_engine(tracker_url))
    load_catalogue(store, HENGELO)
    app = create_app(TrackerSettings(database_url=tracker_url, admin_token=ADMIN))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://tracker") as client:
            yield Api(client, store)
    store.engine.dispose()
