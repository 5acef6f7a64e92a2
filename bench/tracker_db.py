"""A migrated tracker database with the Hengelo catalogue loaded, and updates to post to its acties."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from koers.db import make_engine
from tracker.catalogue.loader import load_catalogue
from tracker.catalogue.schema import parse_catalogue
from tracker.domain import MeldVoortgang
from tracker.migrate import upgrade
from tracker.settings import HENGELO
from tracker.store import EventStore

META: dict[str, Any] = {"actor": "bench", "correlation_id": None, "idempotency_key": None}


@dataclass
class TrackerDb:
    url: str
    store: EventStore
    acties: list[str]

    def close(self) -> None:
        self.store.engine.dispose()


def prepare(url: str) -> TrackerDb:
    upgrade(url)
    store = EventStore(make_engine(url))
    load_catalogue(store, HENGELO)
    return TrackerDb(url, store, [actie.id for actie in parse_catalogue(HENGELO).acties])


def update_body(i: int) -> dict[str, Any]:
    """A realistic update: mostly on course, every fifth a risico with the three required answers."""
    if i % 5 == 4:
        return {
            "status": "risico",
            "voortgang": i % 101,
            "toelichting": f"meting {i}",
            "oorzaak": "subsidiebesluit later",
            "gevolg": "start bouw schuift",
            "bijsturing": "gesprek provincie",
        }
    return {"status": "op_koers", "voortgang": i % 101, "toelichting": f"meting {i}"}


def update_command(i: int) -> MeldVoortgang:
    return MeldVoortgang.model_validate(update_body(i))
