"""Identifiers as text: UUIDv7 for events, UUIDv4 for correlation and notification ids.

Their random bits come from os.urandom, read 4 KiB at a time rather than 10 or 16 bytes per id. Each
call of os.urandom lets go of the GIL, and with another thread waiting for it (the import's writer, the
group commit's worker) every id became a hand-over between threads: a history import of 50,000 lines
on PostgreSQL used 4.7-5.7 s of CPU with a call per id, 3.4-4.8 s with this buffer (three runs each,
docs/PERFORMANCE.md). Built from an int rather than by the UUID class, which is pure Python and takes
twice as long."""

from __future__ import annotations

import os
import threading
import time

_REFILL = 4096


class _Entropy(threading.local):
    """Random bytes for this thread; a thread of its own, so no lock, and no byte serves two ids."""

    def __init__(self) -> None:
        self.empty()

    def empty(self) -> None:
        self.pool, self.offset = b"", 0

    def take(self, size: int) -> int:
        if self.offset + size > len(self.pool):
            self.pool, self.offset = os.urandom(_REFILL), 0
        start = self.offset
        self.offset += size
        return int.from_bytes(self.pool[start : self.offset])


_entropy = _Entropy()
# A forked child would otherwise hand out the bytes its parent has yet to use: the same ids in both.
os.register_at_fork(after_in_child=_entropy.empty)

_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))  # the version and variant bits of RFC 9562 …
_VERSION7 = (0x7000 << 64) | (0x8000 << 48)  # … set to version 7, variant 10
_VERSION4 = (0x4000 << 64) | (0x8000 << 48)


def uuid7() -> str:
    """The milliseconds of the wall clock and 74 random bits (RFC 9562, version 7).

    Time-ordered rather than random (version 4): a new event id lands at the end of the event_id index,
    not on a random page of it, so each commit dirties, and each WAL checkpoint writes back, the same
    few pages however long the log. On SQLite with 1,000,000 events an append ran at 0.83x-0.89x of its
    rate on an empty log with random ids, at 0.95x-0.98x with these."""
    return _text((time.time_ns() // 1_000_000) << 80 | _entropy.take(10), _VERSION7)


def uuid4() -> str:
    """122 random bits (RFC 9562, version 4)."""
    return _text(_entropy.take(16), _VERSION4)


def _text(value: int, version: int) -> str:
    hexa = f"{value & _CLEAR | version:032x}"
    return f"{hexa[:8]}-{hexa[8:12]}-{hexa[12:16]}-{hexa[16:20]}-{hexa[20:]}"
