"""History import: `koers-tracker import` of a CSV of earlier status updates, in bulk, on a fresh log;
and its ceiling: the rows that import wrote, written again through the bare driver into an empty log.

The file holds one update per actie per day, going back from yesterday, every fifth a risico with its
three answers, as a municipality's earlier Burap spreadsheets would after years of monthly reports."""

from __future__ import annotations

import contextlib
import csv
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine.url import make_url

from bench import raw, tracker_db
from bench.timing import Result
from tracker.geschiedenis.bestand import KOLOMMEN
from tracker.geschiedenis.importeren import importeer_bestand
from tracker.migrate import upgrade

if TYPE_CHECKING:
    from pathlib import Path

    from bench.scratch import Scratch


def write_csv(path: Path, acties: list[str], lines: int, today: date) -> None:
    """`lines` updates spread over the acties, oldest first, as Dutch Excel exports them (`;`)."""
    days = -(-lines // len(acties))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, KOLOMMEN, delimiter=";", extrasaction="ignore")
        writer.writeheader()
        for i in range(lines):
            day = today - timedelta(days=days - i // len(acties))
            body = tracker_db.update_body(i)
            writer.writerow(body | {"actie": acties[i % len(acties)], "peildatum": f"{day:%d-%m-%Y}"})


def run(scratch: Scratch, backend: str, lines: int) -> list[Result]:
    db = tracker_db.prepare(scratch.url(backend, "import"))
    today = datetime.now(UTC).date()
    path = scratch.folder / f"burap-{backend}.csv"
    write_csv(path, db.acties, lines, today)
    began = time.perf_counter()
    result = importeer_bestand(db.store, path, today, tracker_db.META)
    seconds = time.perf_counter() - began
    verified = db.store.verify()
    db.close()
    errors = 0 if verified.ok and verified.count == result.laatste else 1
    note = f"{lines:,} CSV lines over {len(db.acties)} acties, one transaction; chain verified afterwards"
    imported = Result("history import", backend, "events/s", result.regels, seconds, [], errors, note)
    return [imported, _raw(scratch, backend, db.url, result.eerste)]


# What the import wrote: its events, their projection rows and the file's key (idempotency).
TABLES = {
    "tracker_event": "position",
    "tracker_state": "position",
    "tracker_state_history": "position",
    "tracker_idempotency": "first_position",
}


def _raw(scratch: Scratch, backend: str, source: str, first: int) -> Result:
    """The same rows into a migrated, empty log in one transaction: binary COPY on PostgreSQL (as the
    import writes them; text took longer), executemany on SQLite (WAL, synchronous=FULL). No parsing,
    deciding, chaining or folding: only the database taking the rows, with every index and key the
    import has."""
    target = scratch.url(backend, "import_raw")
    upgrade(target)
    with _connect(backend, source) as conn:
        tables = {table: _read(conn, backend, table, column, first) for table, column in TABLES.items()}
    events = len(tables["tracker_event"][1])
    with _connect(backend, target) as conn:
        began = time.perf_counter()
        write = _copy if backend == "postgresql" else _insert
        for table, (description, rows) in tables.items():
            write(conn, table, description, rows)
        conn.commit()
        seconds = time.perf_counter() - began
    history = len(tables["tracker_state_history"][1])
    note = f"the import's {events:,} events and {history:,} history rows, bare driver, one transaction"
    return Result("raw bulk write", backend, "events/s", events, seconds, note=note)


@contextlib.contextmanager
def _connect(backend: str, url: str) -> Iterator[Any]:
    conn: Any
    if backend == "postgresql":
        conn = raw.postgres(url)
    else:
        conn = sqlite3.connect(str(make_url(url).database))
        conn.execute("PRAGMA synchronous=FULL")  # the journal is WAL already: the migration set it
    try:
        yield conn
    finally:
        conn.close()


def _read(conn: Any, backend: str, table: str, column: str, first: int) -> tuple[Any, list[Any]]:
    mark = "%s" if backend == "postgresql" else "?"
    cursor = conn.execute(f"SELECT * FROM {table} WHERE {column} >= {mark}", (first,))
    return cursor.description, cursor.fetchall()


def _copy(conn: Any, table: str, description: Any, rows: list[Any]) -> None:
    names = ", ".join(column.name for column in description)
    with conn.cursor().copy(f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types([column.type_code for column in description])  # binary needs the exact types
        for values in rows:
            copy.write_row(values)


def _insert(conn: sqlite3.Connection, table: str, description: Any, rows: list[Any]) -> None:
    names = [column[0] for column in description]
    marks = ", ".join("?" for _ in names)
    conn.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", rows)
