"""The performance harness runs end to end and records a positive rate for every bench; no timings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg

from bench.runner import medians
from bench.timing import Result

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_URL = os.environ.get("KOERS_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
BENCHES = {
    "store append",
    "HTTP append",
    "HTTP feed read",
    "eventsourcing append",
    "eventsourcing replay",
    "eventsourcing read log",
    "raw INSERT+COMMIT",
    "raw read log",
    "alert mail",
    "alert webhook",
    "dashboard overview",
    "dashboard overview @peildatum",
    "dashboard actie",
    "dashboard actie @peildatum",
    "rebuild",
    "memory tracker",
    "memory notifier",
    "store append, empty log",
    "store append, long log",
    "history import",
    "raw bulk write",
}


def _backends() -> list[str]:
    if os.environ.get("KOERS_REQUIRE_POSTGRES") == "1":
        return ["sqlite", "postgresql"]
    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=3).close()
    except psycopg.OperationalError:
        return ["sqlite"]
    return ["sqlite", "postgresql"]


def test_quick_bench_records_a_positive_rate_for_every_bench_on_every_backend(tmp_path: Path) -> None:
    out, backends = tmp_path / "bench.json", _backends()
    command = [
        sys.executable,
        "-m",
        "bench",
        "all",
        "--quick",
        "--backends",
        ",".join(backends),
        "--out",
        str(out),
    ]
    env = os.environ | {"BENCH_POSTGRES_URL": POSTGRES_URL}
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    results = json.loads(out.read_text())["results"]
    rates = {(r["bench"], r["backend"]): r["rate"] for r in results}
    assert set(rates) == {(bench, backend) for bench in BENCHES for backend in backends}
    assert all(rate > 0 for rate in rates.values()), rates
    assert [r for r in results if r["errors"]] == []
    assert len(results) == len(rates)  # the turns of a bench count as one result, their median
    turned = {"raw INSERT+COMMIT", "eventsourcing append", "store append", "HTTP append", "HTTP feed read"}
    assert all("median of 2 turns" in r["note"] for r in results if r["bench"] in turned)


def test_of_several_turns_the_median_counts_and_the_note_names_every_turn() -> None:
    turns = [Result("store append", "sqlite", "events/s", ops, 1.0, note="x") for ops in (10, 30, 20)]
    once = Result("rebuild", "sqlite", "events/s", 5, 1.0)

    chosen = medians([*turns, once])

    assert [(r.bench, r.ops) for r in chosen] == [("store append", 20), ("rebuild", 5)]
    assert chosen[0].note == "x; median of 3 turns (10, 30, 20)"
