"""Rebuild: `python -m tracker rebuild` as an operator runs it, on the run's long log.

The rate is events over the command's wall time, interpreter start included; the peak RSS is the
child's own high-water mark (bench/rss.py). A rebuild leaves the projections as they were, so the
shared log is used."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from bench import filled_log, rss
from bench.timing import Result
from koers.db import make_engine
from tracker.store import EventStore

if TYPE_CHECKING:
    from bench.scratch import Scratch


def run(scratch: Scratch, backend: str, events: int) -> list[Result]:
    url = filled_log.shared(scratch, backend, events)
    store = EventStore(make_engine(url))
    head = store.head()
    store.engine.dispose()
    command = [sys.executable, "-m", "tracker", "rebuild"]
    done = rss.run(command, {"TRACKER_DATABASE_URL": url}, scratch.folder / f"rebuild-{backend}.log")
    if f"{head} events" not in done.output:
        raise RuntimeError(f"rebuild did not replay {head} events: {done.output[-500:]}")
    note = f"python -m tracker rebuild over {head:,} events ({filled_log.span()}), wall time incl. start-up"
    return [Result("rebuild", backend, "events/s", head, done.seconds, note=note, rss_mb=done.rss_mb)]
