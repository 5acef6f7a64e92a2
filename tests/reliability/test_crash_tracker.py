"""The tracker SIGKILLed under a steady write load: nothing acknowledged is lost, nothing is doubled."""

from __future__ import annotations

import random
from typing import Any

import pytest

from koers.db import make_engine
from tests.reliability.crash import Load, Tally, audit, check_log, crash_loop
from tracker.catalogue.loader import load_catalogue
from tracker.settings import HENGELO
from tracker.store import EventStore

ADMIN = "crash-admin"
ACTIES = ["wilderinkshoek", "twentekanaal", "samenlevingsvisie"]


def run_crashes(tracker_url: str, services: Any, backend: str, kills: int, seed: int) -> Tally:
    store = EventStore(make_engine(tracker_url))
    load_catalogue(store, HENGELO)
    # The write rate limit has tests of its own; here it would only thin out the load.
    env = {
        "TRACKER_DATABASE_URL": tracker_url,
        "TRACKER_ADMIN_TOKEN": ADMIN,
        "TRACKER_WRITE_RATE_PER_MINUTE": "0",
    }
    tracker = services("tracker", env)
    load = Load(tracker.url, ADMIN, ACTIES)
    clients = load.start()
    tally = Tally()
    try:
        tally.kills = crash_loop(tracker, kills, random.Random(seed))
    finally:
        load.stop.set()
        for client in clients:
            client.join(60)
    audit(store, load.attempts, tracker.url, ADMIN, tally)
    check_log(store)
    print(f"\ncrash ({backend}, seed {seed}): {tally.line()}")
    store.engine.dispose()
    assert tally.lost == tally.duplicates == 0
    assert tally.acknowledged > 0 and tally.found >= tally.acknowledged
    return tally


def test_a_tracker_killed_five_times_under_load_loses_and_doubles_nothing(
    tracker_url: str, services: Any, backend: str
) -> None:
    run_crashes(tracker_url, services, backend, kills=5, seed=random.randrange(10**6))


@pytest.mark.slow
def test_a_tracker_killed_twenty_five_times_under_load_loses_and_doubles_nothing(
    tracker_url: str, services: Any, backend: str
) -> None:
    run_crashes(tracker_url, services, backend, kills=25, seed=random.randrange(10**6))
