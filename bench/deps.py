"""Bench-only packages (the `bench` extra), installed into this interpreter's environment on first use."""

from __future__ import annotations

import importlib
import subprocess
import sys
from importlib import metadata

ANCHOR = {"eventsourcing": "9.5.6", "psycopg-pool": "3.3.3"}
PROFILERS = {"pyinstrument": "5.1.3", "py-spy": "0.4.3"}


def ensure(pins: dict[str, str]) -> None:
    missing = [f"{name}=={version}" for name, version in pins.items() if _installed(name) != version]
    if missing:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", *missing], check=True)
        importlib.invalidate_caches()


def _installed(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None
