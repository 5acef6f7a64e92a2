"""Replay the whole log into fresh projection tables; bounded memory: per stream its state and one event.

The fold is `evolve`, as in the append path. What makes a replay fast is what it leaves out: the log is
streamed from the driver's cursor (server-side on PostgreSQL) rather than paged through SQLAlchemy rows,
and a melding that the next event of its stream replaces on the same day is never decoded or folded,
because it leaves no trace in the state nor in the day's history row (`domain.VERVANGT_VORIGE`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from sqlalchemy import delete, insert

from tracker.domain import VERVANGT_VORIGE, evolve
from tracker.projections import clear, dag_of, dagen, end_of, row, vervalt
from tracker.store import to_recorded
from tracker.tables import EVENT, STATE, STATE_HISTORY

if TYPE_CHECKING:
    from sqlalchemy import Connection, Dialect, Row

    from tracker.domain import State
    from tracker.events import Recorded
    from tracker.store import EventStore

PAGE = 5_000
COLUMNS = ("position", "event_id", "stream", "version", "type", "data", "metadata", "recorded_at")
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM {EVENT.name} ORDER BY position"  # noqa: S608 (our names only)
STREAM, TYPE, RECORDED_AT = (COLUMNS.index(c) for c in ("stream", "type", "recorded_at"))
Raw = tuple[Any, ...]  # a row as the driver gives it, in COLUMNS order: no object made per row


class Stored(NamedTuple):
    """An event row to fold, its time converted as SQLAlchemy would: what `to_recorded` reads."""

    position: int
    event_id: str
    stream: str
    version: int
    type: str
    data: str
    metadata: str
    recorded_at: datetime


def rebuild(store: EventStore, progress: Callable[[int], None] = lambda _: None) -> int:
    """Rebuild all projections under the write lock; returns the number of events replayed."""
    replay = Replay()
    count = 0
    with store.transaction() as tx:
        clear(tx.conn)
        moments = Moments(tx.conn.dialect)
        for page in _pages(tx.conn):
            for raw in page:
                replay.add(raw, *moments.of(raw[RECORDED_AT]))
            _write(tx.conn, replay)
            count += len(page)
            progress(len(page))
        current = replay.finish()
        _write(tx.conn, replay)
        if current:
            tx.conn.execute(insert(STATE), current)
    return count


class Replay:
    """The fold of the log in order, one event per stream held back until the next shows it is needed.

    History rows are written as the append path leaves them: per stream and day the state after the
    last event that counts on that day, and none for the days an earlier report (an import) covers."""

    def __init__(self) -> None:
        self.held: dict[str, tuple[Raw, datetime, date]] = {}  # per stream, its newest event, not folded
        self.states: dict[str, State] = {}
        self.open: dict[str, dict[date, tuple[Recorded, State]]] = {}  # rows later events may replace
        self.written: dict[str, date] = {}  # per stream, the last day of a row in `history` or the table
        self.history: list[dict[str, Any]] = []
        self.stale: list[tuple[str, date, date]] = []  # per stream, rows between these days go

    def add(self, raw: Raw, at: datetime, dag: date) -> None:
        """The next event of the log, recorded at `at` on `dag`."""
        earlier = self.held.get(raw[STREAM])
        if earlier is not None and not _replaces(raw, dag, earlier):
            self._fold(earlier[0], earlier[1])
        self.held[raw[STREAM]] = (raw, at, dag)

    def finish(self) -> list[dict[str, Any]]:
        """Fold what is still held; the current row of every stream."""
        for raw, at, _ in self.held.values():
            self._fold(raw, at)
        self.held.clear()
        current = []
        for stream, rows in self.open.items():
            for dag, (rec, state) in rows.items():
                self.history.append(row(stream, rec, state) | {"dag": dag})
            rec, _ = max(rows.values(), key=lambda open_row: open_row[0].position)
            current.append(row(stream, rec, self.states[stream]))
        return current

    def _fold(self, raw: Raw, at: datetime) -> None:
        stored = Stored._make((*raw[:RECORDED_AT], at))
        rec = to_recorded(cast("Row[Any]", stored))  # it reads a row's attributes; Stored has them all
        stream = rec.stream
        state = self.states[stream] = evolve(self.states.get(stream), rec)
        rows = self.open.setdefault(stream, {})
        days = dagen(rec)
        if len(days) > 1 and (span := vervalt([rec])):
            self._supersede(stream, *span)
        for dag in [d for d in rows if d not in days]:  # no later event counts on that day: final
            self.history.append(row(stream, *rows.pop(dag)) | {"dag": dag})
            self.written[stream] = max(dag, self.written.get(stream, dag))
        rows.update(dict.fromkeys(days, (rec, state)))

    def _supersede(self, stream: str, after: date, before: date) -> None:
        rows = self.open[stream]
        for dag in [d for d in rows if after < d < before]:
            del rows[dag]
        if self.written.get(stream, after) > after:
            self.history = [
                h for h in self.history if not (h["stream"] == stream and after < h["dag"] < before)
            ]
            self.stale.append((stream, after, before))
            self.written[stream] = after


def _replaces(later: Raw, dag: date, earlier: tuple[Raw, datetime, date]) -> bool:
    return earlier[0][TYPE] in VERVANGT_VORIGE and later[TYPE] in VERVANGT_VORIGE and dag == earlier[2]


def _write(conn: Connection, replay: Replay) -> None:
    """What the replay has made final: stale rows out (from earlier pages only), then the new rows."""
    history = STATE_HISTORY.c
    for stream, after, before in replay.stale:
        conn.execute(
            delete(STATE_HISTORY).where(history.stream == stream, history.dag > after, history.dag < before)
        )
    if replay.history:
        conn.execute(insert(STATE_HISTORY), replay.history)
    replay.stale, replay.history = [], []


def _pages(conn: Connection) -> Iterator[list[Raw]]:
    """The log in order, a page at a time, from the driver's own cursor: SQLAlchemy's rows cost 3×."""
    driver = conn.connection.driver_connection
    assert driver is not None
    postgres = conn.dialect.name == "postgresql"
    cursor = driver.cursor(name="koers_rebuild") if postgres else driver.cursor()  # server-side on PG
    cursor.execute(_SELECT)
    try:
        while page := cursor.fetchmany(PAGE):
            yield page
    finally:
        cursor.close()


class Moments:
    """Recorded times converted as SQLAlchemy reads them, and their day in Hengelo; each worked out once."""

    def __init__(self, dialect: Dialect) -> None:
        convert = EVENT.c.recorded_at.type.dialect_impl(dialect).result_processor(dialect, None)
        assert convert is not None
        self.convert: Callable[[Any], Any] = convert
        self.raw: object = None
        self.at = self.start = self.end = datetime.min.replace(
            tzinfo=UTC
        )  # an empty day: the first ask works
        self.dag = date.min

    def of(self, raw: object) -> tuple[datetime, date]:
        if raw != self.raw:  # the events of one transaction share their time
            self.raw, self.at = raw, self.convert(raw)
            if not (self.start <= self.at < self.end):
                self.dag = dag_of(self.at)
                # In UTC like the times asked about: comparing times in one zone skips the zone's rules.
                self.start = end_of(self.dag - timedelta(days=1)).astimezone(UTC)
                self.end = end_of(self.dag).astimezone(UTC)
        return self.at, self.dag
