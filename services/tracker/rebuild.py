"""Replay the whole log into fresh projection tables; bounded memory: one state per stream."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import select

from tracker.domain import evolve
from tracker.projections import clear, dag_of, write_current, write_history
from tracker.store import to_recorded
from tracker.tables import EVENT

if TYPE_CHECKING:
    from datetime import date

    from tracker.domain import State
    from tracker.events import Recorded
    from tracker.store import EventStore

PAGE = 5_000


def rebuild(store: EventStore, progress: Callable[[int], None] = lambda _: None) -> int:
    """Rebuild all projections under the write lock; returns the number of events replayed."""
    states: dict[str, State] = {}
    pending: dict[str, tuple[date, Recorded]] = {}  # last event per stream of the day not yet written
    count = 0
    with store.locked() as conn:
        clear(conn)
        after = 0
        while rows := conn.execute(
            select(EVENT).where(EVENT.c.position > after).order_by(EVENT.c.position).limit(PAGE)
        ).all():
            for row in rows:
                rec = to_recorded(row)
                dag = dag_of(rec.recorded_at)
                if (earlier := pending.get(rec.stream)) and earlier[0] != dag:
                    write_history(conn, rec.stream, earlier[0], earlier[1], states[rec.stream])
                states[rec.stream] = evolve(states.get(rec.stream), rec)
                pending[rec.stream] = (dag, rec)
            after = rows[-1].position
            count += len(rows)
            progress(len(rows))
        for stream, (dag, rec) in pending.items():
            write_history(conn, stream, dag, rec, states[stream])
            write_current(conn, stream, rec, states[stream])
    return count
