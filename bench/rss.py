"""Peak resident memory of a process: the kernel's high-water mark (VmHWM), so no sample misses a peak.

Not the rusage of a child: its ru_maxrss counts the parent's memory too, shared until exec."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

POLL = 0.02  # seconds; the high-water mark only rises, so a late read loses at most the last few ms


def peak_mb(pid: int) -> float | None:
    """VmHWM of a running process in MB; None once it has exited."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    kilobytes = [int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")]
    return kilobytes[0] / 1024 if kilobytes else None


@dataclass(frozen=True, slots=True)
class Finished:
    seconds: float
    rss_mb: float
    output: str


def run(command: list[str], env: dict[str, str], log: Path) -> Finished:
    """Run a command to its end: its wall time, its peak RSS and what it printed."""
    peak = 0.0
    with log.open("wb") as out:
        began = time.perf_counter()
        child = subprocess.Popen(command, env=os.environ | env, stdout=out, stderr=subprocess.STDOUT)
        while True:
            try:
                child.wait(timeout=POLL)
                break
            except subprocess.TimeoutExpired:
                peak = max(peak, peak_mb(child.pid) or 0.0)
        seconds = time.perf_counter() - began
    output = log.read_text(errors="replace")
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])} failed ({child.returncode}): {output[-2000:]}")
    return Finished(seconds, peak, output)
