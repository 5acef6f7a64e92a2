"""Growth: the store append bench on an empty log and on a copy of the run's long log, in turns.

Alternating rounds in one run spread the load other processes put on the machine over both sides."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from bench import filled_log, store_append, tracker_db
from bench.timing import Budget, Result, timed_ops

if TYPE_CHECKING:
    from bench.scratch import Scratch

ROUNDS = 3
EMPTY, LONG = "store append, empty log", "store append, long log"


def run(scratch: Scratch, backend: str, budget: Budget, events: int) -> list[Result]:
    logs = {
        EMPTY: tracker_db.prepare(scratch.url(backend, "growth_empty")),
        LONG: tracker_db.prepare(filled_log.copy(scratch, backend, events, "growth_long")),
    }
    turn = Budget(count=budget.count // ROUNDS, seconds=budget.seconds / ROUNDS, warmup=budget.warmup)
    results = {name: Result(name, backend, "events/s", 0, 0.0) for name in logs}
    try:
        for _ in range(ROUNDS):
            for name, db in logs.items():
                ops, seconds, latencies = timed_ops(functools.partial(store_append.append, db), turn)
                results[name].ops += ops
                results[name].seconds += seconds
                results[name].latencies_ms += latencies
    finally:
        for db in logs.values():
            db.close()
    for result in results.values():
        result.note = f"as 'store append', {ROUNDS} turns each; the long log holds {events:,} updates"
    return list(results.values())
