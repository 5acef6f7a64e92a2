"""The event log: append under one lock with a hash chain, read back in order. The write side's only SQL."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select

from koers.db import WRITE_LOCK
from tracker.chain import GENESIS_HASH, Verification, canonical_json, chain_hash, verify_chain
from tracker.events import EVENT_ADAPTER, SCHEMA_VERSION, Event, Recorded
from tracker.metrics import EVENTS_APPENDED, LOG_HEAD
from tracker.tables import EVENT, IDEMPOTENCY
from tracker.upcasting import upcast

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine, Row

ADVISORY_LOCK_KEY = 72_656_179  # any constant; every writer of the log takes this one
NOTIFY_CHANNEL = "koers_events"

Projector = Callable[["Connection", list[Recorded]], None]


class VersionConflict(Exception):
    def __init__(self, stream: str, expected: int, actual: int) -> None:
        super().__init__(f"{stream}: expected version {expected}, found {actual}")
        self.stream, self.expected, self.actual = stream, expected, actual


class IdempotencyMismatch(Exception):
    """The Idempotency-Key was used before for a different request."""


@dataclass(frozen=True, slots=True)
class Idempotency:
    key: str
    fingerprint: str


def utcnow() -> datetime:
    return datetime.now(UTC)


class EventStore:
    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utcnow) -> None:
        self.engine = engine
        self.clock = clock
        self.postgres = engine.dialect.name == "postgresql"
        self.listeners: list[Callable[[int], None]] = []

    # --- writing -------------------------------------------------------------------------------------

    def append(
        self,
        stream: str,
        expected_version: int,
        events: Sequence[Event],
        metadata: dict[str, Any],
        project: Projector,
        idempotency: Idempotency | None = None,
    ) -> list[Recorded]:
        """Append events to a stream at its expected version, with their projection, in one transaction."""
        with self.locked() as conn:
            if idempotency and (earlier := self._replay(conn, idempotency)) is not None:
                return earlier
            actual = conn.scalar(select(func.max(EVENT.c.version)).where(EVENT.c.stream == stream)) or 0
            if actual != expected_version:
                raise VersionConflict(stream, expected_version, actual)
            recorded = self._insert(conn, stream, actual, events, metadata)
            if idempotency:
                conn.execute(
                    insert(IDEMPOTENCY).values(
                        key=idempotency.key,
                        fingerprint=idempotency.fingerprint,
                        first_position=recorded[0].position,
                        last_position=recorded[-1].position,
                    )
                )
            project(conn, recorded)
            self._notify(conn, recorded[-1].position)
        self._committed(recorded)
        return recorded

    def locked(self) -> _Locked:
        """A transaction holding the log's write lock (SQLite's write lock, a PostgreSQL advisory lock)."""
        return _Locked(self)

    def _insert(
        self, conn: Connection, stream: str, version: int, events: Sequence[Event], metadata: dict[str, Any]
    ) -> list[Recorded]:
        head = conn.execute(
            select(EVENT.c.position, EVENT.c.hash, EVENT.c.recorded_at)
            .order_by(EVENT.c.position.desc())
            .limit(1)
        ).first()
        position, prev_hash = (head.position, head.hash) if head else (0, GENESIS_HASH)
        # Time in the log never runs backwards, so "recorded by the end of a day" is a prefix of the log.
        now = max(self.clock(), head.recorded_at) if head else self.clock()
        meta = canonical_json({**metadata, "schema_version": SCHEMA_VERSION})
        rows, recorded = [], []
        for event in events:
            position, version = position + 1, version + 1
            event_id = str(uuid.uuid4())
            data = canonical_json(event.model_dump(mode="json", exclude={"type"}))
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
            recorded.append(Recorded(position, event_id, stream, version, now, event, json.loads(meta)))
            prev_hash = hash_
        conn.execute(insert(EVENT), rows)
        return recorded

    def _replay(self, conn: Connection, idempotency: Idempotency) -> list[Recorded] | None:
        row = conn.execute(select(IDEMPOTENCY).where(IDEMPOTENCY.c.key == idempotency.key)).first()
        if row is None:
            return None
        if row.fingerprint != idempotency.fingerprint:
            raise IdempotencyMismatch(idempotency.key)
        rows = conn.execute(
            select(EVENT)
            .where(EVENT.c.position.between(row.first_position, row.last_position))
            .order_by(EVENT.c.position)
        )
        return [to_recorded(r) for r in rows]

    def replay(self, idempotency: Idempotency) -> list[Recorded] | None:
        """The events an earlier request with this key recorded, if any (no lock needed)."""
        with self.engine.connect() as conn:
            return self._replay(conn, idempotency)

    def _notify(self, conn: Connection, position: int) -> None:
        if self.postgres:  # delivered at commit, to every process that LISTENs
            conn.exec_driver_sql("SELECT pg_notify(%s, %s)", (NOTIFY_CHANNEL, str(position)))

    def _committed(self, recorded: list[Recorded]) -> None:
        for rec in recorded:
            EVENTS_APPENDED.labels(rec.event.type).inc()
        LOG_HEAD.set(recorded[-1].position)
        for listener in self.listeners:
            listener(recorded[-1].position)

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


class _Locked:
    def __init__(self, store: EventStore) -> None:
        self.store = store

    def __enter__(self) -> Connection:
        self.conn = self.store.engine.connect().execution_options(**{WRITE_LOCK: True})
        self.tx = self.conn.begin()
        if self.store.postgres:
            self.conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (ADVISORY_LOCK_KEY,))
        return self.conn

    def __exit__(self, exc_type: object, *_: object) -> None:
        try:
            if exc_type is None:
                self.tx.commit()
            else:
                self.tx.rollback()
        finally:
            self.conn.close()
