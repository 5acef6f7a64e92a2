"""Dashboard test plumbing: the Hengelo agenda in a fresh database, updates recorded at chosen times."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from koers.db import make_engine
from tracker import writes
from tracker.catalogue.loader import load_catalogue
from tracker.domain import CorrigeerVoortgang, MeldVoortgang, corrigeer, meld, stream_of
from tracker.events import Recorded
from tracker.main import create_app
from tracker.settings import HENGELO, TrackerSettings
from tracker.store import EventStore

GELADEN = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
ZORG = {"oorzaak": "Het subsidiebesluit is laat", "gevolg": "Start schuift op", "bijsturing": "Overleg"}


@dataclass
class Klok:
    """The time the store records and the app judges staleness at; tests move it."""

    nu: datetime = GELADEN

    def __call__(self) -> datetime:
        return self.nu


class Agenda:
    """The Hengelo catalogue in a fresh database, and the updates a test records at chosen moments."""

    def __init__(self, url: str, klok: Klok) -> None:
        self.url, self.klok = url, klok
        self.store = EventStore(make_engine(url), klok)
        load_catalogue(self.store, HENGELO)

    def meld(
        self, actie: str, op: datetime, status: str = "op_koers", voortgang: int = 0, **velden: Any
    ) -> Recorded:
        self.klok.nu = op
        zorg = ZORG if status in ("risico", "vertraagd") else {}
        cmd = MeldVoortgang(**{"status": status, "voortgang": voortgang, **zorg, **velden})
        decide = lambda s: meld(s, cmd)  # noqa: E731
        return writes.execute(self.store, stream_of("actie", actie), decide, {"actor": "test"})[-1]

    def corrigeer(self, actie: str, melding: Recorded, op: datetime, reden: str, **velden: Any) -> Recorded:
        self.klok.nu = op
        cmd = CorrigeerVoortgang(**{"corrigeert": melding.event_id, "reden": reden, **velden})
        doel = self.store.get(melding.event_id)
        decide = lambda s: corrigeer(s, cmd, doel)  # noqa: E731
        return writes.execute(self.store, stream_of("actie", actie), decide, {"actor": "test"})[-1]


@pytest.fixture
def klok() -> Klok:
    return Klok()


@pytest.fixture
def agenda(tracker_url: str, klok: Klok) -> Agenda:
    return Agenda(tracker_url, klok)


def app_for(agenda: Agenda, **settings: Any) -> FastAPI:
    settings = {"public_read": True, **settings}
    return create_app(TrackerSettings(database_url=agenda.url, **settings), agenda.klok)


def client_for(agenda: Agenda, **settings: Any) -> Iterator[TestClient]:
    with TestClient(app_for(agenda, **settings), base_url="http://testserver") as client:
        yield client


@pytest.fixture
def site(agenda: Agenda) -> Iterator[TestClient]:
    """The dashboard, public, as the council sees it."""
    yield from client_for(agenda)


def dag(maand: int, dag_: int, uur: int = 10) -> datetime:
    """A moment in 2026, in UTC (10:00 UTC is midday in Hengelo)."""
    return datetime(2026, maand, dag_, uur, tzinfo=UTC)
