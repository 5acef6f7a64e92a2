"""Services as real processes (`python -m <service> serve`) on a free loopback port, stopped after."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import TracebackType

from koers.processes import HOST, free_port, wait_ready


class Service:
    """One service process; entering waits until `ready_path` answers 200, leaving stops it."""

    def __init__(self, module: str, env: dict[str, str], log: Path, ready_path: str = "/readyz") -> None:
        self.module, self.env, self.log, self.ready_path = module, env, log, ready_path
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"

    def __enter__(self) -> Service:
        command = [sys.executable, "-m", self.module, "serve", "--host", HOST, "--port", str(self.port)]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                command, env=os.environ | self.env, stdout=out, stderr=subprocess.STDOUT
            )
        self._wait_ready(60.0)
        return self

    def __exit__(
        self, _t: type[BaseException] | None, _e: BaseException | None, _tb: TracebackType | None
    ) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def cpu_seconds(self) -> float:
        """User and system CPU time of the process so far, all its threads (from Linux's /proc)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def _wait_ready(self, seconds: float) -> None:
        if reason := wait_ready(self.url + self.ready_path, self.process, seconds):
            self.__exit__(None, None, None)
            raise RuntimeError(f"{self.module} {reason}; see {self.log}")


class TrackerProcess(Service):
    """The tracker with a fresh beheer token and no per-token write limit; `settings` adds TRACKER_* env."""

    def __init__(self, database_url: str, log: Path, settings: dict[str, str] | None = None) -> None:
        self.database_url = database_url
        self.admin_token = secrets.token_urlsafe(24)
        env = {
            "TRACKER_DATABASE_URL": database_url,
            "TRACKER_ADMIN_TOKEN": self.admin_token,
            "TRACKER_WRITE_RATE_PER_MINUTE": "0",  # capacity is measured, not the per-token write policy
        }
        super().__init__("tracker", env | (settings or {}), log)

    def __enter__(self) -> TrackerProcess:
        super().__enter__()
        return self
