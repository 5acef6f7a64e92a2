"""Services as processes on this machine: a free loopback port, and waiting until one answers."""

from __future__ import annotations

import socket
import subprocess
import time

import httpx

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float) -> str | None:
    """None once `url` answers 200; otherwise why not: the process exited, or the time ran out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return f"exited with {process.returncode}"
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return None
        except httpx.HTTPError:
            pass  # not listening yet
        time.sleep(0.1)
    return f"not ready after {timeout:.0f} s"
