"""Read models folded from the log: current state per stream and its state at the end of every day."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from tracker.domain import ActieState, OpgaveState, PortefeuillehouderState, State, evolve
from tracker.tables import STATE, STATE_HISTORY

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine, Table

    from tracker.events import Recorded

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
STATE_TYPES: dict[str, type[State]] = {
    "actie": ActieState,
    "opgave": OpgaveState,
    "portefeuillehouder": PortefeuillehouderState,
}


def kind_of(stream: str) -> str:
    return stream.split("/", 1)[0]


def dag_of(moment: datetime) -> date:
    """The calendar day in Hengelo on which something was recorded."""
    return moment.astimezone(AMSTERDAM).date()


def end_of(dag: date) -> datetime:
    return datetime.combine(dag + timedelta(days=1), time(), AMSTERDAM)


def parse_state(kind: str, text: str) -> State:
    return STATE_TYPES[kind].model_validate_json(text)


# --- writing (inside the append transaction) ---------------------------------------------------------


class Projector:
    """Folds freshly recorded events onto the state the writer loaded, and stores the result."""

    def __init__(self, state: State | None) -> None:
        self.state = state

    def __call__(self, conn: Connection, recorded: list[Recorded]) -> None:
        state = self.state
        for rec in recorded:
            state = evolve(state, rec)
            write_history(conn, rec.stream, dag_of(rec.recorded_at), rec, state)
        assert state is not None, "a projector is only called with events"
        write_current(conn, recorded[-1].stream, recorded[-1], state)
        self.state = state


def _row(stream: str, rec: Recorded, state: State) -> dict[str, Any]:
    return {
        "stream": stream,
        "kind": kind_of(stream),
        "version": rec.version,
        "position": rec.position,
        "state": state.model_dump_json(),
    }


def write_current(conn: Connection, stream: str, rec: Recorded, state: State) -> None:
    upsert(conn, STATE, [_row(stream, rec, state)], ["stream"])


def write_history(conn: Connection, stream: str, dag: date, rec: Recorded, state: State) -> None:
    upsert(conn, STATE_HISTORY, [_row(stream, rec, state) | {"dag": dag}], ["stream", "dag"])


def upsert(conn: Connection, table: Table, rows: list[dict[str, Any]], keys: list[str]) -> None:
    make = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = make(table)
    changed = {c: statement.excluded[c] for c in rows[0] if c not in keys}
    conn.execute(statement.on_conflict_do_update(index_elements=keys, set_=changed), rows)


def clear(conn: Connection) -> None:
    conn.execute(delete(STATE_HISTORY))
    conn.execute(delete(STATE))


# --- reading -----------------------------------------------------------------------------------------


def current(engine: Engine, kind: str) -> list[State]:
    """Current state of every stream of a kind."""
    with engine.connect() as conn:
        rows = conn.execute(select(STATE.c.state).where(STATE.c.kind == kind))
        return [parse_state(kind, row.state) for row in rows]


def current_one(engine: Engine, stream: str) -> State | None:
    with engine.connect() as conn:
        text = conn.scalar(select(STATE.c.state).where(STATE.c.stream == stream))
        return parse_state(kind_of(stream), text) if text else None


def as_of(engine: Engine, kind: str, dag: date) -> list[State]:
    """State of every stream of a kind as recorded by the end of a day (peildatum)."""
    with engine.connect() as conn:
        streams = conn.scalars(select(STATE.c.stream).where(STATE.c.kind == kind)).all()
        return [s for s in (_as_of(conn, stream, dag) for stream in streams) if s is not None]


def as_of_one(engine: Engine, stream: str, dag: date) -> State | None:
    with engine.connect() as conn:
        return _as_of(conn, stream, dag)


def _as_of(conn: Connection, stream: str, dag: date) -> State | None:
    query = (
        select(STATE_HISTORY.c.state)
        .where(STATE_HISTORY.c.stream == stream, STATE_HISTORY.c.dag <= dag)
        .order_by(STATE_HISTORY.c.dag.desc())
        .limit(1)
    )
    text = conn.scalar(query)
    return parse_state(kind_of(stream), text) if text else None


def first_dag(engine: Engine) -> date | None:
    with engine.connect() as conn:
        return conn.scalar(select(STATE_HISTORY.c.dag).order_by(STATE_HISTORY.c.dag).limit(1))


def states_by_id(states: Iterable[State]) -> dict[str, Any]:
    return {s.definitie.id: s for s in states}
