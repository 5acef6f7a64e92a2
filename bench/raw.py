"""The ceiling: INSERT+COMMIT of a comparable row through the bare driver, and reading it back in pages."""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import psycopg
from sqlalchemy.engine.url import make_url

from bench.timing import Budget, Result, timed_items, timed_ops

if TYPE_CHECKING:
    from bench.scratch import Scratch

TABLE = """CREATE TABLE raw_event (position BIGINT PRIMARY KEY, event_id VARCHAR(36) NOT NULL UNIQUE,
  stream VARCHAR(200) NOT NULL, version INTEGER NOT NULL, type VARCHAR(100) NOT NULL, data TEXT NOT NULL,
  metadata TEXT NOT NULL, recorded_at VARCHAR(40) NOT NULL, hash VARCHAR(64) NOT NULL,
  UNIQUE (stream, version))"""
PAGE = 1000


def run(scratch: Scratch, backend: str, budget: Budget) -> list[Result]:
    url = scratch.url(backend, "raw")
    conn = _sqlite(url) if backend == "sqlite" else postgres(url)
    insert = "INSERT INTO raw_event VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    if backend != "sqlite":
        insert = insert.replace("?", "%s")
    try:
        conn.execute(TABLE)
        conn.commit()
        ops, seconds, latencies = timed_ops(lambda i: _insert(conn, insert, i), budget)
        note = "synchronous=FULL, WAL" if backend == "sqlite" else "one connection"
        appended = Result("raw INSERT+COMMIT", backend, "rows/s", ops, seconds, latencies, note=note)
        return [appended, _read(conn, backend, budget)]
    finally:
        conn.close()


def _sqlite(url: str) -> Any:
    conn = sqlite3.connect(str(make_url(url).database), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    return _SqliteTx(conn)


def postgres(url: str) -> psycopg.Connection[Any]:
    """The bare driver's connection to one of our SQLAlchemy URLs."""
    return psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False))


class _SqliteTx:
    """sqlite3 in autocommit mode with explicit BEGIN, so each commit is one durable transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn, self.open = conn, False

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        if not self.open:
            self.conn.execute("BEGIN")
            self.open = True
        return self.conn.execute(sql, params)

    def commit(self) -> None:
        self.conn.execute("COMMIT")
        self.open = False

    def close(self) -> None:
        self.conn.close()


def _insert(conn: Any, sql: str, i: int) -> None:
    data = json.dumps({"status": "op_koers", "voortgang": i % 101, "toelichting": f"meting {i}"})
    row = (
        i + 1,
        str(uuid.uuid4()),
        f"actie/{i % 30}",
        i // 30 + 1,
        "VoortgangGemeld",
        data,
        '{"actor":"bench"}',
        datetime.now(UTC).isoformat(),
        "0" * 64,
    )
    conn.execute(sql, row)
    conn.commit()


def _read(conn: Any, backend: str, budget: Budget) -> Result:
    select = "SELECT * FROM raw_event WHERE position > ? ORDER BY position LIMIT ?"
    if backend != "sqlite":
        select = select.replace("?", "%s")
    position = {"after": 0}

    def page(_k: int) -> int:
        rows = conn.execute(select, (position["after"], PAGE)).fetchall()
        position["after"] = rows[-1][0] if rows else 0
        return len(rows)

    events, seconds = timed_items(page, Budget(budget.count * 100, budget.seconds / 2, 0))
    conn.commit()
    return Result("raw read log", backend, "rows/s", events, seconds, note="pages of 1,000, rows undecoded")
