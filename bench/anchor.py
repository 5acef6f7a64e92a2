"""The anchor: the eventsourcing library with its SQLite and PostgreSQL recorders, same machine, same run."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from sqlalchemy.engine.url import make_url

from bench import deps
from bench.timing import Budget, Result, timed_items, timed_ops

if TYPE_CHECKING:
    from bench.scratch import Scratch

AGGREGATES = 30  # streams to spread appends over (the Hengelo catalogue has 40 acties)
PAGE = 1000


def run(scratch: Scratch, backend: str, budget: Budget) -> list[Result]:
    deps.ensure(deps.ANCHOR)
    from bench.anchor_app import Voortgang

    app = Voortgang(env=_env(scratch.url(backend, "es"), backend))
    try:
        return [*_append(app, backend, budget), _replay(app, backend, budget), _read(app, backend, budget)]
    finally:
        app.close()


def _env(url: str, backend: str) -> dict[str, str]:
    # The library's own answer to "load before deciding": a cached aggregate, fast-forwarded by one SELECT.
    cache = {"AGGREGATE_CACHE_MAXSIZE": "1000"}
    if backend == "sqlite":
        return cache | {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(make_url(url).database),
        }
    parsed = make_url(url)
    return cache | {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": str(parsed.database),
        "POSTGRES_HOST": parsed.host or "127.0.0.1",
        "POSTGRES_PORT": str(parsed.port or 5432),
        "POSTGRES_USER": parsed.username or "postgres",
        "POSTGRES_PASSWORD": parsed.password or "",
    }


def _append(app: Any, backend: str, budget: Budget) -> list[Result]:
    ids = [app.register(f"actie-{n}") for n in range(AGGREGATES)]
    ops, seconds, latencies = timed_ops(lambda i: app.meld(ids[i % AGGREGATES], i), budget)
    app.ids = ids
    note = "repository.get (cached, fast-forwarded), trigger one event, save: one event per transaction"
    return [Result("eventsourcing append", backend, "events/s", ops, seconds, latencies, note=note)]


def _replay(app: Any, backend: str, budget: Budget) -> Result:
    ids: list[UUID] = app.ids

    def replay_one(k: int) -> int:
        # A version bypasses the aggregate cache: every call replays the aggregate's events from the table.
        return int(app.repository.get(ids[k % AGGREGATES], version=2**31).version)

    events, seconds = timed_items(replay_one, budget_items(budget))
    return Result(
        "eventsourcing replay", backend, "events/s", events, seconds, note="repository.get, no snapshots"
    )


def _read(app: Any, backend: str, budget: Budget) -> Result:
    position = {"next": 1}

    def page(_k: int) -> int:
        notifications = app.recorder.select_notifications(position["next"], PAGE)
        for notification in notifications:
            app.mapper.to_domain_event(notification)
        position["next"] = notifications[-1].id + 1 if notifications else 1
        return len(notifications)

    events, seconds = timed_items(page, budget_items(budget))
    return Result(
        "eventsourcing read log", backend, "events/s", events, seconds, note="pages of 1,000, decoded"
    )


def budget_items(budget: Budget) -> Budget:
    """Reads are counted in events, not operations: allow many more of them in the same time."""
    return Budget(count=budget.count * 100, seconds=budget.seconds / 2, warmup=0)
