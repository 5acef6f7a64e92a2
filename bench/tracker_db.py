"""A migrated tracker database with the Hengelo catalogue loaded, and updates to post to its acties."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from koers.db import make_engine
from tracker import writes
from tracker.catalogue.bestand import parse_catalogue
from tracker.catalogue.loader import load_catalogue
from tracker.domain import MeldVoortgang, meld
from tracker.migrate import upgrade
from tracker.settings import HENGELO
from tracker.store import EventStore, utcnow

META: dict[str, Any] = {"actor": "bench", "correlation_id": None, "idempotency_key": None}
SEED_BATCH = 500


@dataclass
class TrackerDb:
    url: str
    store: EventStore
    acties: list[str]

    def close(self) -> None:
        self.store.engine.dispose()


class Calendar:
    """A clock the seeder moves through a span, so that a long log also has a long per-day history."""

    def __init__(self, start: datetime, end: datetime) -> None:
        self.start, self.end, self.now = start, end, start

    def __call__(self) -> datetime:
        return self.now

    def at(self, fraction: float) -> None:
        self.now = self.start + (self.end - self.start) * fraction


def prepare(url: str, clock: Callable[[], datetime] = utcnow) -> TrackerDb:
    upgrade(url)
    store = EventStore(make_engine(url), clock)
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


def seed(db: TrackerDb, events: int, calendar: Calendar | None = None) -> None:
    """Fill the log through the store, many updates per transaction, spread over the acties in turn."""
    done = 0
    while done < events:
        if calendar:
            calendar.at(done / events)
        n = min(SEED_BATCH, events - done)
        cmds = [update_command(done + k) for k in range(n)]
        stream = f"actie/{db.acties[(done // SEED_BATCH) % len(db.acties)]}"
        writes.execute(db.store, stream, lambda s, cmds=cmds: [e for c in cmds for e in meld(s, c)], META)
        done += n
