"""`python -m bench [all|profile|<bench> …] [--quick]`: run the benches, print the tables, record JSON."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console

from bench import (
    alert,
    anchor,
    dashboard,
    deps,
    growth,
    history_import,
    http_benches,
    machine,
    memory,
    raw,
    rebuild,
    report,
    store_append,
)
from bench.scratch import BACKENDS, Scratch, postgres_reachable
from bench.timing import Budget, Result

RESULTS = Path(__file__).parent / "results"
BUDGETS = {
    "quick": Budget(count=150, seconds=1.0, warmup=10),
    "full": Budget(count=50_000, seconds=20.0, warmup=50),
}
FEED_SEED = {"quick": 2_000, "full": 50_000}
ALERT_UPDATES = {"quick": 6, "full": 600}  # half are risico: 300 alerts timed in full mode
IMPORT_LINES = {"quick": 2_000, "full": 200_000}
LONG_LOG = {"quick": 20_000, "full": 1_000_000}  # filled once per backend, shared (bench/filled_log.py)
# The benches whose rates are set against each other run in turns, and each counts with its median: a
# machine that speeds up or slows down over the minutes of a run then moves all of them alike (issue 6's
# reference figures are medians of three too). Quick mode takes two turns, so that CI runs the turns.
IN_TURNS = ("raw", "anchor", "store", "http", "feed")
TURNS = {"quick": 2, "full": 3}
Bench = Callable[[Scratch, str, Budget, str], list[Result]]
BENCHES: dict[str, Bench] = {
    "store": lambda s, b, budget, _m: store_append.run(s, b, budget),
    "http": lambda s, b, budget, _m: http_benches.run_append(s, b, budget),
    "feed": lambda s, b, budget, mode: http_benches.run_feed(s, b, budget, FEED_SEED[mode]),
    "anchor": lambda s, b, budget, _m: anchor.run(s, b, budget),
    "raw": lambda s, b, budget, _m: raw.run(s, b, budget),
    "alert": lambda s, b, _budget, mode: alert.run(s, b, ALERT_UPDATES[mode]),
    "dashboard": lambda s, b, _budget, mode: dashboard.run(s, b, LONG_LOG[mode], mode == "quick"),
    "rebuild": lambda s, b, _budget, mode: rebuild.run(s, b, LONG_LOG[mode]),
    "memory": lambda s, b, _budget, mode: memory.run(s, b, LONG_LOG[mode]),
    "growth": lambda s, b, budget, mode: growth.run(s, b, budget, LONG_LOG[mode]),
    "import": lambda s, b, _budget, mode: history_import.run(s, b, IMPORT_LINES[mode]),
}


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "benches", nargs="*", default=["all"], help="all, profile, or any of: " + ", ".join(BENCHES)
    )
    parser.add_argument(
        "--quick", action="store_true", help="small budgets: proves the harness runs (< 1 min)"
    )
    parser.add_argument("--backends", default=",".join(BACKENDS), help="sqlite,postgresql")
    parser.add_argument("--out", type=Path, help="where the JSON goes (default: bench/results/<time>.json)")
    args = parser.parse_args(argv)
    unknown = set(args.benches) - {"all", "profile", *BENCHES}
    if unknown:
        parser.error(f"unknown bench: {', '.join(sorted(unknown))}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    backends = [b for b in args.backends.split(",") if b]
    if "postgresql" in backends and not postgres_reachable():
        print(
            "bench: PostgreSQL is not reachable (BENCH_POSTGRES_URL); use --backends sqlite", file=sys.stderr
        )
        return 2
    if args.benches == ["profile"]:
        from bench import profile

        return profile.main(backends, quick=args.quick)
    mode = "quick" if args.quick else "full"
    names = list(BENCHES) if "all" in args.benches else [n for n in BENCHES if n in args.benches]
    if "anchor" in names:
        deps.ensure(deps.ANCHOR)
    console = Console(width=None if sys.stdout.isatty() else 140)
    load_before = [round(x, 2) for x in os.getloadavg()]
    started = datetime.now(UTC)
    results = run(names, backends, mode, console)
    ratio_rows, bound_rows = report.ratios(results), report.bounds(results)
    report.print_tables(results, ratio_rows, bound_rows, console)
    out = args.out or RESULTS / f"{started:%Y%m%dT%H%M%SZ}-{mode}.json"
    header = {
        "recorded_at": started.isoformat(),
        "mode": mode,
        "command": _command(argv),
        "loadavg_before": load_before,
        "machine": machine.describe("postgresql" in backends),
    }
    report.write_json(out, header, results, ratio_rows, bound_rows)
    console.print(f"results: {out}")
    return 0


def run(names: list[str], backends: list[str], mode: str, console: Console) -> list[Result]:
    results: list[Result] = []
    scratch = Scratch()
    try:
        for backend in backends:
            in_turns = [name for name in names if name in IN_TURNS]
            for name in in_turns * TURNS[mode] + [name for name in names if name not in IN_TURNS]:
                began = time.perf_counter()
                with console.status(f"{name} on {backend}"):
                    results += BENCHES[name](scratch, backend, BUDGETS[mode], mode)
                console.log(f"{name} on {backend}: {time.perf_counter() - began:.1f} s")
    finally:
        scratch.close()
    return medians(results)


def medians(results: list[Result]) -> list[Result]:
    """One result per bench and backend: of several turns the one with the median rate (the lower of the
    middle two), its note naming every turn's rate in the order they ran."""
    turns: dict[tuple[str, str], list[Result]] = {}
    for result in results:
        turns.setdefault((result.bench, result.backend), []).append(result)
    chosen = []
    for ran in turns.values():
        if len(ran) == 1:
            chosen.append(ran[0])
            continue
        median = sorted(ran, key=lambda r: r.rate)[(len(ran) - 1) // 2]
        rates = ", ".join(f"{r.rate:,.0f}" for r in ran)
        chosen.append(replace(median, note=f"{median.note}; median of {len(ran)} turns ({rates})"))
    return chosen


def _command(argv: list[str] | None) -> str:
    return "python -m bench " + shlex.join(sys.argv[1:] if argv is None else argv)
