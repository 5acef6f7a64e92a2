"""A long log, filled once per backend in a run and shared by the benches that need one.

Filling 1,000,000 events through the store takes minutes, so the dashboard, rebuild, memory and growth
benches read one log; a bench that appends to it gets a copy, so the others see the log as filled.
The seeder's clock walks through 2026, so the per-day history has as many days as a year of use."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bench import tracker_db

if TYPE_CHECKING:
    from bench.scratch import Scratch

YEAR = (datetime(2026, 1, 1, 8, tzinfo=UTC), datetime(2026, 11, 20, 17, tzinfo=UTC))


def shared(scratch: Scratch, backend: str, events: int) -> str:
    """The URL of a log of `events` updates after the Hengelo catalogue; not to be appended to."""
    key = f"filled_{backend}_{events}"
    if key not in scratch.kept:
        calendar = tracker_db.Calendar(*YEAR)
        db = tracker_db.prepare(scratch.url(backend, "filled"), calendar)
        tracker_db.seed(db, events, calendar)
        db.close()
        scratch.kept[key] = db.url
    return scratch.kept[key]


def copy(scratch: Scratch, backend: str, events: int, label: str) -> str:
    """A copy of the shared log, to append to."""
    return scratch.url(backend, label, template=shared(scratch, backend, events))


def span() -> str:
    return f"{YEAR[0]:%d-%m}–{YEAR[1]:%d-%m-%Y}"
