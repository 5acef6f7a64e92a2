"""Store append: one MeldVoortgang per transaction through tracker.writes.execute, in-process."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bench import tracker_db
from bench.timing import Budget, Result, timed_ops
from tracker import writes
from tracker.domain import meld

if TYPE_CHECKING:
    from bench.scratch import Scratch


def run(scratch: Scratch, backend: str, budget: Budget) -> list[Result]:
    db = tracker_db.prepare(scratch.url(backend, "store"))
    try:
        ops, seconds, latencies = timed_ops(lambda i: append(db, i), budget)
    finally:
        db.close()
    note = "validation + hash chain + gap-free position + projection, one event per transaction"
    return [Result("store append", backend, "events/s", ops, seconds, latencies, note=note)]


def append(db: tracker_db.TrackerDb, i: int) -> None:
    cmd = tracker_db.update_command(i)
    stream = f"actie/{db.acties[i % len(db.acties)]}"
    writes.execute(db.store, stream, lambda state: meld(state, cmd), tracker_db.META)
