"""Old event shapes, read as today's: one function per (type, schema version) that lifts data a step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tracker.events import SCHEMA_VERSION

Data = dict[str, Any]

# (event type, schema version it was written with) -> the data as the next version writes it.
UPCASTERS: dict[tuple[str, int], Callable[[Data], Data]] = {}


def upcast(type_: str, data: Data, version: int) -> Data:
    while version < SCHEMA_VERSION:
        step = UPCASTERS.get((type_, version))
        data = step(data) if step else data
        version += 1
    return data
