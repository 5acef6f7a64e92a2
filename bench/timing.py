"""Bounded timing loops and the figures one measurement yields."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Budget:
    """How long one measurement may go on: at most `count` operations and about `seconds` of wall time."""

    count: int
    seconds: float
    warmup: int


@dataclass
class Result:
    bench: str
    backend: str
    unit: str
    ops: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list, repr=False)
    errors: int = 0
    note: str = ""
    rss_mb: float | None = None  # the peak resident memory of the process measured, where one was

    @property
    def rate(self) -> float:
        return self.ops / self.seconds if self.seconds > 0 else 0.0

    def as_json(self) -> dict[str, Any]:
        figures = {f"p{p}_ms": percentile(self.latencies_ms, p) for p in (50, 95, 99)}
        data = asdict(self) | {"rate": round(self.rate, 1)} | figures
        del data["latencies_ms"]
        return data


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))], 3)


def timed_ops(op: Callable[[int], object], budget: Budget) -> tuple[int, float, list[float]]:
    """Run `op(i)` after a warm-up until the count or the time budget is spent; per-op latencies in ms."""
    for i in range(budget.warmup):
        op(i)
    latencies: list[float] = []
    clock = time.perf_counter
    start = clock()
    deadline = start + budget.seconds
    i = budget.warmup
    while len(latencies) < budget.count:
        before = clock()
        op(i)
        after = clock()
        latencies.append((after - before) * 1000)
        i += 1
        if after >= deadline:
            break
    return len(latencies), clock() - start, latencies


def timed_items(batch: Callable[[int], int], budget: Budget) -> tuple[int, float]:
    """Call `batch(k)`, which handles some items and returns how many, until the budget is spent."""
    clock = time.perf_counter
    start = clock()
    items, k = 0, 0
    while items < budget.count and clock() - start < budget.seconds:
        items += batch(k)
        k += 1
    return items, clock() - start
