"""Engines for the two supported databases, from the plain URLs users write."""

from __future__ import annotations

import functools
import select
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, create_engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.engine.url import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.types import TypeDecorator

WRITE_LOCK = "koers_write_lock"
BUSY_TIMEOUT_MS = 30_000  # how long a SQLite writer waits for another to let go of the write lock
# Constraint and index names that Alembic can compare and both databases accept.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def sqlalchemy_url(url: str) -> str:
    """Map `postgresql://…` to the psycopg 3 driver; leave SQLite alone."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, sqlite_cache_kib: int = 2000, **kwargs: Any) -> Engine:
    """An engine with the pragmas and transaction handling the event log relies on. On SQLite each
    connection keeps a page cache of up to `sqlite_cache_kib` (SQLite's default is 2,000 KiB)."""
    if not is_sqlite(url):
        engine = create_engine(sqlalchemy_url(url), **kwargs)
        event.listen(engine, "checkout", _replace_closed)
        return engine
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    connect_args = {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
    engine = create_engine(url, connect_args=connect_args, **kwargs)
    event.listen(engine, "connect", functools.partial(_sqlite_connect, cache_kib=sqlite_cache_kib))
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def closed_by_server(dbapi_connection: Any) -> bool:
    """Whether PostgreSQL closed this idle connection (a restart, a terminated backend), found without a
    round trip: an idle connection has something to read only when the server said goodbye. (poll, not
    select: any fd number.)"""
    if dbapi_connection.closed:
        return True
    socket = select.poll()
    socket.register(dbapi_connection.fileno(), select.POLLIN)
    return bool(socket.poll(0))


def _replace_closed(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    # What pool_pre_ping finds with a round trip per checkout; the pool replaces the connection.
    if closed_by_server(dbapi_connection):
        raise DisconnectionError("PostgreSQL closed this pooled connection")


def _sqlite_connect(dbapi_connection: Any, _record: Any, cache_kib: int) -> None:
    # pysqlite's own implicit BEGIN is switched off so that `_sqlite_begin` decides the kind of lock.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA cache_size=-{int(cache_kib)}")  # negative: in KiB rather than pages
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    driver = connection.connection.dbapi_connection
    if driver.in_transaction:  # begun on the driver (the event store's appends): the statement joins it
        return
    # A writer takes SQLite's write lock at BEGIN, so two appends never both read the same head.
    immediate = connection.get_execution_options().get(WRITE_LOCK, False)
    # On the driver's connection: through SQLAlchemy this statement cost a sixth of an append.
    driver.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on both databases (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
