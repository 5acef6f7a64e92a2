"""Twenty writers on one actie at once, through a real tracker process: exactly one wins per version."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.tracker.factories import new_store
from tracker.catalogue.loader import load_catalogue
from tracker.settings import HENGELO

ADMIN = "concurrency-admin"


@pytest.fixture
def running(tracker_url: str, services: Any) -> tuple[Any, Any]:
    """The event store with the Hengelo catalogue, and a tracker process serving it."""
    store = new_store(tracker_url)
    load_catalogue(store, HENGELO)
    tracker = services("tracker", {"TRACKER_DATABASE_URL": tracker_url, "TRACKER_ADMIN_TOKEN": ADMIN})
    return store, tracker


def test_twenty_concurrent_stale_updates_let_one_win_and_keep_the_log_whole(running: tuple[Any, Any]) -> None:
    store, tracker = running
    headers = {"Authorization": f"Bearer {ADMIN}", "If-Match": '"1"'}

    def post(i: int) -> int:
        body = {"status": "op_koers", "voortgang": i}
        url = f"{tracker.url}/api/v1/acties/wilderinkshoek/updates"
        return httpx.post(url, json=body, headers=headers, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(post, range(20)))

    assert statuses.count(201) == 1
    assert set(statuses) <= {201, 409, 412} and len(statuses) == 20
    history = store.read_stream("actie/wilderinkshoek")
    assert [r.version for r in history] == [1, 2]
    assert [r.position for r in store.read_rows(0, 1000)] == list(range(1, store.head() + 1))
    assert store.verify().ok


def test_twenty_concurrent_updates_without_if_match_all_land(running: tuple[Any, Any]) -> None:
    store, tracker = running

    def post(i: int) -> int:
        body = {"status": "op_koers", "voortgang": i}
        url = f"{tracker.url}/api/v1/acties/{'wilderinkshoek' if i % 2 else 'twentekanaal'}/updates"
        return httpx.post(
            url, json=body, headers={"Authorization": f"Bearer {ADMIN}"}, timeout=60
        ).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(post, range(20)))

    # Without If-Match nobody asked for a version: a writer that loses the race decides again and lands.
    assert statuses == [201] * 20
    assert [r.version for r in store.read_stream("actie/wilderinkshoek")] == list(range(1, 12))
    assert store.head() == 51 + 20
    assert store.verify().ok


def test_sigterm_lets_a_waiting_long_poll_finish_before_the_tracker_exits(running: tuple[Any, Any]) -> None:
    store, tracker = running
    feed = f"{tracker.url}/api/v1/events?after={store.head()}&wait=3"
    with ThreadPoolExecutor(max_workers=1) as pool:
        waiting = pool.submit(httpx.get, feed, headers={"Authorization": f"Bearer {ADMIN}"}, timeout=30)
        time.sleep(0.5)  # the request is in flight
        tracker.stop()  # SIGTERM
        answer = waiting.result()
    assert answer.status_code == 200 and answer.json()["events"] == []
    assert "Application shutdown complete" in tracker.log.read_text()
