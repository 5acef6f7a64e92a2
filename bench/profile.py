"""`python -m bench profile`: where an append spends its time, in-process (pyinstrument), served (py-spy)."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

from bench import deps, http_benches, store_append, tracker_db
from bench.scratch import Scratch
from bench.server import TrackerProcess
from bench.timing import Budget
from tracker.auth import NewToken, Rol, create_token
from tracker.store import utcnow

RESULTS = Path(__file__).parent / "results"


def main(backends: list[str], quick: bool) -> int:
    deps.ensure(deps.PROFILERS)
    RESULTS.mkdir(exist_ok=True)
    scratch = Scratch()
    try:
        for backend in backends:
            print(store(scratch, backend, 100 if quick else 2_000))
            print(server(scratch, backend, 2 if quick else 15))
    finally:
        scratch.close()
    return 0


def store(scratch: Scratch, backend: str, count: int) -> Path:
    """Wall-clock profile of `count` in-process appends: database waits included."""
    from pyinstrument import Profiler

    db = tracker_db.prepare(scratch.url(backend, "profile"))
    profiler = Profiler(interval=0.0005)
    try:
        with profiler:
            for i in range(count):
                store_append.append(db, i)
    finally:
        db.close()
    out = RESULTS / f"profile-store-{backend}.txt"
    out.write_text(
        profiler.output_text(unicode=True, show_all=False) + "\n\n" + profiler.output_text(flat=True)
    )
    return out


def server(scratch: Scratch, backend: str, seconds: int) -> Path:
    """Sampled profile of the tracker process while four clients post updates."""
    db = tracker_db.prepare(scratch.url(backend, "profile-http"))
    _, token = create_token(
        db.store.engine, NewToken(rol=Rol.projectleider, acties=tuple(db.acties)), utcnow()
    )
    db.close()
    raw = RESULTS / f"profile-http-{backend}.collapsed"
    with TrackerProcess(db.url, scratch.folder / "tracker-profile.log") as tracker:
        spy = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("py-spy")),
                "record",
                "--pid",
                str(tracker.process.pid),
                "--duration",
                str(seconds),
                "--rate",
                "250",
                "--format",
                "raw",
                "--nolineno",
                "--output",
                str(raw),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            budget = Budget(count=1_000_000, seconds=seconds, warmup=10)
            figures = http_benches.load(
                "append", tracker.url, token, budget, "--acties", ",".join(db.acties), "--clients", "4"
            )
        finally:
            spy.wait(timeout=seconds + 30)
    out = RESULTS / f"profile-http-{backend}.txt"
    answers = (
        f"{figures['ops']} requests in {figures['seconds']:.1f} s; non-201: {figures['errors'] or 'none'}\n"
    )
    out.write_text(answers + summarize(raw))
    return out


def summarize(collapsed: Path, top: int = 30) -> str:
    """Self time per package (innermost frame), and inclusive time per function of our own code.

    py-spy counts a thread blocked in `Condition.wait` (an idle worker) or the event loop's select as
    active; those samples are left out, so shares are of the time the process was doing or awaiting work.
    """
    own: Counter[str] = Counter()
    packages: Counter[str] = Counter()
    total = idle = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames, samples = stack.split(";"), int(count)
        if frames[-1] in IDLE:
            idle += samples
            continue
        total += samples
        packages[WAITING.get(frames[-1]) or _package(frames[-1])] += samples
        for frame in set(frames):
            if frame.endswith(OWN_CODE):
                own[frame] += samples
    lines = [
        f"{total} busy samples of the tracker process ({idle} idle left out)",
        "",
        "self time by package:",
    ]
    lines += [f"{100 * n / total:5.1f}%  {name}" for name, n in packages.most_common(top)]
    lines += ["", "inclusive time, our code:"]
    lines += [f"{100 * n / total:5.1f}%  {frame}" for frame, n in own.most_common(top)]
    return "\n".join(lines) + "\n"


IDLE = frozenset({"Condition.wait (threading.py)", "Runner.run (asyncio/runners.py)"})
WAITING = {"Connection.wait (psycopg/connection.py)": "psycopg: waiting for PostgreSQL's answer"}
OWN_CODE = tuple(
    f"{package}/{module}.py)"
    for package in ("tracker", "tracker/api", "koers")
    for module in (
        "store",
        "writes",
        "projections",
        "domain",
        "events",
        "auth",
        "acties",
        "deps",
        "models",
        "feed",
        "http",
        "db",
        "problems",
        "main",
        "reads",
    )
)


def _package(frame: str) -> str:
    """`func (sqlalchemy/engine/base.py)` -> `sqlalchemy`; the standard library keeps its file."""
    where = frame.rpartition("(")[2].rstrip(")")
    return where.split("/", 1)[0] if "/" in where else f"{frame.partition(' ')[0]} ({where})"
