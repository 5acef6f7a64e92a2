"""Memory: peak RSS of the tracker and the notifier as processes, with the run's long log in the tracker.

The tracker serves the whole log as feed pages to a load process, the dashboard pages and some updates;
then a fresh notifier follows the feed from position 0 until its checkpoint reaches the head. The peak
is each process's high-water mark (VmHWM), read before it stops: no sampling can miss it."""

from __future__ import annotations

import secrets
import time
from typing import TYPE_CHECKING

import httpx

from bench import filled_log, http_benches, tracker_db
from bench.alert import notifier_env
from bench.rss import peak_mb
from bench.server import Service, TrackerProcess
from bench.timing import Budget, Result
from koers.db import make_engine
from notifier.consumer import read_checkpoint
from notifier.migrate import upgrade as upgrade_notifier

if TYPE_CHECKING:
    from bench.scratch import Scratch

PAGES = (
    "/",
    "/?peildatum=2026-06-30",
    "/acties/wilderinkshoek",
    "/acties/wilderinkshoek?peildatum=2026-06-30",
)
UPDATES = 100
FEED_PAGE = 1000
SERVED = f"{len(PAGES)} dashboard pages, {UPDATES} updates and the notifier's catch-up"
PATIENCE = 3600.0  # seconds for the notifier to catch up with 1,000,000 events on a busy machine


def run(scratch: Scratch, backend: str, events: int) -> list[Result]:
    url = filled_log.copy(scratch, backend, events, "memory_tracker")
    service_token = secrets.token_urlsafe(24)
    settings = {"TRACKER_SERVICE_TOKEN": service_token, "TRACKER_PUBLIC_READ": "true"}
    with TrackerProcess(url, scratch.folder / f"tracker-memory-{backend}.log", settings) as tracker:
        head, feed = _exercise(tracker)
        caught_up, notifier_rss = _follow(scratch, backend, tracker.url, service_token, head)
        tracker_rss = _peak(tracker)
    tracker_note = f"{head:,} events; served the whole feed in pages of {FEED_PAGE}, {SERVED}"
    notifier_note = f"{head:,} events; caught up from position 0 in pages of {FEED_PAGE}, start-up included"
    return [
        http_benches.result("memory tracker", backend, "events/s", feed, tracker_note, tracker_rss),
        Result(
            "memory notifier", backend, "events/s", head, caught_up, note=notifier_note, rss_mb=notifier_rss
        ),
    ]


def _follow(scratch: Scratch, backend: str, tracker_url: str, token: str, head: int) -> tuple[float, float]:
    """A fresh notifier from position 0 to `head`: the seconds it took, start-up included, and its peak."""
    database_url = scratch.url(backend, "memory_notifier")
    upgrade_notifier(database_url)
    env = notifier_env(database_url, tracker_url, token, secrets.token_urlsafe(24))
    env["NOTIFIER_MAIL_FOLDER"] = str(scratch.folder / "mail")
    env["NOTIFIER_FEED_LIMIT"] = str(FEED_PAGE)  # the largest page the tracker serves: the most held at once
    began = time.perf_counter()
    with Service("notifier", env, scratch.folder / f"notifier-memory-{backend}.log", "/healthz") as notifier:
        _await_checkpoint(database_url, head)
        return time.perf_counter() - began, _peak(notifier)


def _peak(service: Service) -> float:
    if (peak := peak_mb(service.process.pid)) is None:
        raise RuntimeError(f"{service.module} stopped before its memory was read; see {service.log}")
    return peak


def _exercise(tracker: TrackerProcess) -> tuple[int, dict[str, object]]:
    """Read the whole feed from another process, then pages and updates; the head after them."""
    head = _head(tracker)
    whole = Budget(count=head, seconds=PATIENCE, warmup=0)
    feed = http_benches.load("feed", tracker.url, tracker.admin_token, whole, "--page", str(FEED_PAGE))
    acties = ("wilderinkshoek", "twentekanaal", "isolatiesubsidie")
    with httpx.Client(
        base_url=tracker.url, headers={"Authorization": f"Bearer {tracker.admin_token}"}
    ) as client:
        for path in PAGES:
            client.get(path).raise_for_status()
        for i in range(UPDATES):
            client.post(
                f"/api/v1/acties/{acties[i % 3]}/updates", json=tracker_db.update_body(i)
            ).raise_for_status()
    return head + UPDATES, feed


def _head(tracker: TrackerProcess) -> int:
    page = httpx.get(
        f"{tracker.url}/api/v1/events",
        params={"after": 0, "limit": 1},
        headers={"Authorization": f"Bearer {tracker.admin_token}"},
    )
    page.raise_for_status()
    return int(page.json()["head_position"])


def _await_checkpoint(database_url: str, head: int) -> None:
    engine = make_engine(database_url)
    deadline = time.monotonic() + PATIENCE
    try:
        while read_checkpoint(engine) < head:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the notifier did not reach position {head} within {PATIENCE:.0f} s")
            time.sleep(0.2)
    finally:
        engine.dispose()
