"""The event log: append under one lock with a hash chain, read back in order. The write side's only SQL."""

from __future__ import annotations

import functools
import json
import operator
import sqlite3
import threading
import weakref
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple, cast

import psycopg
from sqlalchemy import func, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.event import listen

from koers.db import BUSY_TIMEOUT_MS, WRITE_LOCK, UTCDateTime, closed_by_server
from koers.ids import uuid7
from tracker.chain import GENESIS_HASH, Verification, canonical_json, chain_hash, verify_chain
from tracker.events import EVENT_ADAPTER, SCHEMA_VERSION, Event, Recorded
from tracker.metrics import EVENTS_APPENDED, LOG_HEAD
from tracker.tables import EVENT, IDEMPOTENCY, STATE, STATE_HISTORY
from tracker.upcasting import upcast

if TYPE_CHECKING:
    from sqlalchemy import Connection, Dialect, Engine, Row, Table

ADVISORY_LOCK_KEY = 72_656_179  # any constant; every writer of the log takes this one
NOTIFY_CHANNEL = "koers_events"
_BEGIN = (("BEGIN", None), ("SELECT pg_advisory_xact_lock(%s)", (ADVISORY_LOCK_KEY,)))  # PostgreSQL

Project = Callable[[list["Recorded"]], "tuple[dict[str, Any], list[dict[str, Any]]]"]

# What a writer needs, read under the lock in one round trip: the log's head, the stream's projected
# state, and whether its Idempotency-Key was seen before.
_SEEN = text("""
SELECT h.position, h.hash, h.recorded_at, s.state, i.fingerprint, i.first_position, i.last_position
FROM (SELECT 1 AS one) AS o
LEFT JOIN (SELECT position, hash, recorded_at FROM tracker_event ORDER BY position DESC LIMIT 1) AS h ON 1 = 1
LEFT JOIN tracker_state AS s ON s.stream = :stream
LEFT JOIN tracker_idempotency AS i ON i.key = :key
""").columns(recorded_at=UTCDateTime)


class VersionConflict(Exception):
    """Another append took the stream's next version first."""

    def __init__(self, stream: str, expected: int) -> None:
        super().__init__(f"{stream}: version {expected} is no longer the newest")
        self.stream, self.expected = stream, expected


class IdempotencyMismatch(Exception):
    """The Idempotency-Key was used before for a different request."""


class WouldWait(Exception):
    """Another writer holds the log's lock, and the transaction was asked not to wait for it."""


@dataclass(frozen=True, slots=True)
class Idempotency:
    key: str
    fingerprint: str


@dataclass(frozen=True, slots=True)
class Seen:
    state: str | None  # the stream's projected state as JSON, None for a new stream
    earlier: list[Recorded] | None  # what the first request with this Idempotency-Key recorded


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class Bulk:
    """What a bulk write puts in the log and its projections, collected by the caller."""

    events: list[dict[str, Any]] = field(default_factory=list)
    current: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    # per stream, history rows after and before these days go
    superseded: list[tuple[str, date, date]] = field(default_factory=list)
    keys: list[dict[str, Any]] = field(default_factory=list)


class EventStore:
    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utcnow) -> None:
        self.engine = engine
        self.clock = clock
        self.postgres = engine.dialect.name == "postgresql"
        self.listeners: list[Callable[[int], None]] = []
        # Writers of this process queue here rather than in SQLite's busy handler, which sleeps, or for
        # PostgreSQL's advisory lock, which would hold a connection each.
        self.local_lock = threading.Lock()
        self._writer: Connection | None = None
        listen(engine, "engine_disposed", functools.partial(_on_dispose, weakref.ref(self)))

    # --- writing -------------------------------------------------------------------------------------

    def transaction(self, wait: bool = True) -> Transaction:
        """A write transaction holding the log's lock (SQLite's write lock, a PostgreSQL advisory lock).
        With `wait=False` on SQLite, entering raises `WouldWait` rather than wait for another writer."""
        return Transaction(self, wait)

    def _connect(self, wait: bool = True) -> Connection:
        """The connection for a write transaction, kept between transactions, which the local lock takes
        one at a time: a checkout and a checkin from the pool cost a tenth of an append's CPU on
        PostgreSQL. A kept connection that PostgreSQL closed is replaced, as the pool would."""
        if not self.local_lock.acquire(blocking=wait):
            raise WouldWait
        try:
            writer = self._writer
            if writer is not None and self.postgres and closed_by_server(writer.connection.driver_connection):
                self._drop_writer()
            if self._writer is None:
                options: dict[str, Any] = {WRITE_LOCK: True}
                if self.postgres:  # the transaction's BEGIN is ours, sent with its first statement
                    options["isolation_level"] = "AUTOCOMMIT"
                self._writer = self.engine.connect().execution_options(**options)
            return self._writer
        except BaseException:
            self.local_lock.release()
            raise

    def _release(self, conn: Connection, reusable: bool) -> None:
        """End what `_connect` began; a connection that failed is closed, not kept."""
        try:
            if not reusable:
                self._writer = None
                conn.close()
        finally:
            self.local_lock.release()

    def _close_writer(self) -> None:
        with self.local_lock:
            self._drop_writer()

    def _drop_writer(self) -> None:
        if self._writer is not None:
            self._writer.invalidate()  # closed now, not returned: the pool may be gone, or the server
            self._writer.close()
            self._writer = None

    def _committed(self, appended: Counter[str], head: int) -> None:
        for type_, count in appended.items():
            _appended(type_).inc(count)
        LOG_HEAD.set(head)
        for listener in self.listeners:
            listener(head)

    # --- reading -------------------------------------------------------------------------------------

    def read_stream(self, stream: str, first: int = 1, last: int | None = None) -> list[Recorded]:
        """A stream's events in order; `first`/`last` bound the versions (a page of a long history)."""
        query = select(EVENT).where(EVENT.c.stream == stream, EVENT.c.version >= first)
        if last is not None:
            query = query.where(EVENT.c.version <= last)
        with self.engine.connect() as conn:
            return [to_recorded(r) for r in conn.execute(query.order_by(EVENT.c.version))]

    def get(self, event_id: str) -> Recorded | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(EVENT).where(EVENT.c.event_id == event_id)).first()
            return to_recorded(row) if row else None

    def read_rows(self, after: int, limit: int) -> list[Row[Any]]:
        """Raw rows after a position, for the feed and for replays."""
        with self.engine.connect() as conn:
            query = select(EVENT).where(EVENT.c.position > after).order_by(EVENT.c.position).limit(limit)
            return list(conn.execute(query))

    def iter_rows(self, page: int = 5_000) -> Iterator[Row[Any]]:
        after = 0
        while rows := self.read_rows(after, page):
            yield from rows
            after = rows[-1].position

    def head(self) -> int:
        with self.engine.connect() as conn:
            return conn.scalar(select(func.max(EVENT.c.position))) or 0

    def verify(self) -> Verification:
        """Recompute the hash chain over the whole log; name the first position where it breaks."""
        return verify_chain(self.iter_rows())


def to_recorded(row: Row[Any]) -> Recorded:
    meta = json.loads(row.metadata)
    data = upcast(row.type, json.loads(row.data), meta.get("schema_version", 1))
    event = EVENT_ADAPTER.validate_python({**data, "type": row.type})
    return Recorded(row.position, row.event_id, row.stream, row.version, row.recorded_at, event, meta)


class Transaction:
    """Under the log's lock: read what a decision needs, then append events with their projection."""

    # Where the chain goes on, from the first read of the log's head (`_follow`).
    position: int
    prev_hash: str
    now: datetime

    def __init__(self, store: EventStore, wait: bool = True) -> None:
        self.store, self.wait = store, wait
        self._done = False  # committed by `commit`, ahead of leaving the block
        self.appended: Counter[str] = Counter()  # event types placed in the log by this transaction
        self._metadata: dict[str, Any] | None = None
        self._meta: dict[str, Any] = {}
        self._meta_text = ""
        # PostgreSQL: appends not yet sent. An append answers nothing its caller needs: it goes with the
        # transaction's next statement, or with its COMMIT, a round trip fewer each.
        self._unsent: list[_Unsent] = []
        # PostgreSQL, for a group of writes: what `seen` will read for each stream and key, read ahead and
        # forgotten once a write of this transaction makes it stale.
        self._ahead: dict[tuple[str | None, str | None], _Seen] = {}
        self._followed = False

    def __enter__(self) -> Transaction:
        self._conn = self.store._connect(self.wait)
        try:
            # The transaction and the hot statements are the driver's: SQLAlchemy's work per statement, and
            # its begin and commit, cost more than SQLite's own. The statements are compiled once per
            # dialect from the same tables (`_driver_*`). A statement through SQLAlchemy joins the
            # transaction (`koers.db._sqlite_begin`; on PostgreSQL the BEGIN of `_execute`).
            self.driver = cast(Any, self._conn.connection.driver_connection)  # psycopg's or sqlite3's
            self.cursor = self.driver.cursor()
            if not self.store.postgres:
                self._begin_immediate()  # the write lock: no other writer reads this head
            self._begun = not self.store.postgres
        except WouldWait:
            self.store._release(self._conn, reusable=True)
            raise
        except BaseException:
            self.store._release(self._conn, reusable=False)
            raise
        return self

    def _begin_immediate(self) -> None:
        if self.wait:
            self.cursor.execute("BEGIN IMMEDIATE")
            return
        # SQLite's busy handler would sleep until the other process lets go: here it answers at once.
        self.cursor.execute("PRAGMA busy_timeout=0")
        try:
            self.cursor.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY:
                raise
            raise WouldWait from exc
        finally:
            self.cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")

    @property
    def conn(self) -> Connection:
        """The transaction's connection, for statements through SQLAlchemy: under the log's lock."""
        if not self._begun or self._unsent:
            self._execute()
        return self._conn

    def _execute(self, *statements: tuple[str, Any]) -> None:
        """Statements on the driver. On PostgreSQL, pipelined into one round trip with what must go first:
        the transaction's BEGIN and lock, and the appends not yet sent. On loopback each round trip saved
        was 60–90 µs of an append's 1 ms (docs/PERFORMANCE.md). The server runs them in order, so a
        statement reads the log only once the lock is held and what this transaction wrote is in it."""
        if self._begun and not self._unsent and len(statements) == 1:
            self.cursor.execute(*statements[0])
            return
        first = () if self._begun else _BEGIN
        self._begun = True  # from here on, whatever fails, the transaction is ended in `__exit__`
        unsent, self._unsent = self._unsent, []
        try:
            with self.driver.pipeline():
                for sql, parameters in [*first, *(append.statement for append in unsent), *statements]:
                    self.cursor.execute(sql, parameters)
        except psycopg.IntegrityError as exc:  # (stream, version) taken
            if not unsent:
                raise
            raise VersionConflict(unsent[0].stream, unsent[0].version) from exc

    def __exit__(self, exc_type: object, *_: object) -> None:
        lost = isinstance(exc_type, type) and issubclass(exc_type, _LOST)
        ended = False
        try:
            if lost:
                # SQLAlchemy did not see the driver's error: nobody must use this connection again.
                self._conn.invalidate()
            elif not self._done:
                self._end(commit=exc_type is None)
            ended = not lost
        finally:
            self.store._release(self._conn, reusable=ended)
        if (exc_type is None or self._done) and self.appended:
            self.store._committed(self.appended, self.position)

    def commit(self) -> None:
        """Commit before the block ends, in another thread if need be (the group commit waits for SQLite's
        sync to disk there); leaving the block then releases the lock and tells the listeners."""
        self._end(commit=True)
        self._done = True

    def _end(self, commit: bool) -> None:
        # A statement through SQLAlchemy joined the transaction: SQLAlchemy ends it, or it would not know.
        connection = self._conn if self._conn.in_transaction() else self.driver
        if commit and self._unsent and connection is self.driver:
            self._execute(("COMMIT", None))
        elif commit:
            if self._unsent:
                self._execute()
            connection.commit()
        else:
            self._unsent = []
            connection.rollback()

    def seen(self, stream: str, idempotency: Idempotency | None = None) -> Seen:
        """The head, the stream's state and an earlier result for the key, in one round trip."""
        row = self._seen(stream, idempotency.key if idempotency else None)
        self._follow(row)
        if row.fingerprint is None or idempotency is None:
            return Seen(row.state, None)
        if row.fingerprint != idempotency.fingerprint:
            raise IdempotencyMismatch(idempotency.key)
        between = EVENT.c.position.between(row.first_position, row.last_position)
        events = self.conn.execute(select(EVENT).where(between).order_by(EVENT.c.position))
        return Seen(row.state, [to_recorded(r) for r in events])

    def heads(self, kind: str) -> dict[str, str]:
        """For a bulk write: the log's head, and the projected state of every stream of a kind."""
        self._follow(self._seen(None, None))
        rows = self.conn.execute(select(STATE.c.stream, STATE.c.state).where(STATE.c.kind == kind))
        return {stream: state for stream, state in rows}

    def done_before(self, idempotency: Idempotency) -> tuple[int, int] | None:
        """The positions an earlier bulk write with this key recorded."""
        query = select(IDEMPOTENCY.c.first_position, IDEMPOTENCY.c.last_position, IDEMPOTENCY.c.fingerprint)
        row = self.conn.execute(query.where(IDEMPOTENCY.c.key == idempotency.key)).first()
        if row is None:
            return None
        if row.fingerprint != idempotency.fingerprint:
            raise IdempotencyMismatch(idempotency.key)
        return row.first_position, row.last_position

    def write_many(self, bulk: Bulk) -> None:
        """A bulk write: events, superseded history rows out, projection rows in. It touches only the
        connection, so that one thread can write a batch while another chains the next."""
        if self._unsent:
            self._execute()
        if bulk.superseded:  # psycopg pipelines executemany: one round trip
            delete, stale = _driver_stale(self._conn.dialect)
            self.cursor.executemany(delete, [stale(*days) for days in bulk.superseded])
        writes = (bulk.events, bulk.current, bulk.history, bulk.keys)
        for table, values in zip(WRITE_TABLES, writes, strict=True):
            if values and self.store.postgres:
                self._copy(table, values)
            elif values:
                sql, parameters = _driver_upsert(self._conn.dialect, table)
                self.cursor.executemany(sql, [parameters(value) for value in values])
        if self.store.postgres and bulk.events:
            head = str(bulk.events[-1]["position"])
            self.cursor.execute("SELECT pg_notify(%s, %s)", (NOTIFY_CHANNEL, head))

    def _copy(self, table: Table, values: list[dict[str, Any]]) -> None:
        """PostgreSQL: COPY in binary, its rows formatted by psycopg's C code. COPY cannot upsert: the rows
        of a projection table that it replaces are deleted first, by their keys."""
        if keys := UPSERT_KEYS.get(table.name):
            self.cursor.execute(_delete_keys(table), [[value[key] for value in values] for key in keys])
        names = [c.name for c in table.columns]
        row = operator.itemgetter(*names)
        with self.cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(_copy_types(table))
            for value in values:
                copy.write_row(row(value))

    def append(
        self,
        stream: str,
        version: int,
        events: Sequence[Event],
        metadata: dict[str, Any],
        project: Project,
        idempotency: Idempotency | None = None,
    ) -> list[Recorded]:
        """After `seen`: the events, their projection rows and the key. On PostgreSQL one statement, sent
        with the transaction's next statement or its COMMIT."""
        rows, recorded = self.chain(stream, version, events, metadata)
        current, history = project(recorded)
        if self._ahead:
            used = idempotency.key if idempotency else None
            self._ahead = {
                (s, k): row
                for (s, k), row in self._ahead.items()
                if s != stream and (used is None or k != used)
            }
        key = idempotency and {
            "key": idempotency.key,
            "fingerprint": idempotency.fingerprint,
            "first_position": recorded[0].position,
            "last_position": recorded[-1].position,
        }
        writes = list(zip(WRITE_TABLES, (rows, [current], history, [key] if key else []), strict=True))
        if self.store.postgres:
            sql = _one_statement(tuple(len(values) for _, values in writes))
            params = [value[c.name] for table, values in writes for value in values for c in table.columns]
            self._unsent.append(_Unsent((sql, [*params, str(recorded[-1].position)]), stream, version))
            return recorded
        try:
            for table, values in writes:
                if values:
                    sql, parameters = _driver_upsert(self._conn.dialect, table)
                    self.cursor.executemany(sql, [parameters(value) for value in values])
        except sqlite3.IntegrityError as exc:  # (stream, version) taken
            raise VersionConflict(stream, version) from exc
        return recorded

    def read_ahead(self, reads: list[tuple[str | None, str | None]]) -> None:
        """PostgreSQL, before a group of writes: what `seen` will read for each (stream, Idempotency-Key),
        all in the round trip that begins the transaction, rather than a round trip for each write. A
        stream or key that a write before it in the transaction wrote is read again when its turn comes."""
        if not self.store.postgres or self._begun or not reads:
            return
        sql, parameters, seen = _driver_seen(self._conn.dialect)
        self._begun = True  # from here on, whatever fails, the transaction is ended in `__exit__`
        with self.driver.pipeline():  # a cursor per read: `executemany` would wait for its results at once
            for statement in _BEGIN:
                self.cursor.execute(*statement)
            cursors = [self.driver.execute(sql, parameters({"stream": s, "key": k})) for s, k in reads]
        for read, cursor in zip(reads, cursors, strict=True):
            self._ahead[read] = seen(cursor.fetchone())

    def _seen(self, stream: str | None, key: str | None) -> _Seen:
        if (ahead := self._ahead.pop((stream, key), None)) is not None:
            return ahead
        sql, parameters, seen = _driver_seen(self._conn.dialect)
        self._execute((sql, parameters({"stream": stream, "key": key})))
        return seen(self.cursor.fetchone())

    def _follow(self, head: Any) -> None:
        """Continue the chain from the log's head (position None on an empty log). Under the lock the head
        moves only by this transaction's own appends, which the chain already follows: it is read once."""
        now = self.store.clock()
        if self._followed:
            self.now = max(now, self.now)
            return
        self._followed = True
        self.position = head.position or 0
        self.prev_hash = head.hash if head.position else GENESIS_HASH
        # Time in the log never runs backwards, so "recorded by the end of a day" is a prefix of the log.
        self.now = max(now, head.recorded_at) if head.position else now

    def chain(
        self, stream: str, version: int, events: Sequence[Event], metadata: dict[str, Any]
    ) -> tuple[list[dict[str, Any]], list[Recorded]]:
        """Place events after the head, hash-chained: their rows and records, not yet written."""
        position, prev_hash, now = self.position, self.prev_hash, self.now
        if metadata is not self._metadata:  # a bulk write chains many events with one metadata
            self._metadata = metadata
            self._meta = {**metadata, "schema_version": SCHEMA_VERSION}
            self._meta_text = canonical_json(self._meta)
        meta_dict, meta = self._meta, self._meta_text
        rows, recorded = [], []
        for event in events:
            position, version = position + 1, version + 1
            event_id = uuid7()
            data = canonical_json(event.__pydantic_serializer__.to_python(event, mode="json", exclude=_DATA))
            hash_ = chain_hash(prev_hash, position, event_id, stream, version, event.type, data, meta, now)
            rows.append(
                {
                    "position": position,
                    "event_id": event_id,
                    "stream": stream,
                    "version": version,
                    "type": event.type,
                    "data": data,
                    "metadata": meta,
                    "recorded_at": now,
                    "prev_hash": prev_hash,
                    "hash": hash_,
                }
            )
            recorded.append(Recorded(position, event_id, stream, version, now, event, meta_dict))
            prev_hash = hash_
        self.position, self.prev_hash = position, prev_hash
        for event in events:
            self.appended[event.type] += 1
        return rows, recorded


# An event's data is every field but its type. The serializer itself, not model_dump: that wrapper costs
# as much as the serializing.
_DATA = {"type"}


_LOST = (psycopg.OperationalError, sqlite3.OperationalError)  # from the driver's cursor: a lost connection
WRITE_TABLES = (EVENT, STATE, STATE_HISTORY, IDEMPOTENCY)  # what an append writes, in this order
UPSERT_KEYS = {"tracker_state": ("stream",), "tracker_state_history": ("stream", "dag")}


def _on_dispose(store: weakref.ref[EventStore], _engine: Engine) -> None:
    """On the engine's dispose. By a weak reference: the engine must not keep a store alive, nor with it
    the writer connection, which it would keep open for as long."""
    if (alive := store()) is not None:
        alive._close_writer()


@functools.cache
def _appended(type_: str) -> Any:
    """The counter of an event type: labels() takes a lock and builds a key on every call."""
    return EVENTS_APPENDED.labels(type_)


class _Unsent(NamedTuple):
    statement: tuple[str, list[Any]]
    stream: str
    version: int


class _Seen(NamedTuple):
    position: int | None
    hash: str | None
    recorded_at: datetime | None
    state: str | None
    fingerprint: str | None
    first_position: int | None
    last_position: int | None


@functools.cache
def _driver_seen(dialect: Dialect) -> tuple[str, Callable[[dict[str, Any]], Any], Callable[[Any], _Seen]]:
    """`_SEEN` in the driver's parameter style, its parameters, and its row as a `_Seen`, recorded_at as a
    UTC datetime."""
    compiled = _SEEN.compile(dialect=dialect)
    order = compiled.positiontup
    convert = UTCDateTime().dialect_impl(dialect).result_processor(dialect, None) or (lambda value: value)

    def seen(values: Any) -> _Seen:
        return _Seen._make((*values[:2], convert(values[2]), *values[3:]))

    return str(compiled), (lambda named: tuple(named[n] for n in order)) if order else dict, seen


@functools.cache
def _driver_upsert(dialect: Dialect, table: Table) -> tuple[str, Callable[[dict[str, Any]], list[Any]]]:
    """SQLite: a table's INSERT (or upsert) in the driver's style, and its parameters from a row dict."""
    names = [c.name for c in table.columns]
    values = operator.itemgetter(*names)
    # Only the date and time columns have a bind processor; the others go to the driver as they are.
    processors = (c.type.dialect_impl(dialect).bind_processor(dialect) for c in table.columns)
    converts = [(i, convert) for i, convert in enumerate(processors) if convert]
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"  # noqa: S608

    def parameters(row: dict[str, Any]) -> list[Any]:
        params = list(values(row))
        for i, convert in converts:
            params[i] = convert(params[i])
        return params

    return sql + _on_conflict(table), parameters


@functools.cache
def _copy_types(table: Table) -> list[str]:
    """PostgreSQL's names of a table's column types, which a binary COPY must be told."""
    dialect = postgresql.dialect()
    return [c.type.compile(dialect=dialect).split("(")[0].lower() for c in table.columns]


@functools.cache
def _delete_keys(table: Table) -> str:
    """PostgreSQL: delete the rows with these keys, given as one array per key column (in binary, %b)."""
    keys = UPSERT_KEYS[table.name]
    types = dict(zip([c.name for c in table.columns], _copy_types(table), strict=True))
    arrays = ", ".join(f"%b::{types[key]}[]" for key in keys)
    match = " AND ".join(f"{table.name}.{key} = k.{key}" for key in keys)
    return f"DELETE FROM {table.name} USING unnest({arrays}) AS k({', '.join(keys)}) WHERE {match}"  # noqa: S608


@functools.cache
def _driver_stale(dialect: Dialect) -> tuple[str, Callable[[str, date, date], list[Any]]]:
    """The history rows of a stream between two days, deleted: in the driver's style, and its parameters."""
    mark = "%s" if dialect.name == "postgresql" else "?"
    sql = f"DELETE FROM {STATE_HISTORY.name} WHERE stream = {mark} AND dag > {mark} AND dag < {mark}"  # noqa: S608
    day = STATE_HISTORY.c.dag.type.dialect_impl(dialect).bind_processor(dialect) or (lambda value: value)
    return sql, lambda stream, after, before: [stream, day(after), day(before)]


@functools.lru_cache(maxsize=64)
def _one_statement(counts: tuple[int, ...]) -> str:
    """PostgreSQL: every write of an append and its NOTIFY as one statement, sent in one go; its
    text depends only on how many rows go to each table, so it is built once and prepared by psycopg."""
    parts = []
    for n, (table, count) in enumerate(zip(WRITE_TABLES, counts, strict=True)):
        if count:
            row = "(" + ", ".join(["%s"] * len(table.columns)) + ")"
            # Only our own table and column names go into the text; every value is a parameter.
            into = f"{table.name} ({', '.join(c.name for c in table.columns)})"
            values = ", ".join([row] * count)
            parts.append(f"w{n} AS (INSERT INTO {into} VALUES {values}{_on_conflict(table)})")  # noqa: S608
    return f"WITH {', '.join(parts)} SELECT pg_notify('{NOTIFY_CHANNEL}', %s)"


def _on_conflict(table: Table) -> str:
    keys = UPSERT_KEYS.get(table.name)
    if not keys:
        return ""
    changed = ", ".join(f"{c.name} = EXCLUDED.{c.name}" for c in table.columns if c.name not in keys)
    return f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {changed}"
