"""HTTP append and feed read: a tracker process, and load from a separate process over loopback."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING, Any

from bench import tracker_db
from bench.server import TrackerProcess
from bench.timing import Budget, Result
from tracker.auth import NewToken, Rol, create_token
from tracker.store import utcnow

if TYPE_CHECKING:
    from bench.scratch import Scratch

CLIENTS = 4


def run_append(scratch: Scratch, backend: str, budget: Budget) -> list[Result]:
    db = tracker_db.prepare(scratch.url(backend, "http"))
    _, token = create_token(
        db.store.engine, NewToken(rol=Rol.projectleider, acties=tuple(db.acties)), utcnow()
    )
    db.close()
    with TrackerProcess(db.url, scratch.folder / f"tracker-http-{backend}.log") as tracker:
        cpu = tracker.cpu_seconds()
        figures = load(
            "append",
            tracker.url,
            token,
            budget,
            "--acties",
            ",".join(db.acties),
            "--clients",
            str(CLIENTS),
            "--warmup",
            str(budget.warmup),
        )
        cpu = tracker.cpu_seconds() - cpu
    # The CPU figure moves far less with a busy machine than the rate does; warm-up requests count in both.
    per_request = 1000 * cpu / (figures["ops"] + CLIENTS * budget.warmup)
    note = (
        f"{CLIENTS} clients in a separate process, keep-alive, projectleider token, one update per request; "
        f"tracker CPU {per_request:.2f} ms per request"
    )
    return [result("HTTP append", backend, "requests/s", figures, note)]


def run_feed(scratch: Scratch, backend: str, budget: Budget, seed: int) -> list[Result]:
    db = tracker_db.prepare(scratch.url(backend, "feed"))
    tracker_db.seed(db, seed)
    db.close()
    with TrackerProcess(db.url, scratch.folder / f"tracker-feed-{backend}.log") as tracker:
        events = Budget(count=budget.count * 100, seconds=budget.seconds, warmup=0)  # counted in events
        figures = load("feed", tracker.url, tracker.admin_token, events, "--page", "1000")
    note = f"GET /api/v1/events?limit=1000 over a log of {seed:,} events, one client, beheer token"
    return [result("HTTP feed read", backend, "events/s", figures, note)]


def load(mode: str, url: str, token: str, budget: Budget, *extra: str) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "bench.load",
        mode,
        "--url",
        url,
        f"--token={token}",  # a secret may begin with "-"
        "--count",
        str(budget.count),
        "--seconds",
        str(budget.seconds),
        *extra,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=budget.seconds + 120, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"load process failed ({done.returncode}): {done.stderr[-2000:]}")
    figures: dict[str, Any] = json.loads(done.stdout)
    return figures


def result(
    bench: str, backend: str, unit: str, figures: dict[str, Any], note: str, rss_mb: float | None = None
) -> Result:
    """A Result from the load process's figures."""
    errors = sum(figures["errors"].values())
    if errors:
        note += f"; non-2xx: {figures['errors']}"
    return Result(
        bench,
        backend,
        unit,
        figures["ops"] - errors if unit != "events/s" else figures["ops"],
        figures["seconds"],
        figures["latencies_ms"],
        errors,
        note,
        rss_mb,
    )
