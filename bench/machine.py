"""What the figures were measured on."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

import psycopg

from bench.scratch import POSTGRES_URL


def describe(with_postgres: bool) -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "cpu": _cpuinfo("model name"),
        "ram_gib": round(_meminfo_kib("MemTotal") / 1024 / 1024, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": _postgres_version() if with_postgres else None,
        "eventsourcing": _version("eventsourcing"),
        "sqlalchemy": _version("sqlalchemy"),
        "psycopg": _version("psycopg"),
        "git": _git(),
        "loadavg_1_5_15": [round(x, 2) for x in os.getloadavg()],
    }


def _git() -> str | None:
    """The commit measured; `-dirty` when the working tree had changes."""
    done = subprocess.run(
        ["git", "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).parent,
    )
    return done.stdout.strip() or None


def _cpuinfo(key: str) -> str | None:
    for line in _lines("/proc/cpuinfo"):
        if line.startswith(key):
            return line.split(":", 1)[1].strip()
    return None


def _meminfo_kib(key: str) -> int:
    for line in _lines("/proc/meminfo"):
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def _lines(path: str) -> list[str]:
    file = Path(path)
    return file.read_text().splitlines() if file.exists() else []


def _postgres_version() -> str:
    with psycopg.connect(POSTGRES_URL, connect_timeout=5) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "?"


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None
