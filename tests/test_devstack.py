"""`scripts/run`'s stack (koers.devstack) as a process: what it does when it cannot start."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@contextlib.contextmanager
def _listening_at(offset: int) -> Iterator[int]:
    """A tracker port whose own (offset 0) or notifier's (offset 1, the next port) is taken by a listener;
    the other one of the two is free."""
    while True:
        with socket.socket() as tracker, socket.socket() as notifier:
            tracker.bind(("127.0.0.1", 0))
            port = tracker.getsockname()[1]
            try:
                notifier.bind(("127.0.0.1", port + 1))
            except OSError:
                continue  # the next port is another process's: try another pair
            (tracker, notifier)[offset].listen()
            (tracker, notifier)[1 - offset].close()
            yield port
            return


@pytest.mark.parametrize("offset", [0, 1], ids=["the tracker's port", "the notifier's port"])
def test_a_taken_port_stops_the_stack_before_anything_is_made(tmp_path: Path, offset: int) -> None:
    with _listening_at(offset) as port:
        env = {**os.environ, "KOERS_HOST": "127.0.0.1", "KOERS_PORT": str(port)}
        command = [sys.executable, "-m", "koers.devstack"]
        # Bounded: a stack that does start would run until stopped.
        done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert f"Poort {port + offset} op 127.0.0.1 is al in gebruik" in done.stderr
    assert "Koersmonitor draait" not in done.stdout
    assert list(tmp_path.iterdir()) == []  # no database made, no catalogue loaded, no token
