"""Replay the whole log into fresh projection tables; bounded memory: one state per stream."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select

from tracker.domain import evolve
from tracker.projections import clear, dag_of, row
from tracker.store import to_recorded
from tracker.tables import EVENT, STATE, STATE_HISTORY

if TYPE_CHECKING:
    from datetime import date

    from sqlalchemy import Connection

    from tracker.domain import State
    from tracker.events import Recorded
    from tracker.store import EventStore

PAGE = 5_000


def rebuild(store: EventStore, progress: Callable[[int], None] = lambda _: None) -> int:
    """Rebuild all projections under the write lock; returns the number of events replayed."""
    states: dict[str, State] = {}
    pending: dict[str, tuple[date, Recorded]] = {}  # per stream, its last event of a day not yet written
    history: list[dict[str, Any]] = []
    count = 0
    with store.transaction() as tx:
        conn = tx.conn
        clear(conn)
        after = 0
        query = select(EVENT).order_by(EVENT.c.position).limit(PAGE)
        while page := conn.execute(query.where(EVENT.c.position > after)).all():
            for stored in page:
                rec = to_recorded(stored)
                dag = dag_of(rec.recorded_at)
                if (earlier := pending.get(rec.stream)) and earlier[0] != dag:
                    history.append(row(rec.stream, earlier[1], states[rec.stream]) | {"dag": earlier[0]})
                states[rec.stream] = evolve(states.get(rec.stream), rec)
                pending[rec.stream] = (dag, rec)
            _flush(conn, history)
            after, count = page[-1].position, count + len(page)
            progress(len(page))
        history += [row(stream, rec, states[stream]) | {"dag": dag} for stream, (dag, rec) in pending.items()]
        _flush(conn, history)
        current = [row(stream, rec, states[stream]) for stream, (_, rec) in pending.items()]
        if current:
            conn.execute(insert(STATE), current)
    return count


def _flush(conn: Connection, history: list[dict[str, Any]]) -> None:
    if history:
        conn.execute(insert(STATE_HISTORY), history)
        history.clear()
