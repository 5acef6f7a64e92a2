"""Scratch databases for one run: SQLite files in a temporary folder, PostgreSQL databases dropped after."""

from __future__ import annotations

import os
import sqlite3
import tempfile
import uuid
from pathlib import Path

import psycopg
from sqlalchemy.engine.url import make_url

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ("sqlite", "postgresql")


class Scratch:
    """Hands out fresh, empty databases and removes every one of them on close."""

    def __init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="koers-bench-")
        self.folder = Path(self._tmp.name)
        self.created: list[str] = []
        self.kept: dict[str, str] = {}  # databases that took long to fill, by what they hold: reused

    def url(self, backend: str, label: str, template: str | None = None) -> str:
        """A new database; with `template` (the URL of one of ours) a copy of that one."""
        name = f"bench_{label}_{uuid.uuid4().hex[:10]}"
        if backend == "sqlite":
            path = self.folder / f"{name}.db"
            if template:
                source, copy = sqlite3.connect(make_url(template).database or ""), sqlite3.connect(path)
                try:
                    source.backup(copy)  # consistent, whatever is still in the source's WAL
                finally:
                    source.close()
                    copy.close()
            return f"sqlite:///{path}"
        copied = f' TEMPLATE "{make_url(template).database}"' if template else ""
        self._admin(f'CREATE DATABASE "{name}"{copied}')
        self.created.append(name)
        return str(make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False))

    def close(self) -> None:
        for name in self.created:
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.created.clear()
        self._tmp.cleanup()

    def _admin(self, sql: str) -> None:
        with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql)


def postgres_reachable() -> bool:
    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=3).close()
    except psycopg.OperationalError:
        return False
    return True
