"""The figures as a table, the ratios against the anchor and the raw database, and the JSON record."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from pathlib import Path

    from bench.timing import Result


@dataclass(frozen=True, slots=True)
class Ratio:
    ours: str
    theirs: str
    targets: dict[str, float]  # per backend; issue 6, later work


RATIOS = [
    Ratio("store append", "eventsourcing append", {"sqlite": 1.0, "postgresql": 1.4}),
    Ratio("HTTP append", "eventsourcing append", {"sqlite": 0.5, "postgresql": 1.0}),
    Ratio("HTTP feed read", "eventsourcing read log", {"sqlite": 0.5, "postgresql": 0.5}),
    Ratio("store append", "raw INSERT+COMMIT", {}),
    Ratio("HTTP append", "raw INSERT+COMMIT", {}),
    Ratio("eventsourcing append", "raw INSERT+COMMIT", {}),
    Ratio("HTTP feed read", "raw read log", {}),
    Ratio("eventsourcing read log", "raw read log", {}),
    Ratio("history import", "raw bulk write", {}),
    Ratio("store append, long log", "store append, empty log", {"sqlite": 0.9, "postgresql": 0.9}),
]


@dataclass(frozen=True, slots=True)
class Bound:
    """An absolute target for one figure of a bench, on one backend or (None) on every backend."""

    bench: str
    figure: str  # a field of Result.as_json()
    limit: float
    at_least: bool  # the figure must be ≥ limit (else ≤)
    unit: str
    backend: str | None = None


BOUNDS = [
    Bound("rebuild", "rate", 100_000, True, "events/s"),
    Bound("memory tracker", "rss_mb", 150, False, "MB RSS"),
    Bound("memory notifier", "rss_mb", 100, False, "MB RSS"),
    Bound("history import", "rate", 50_000, True, "events/s", backend="postgresql"),
]


def ratios(results: list[Result]) -> list[dict[str, Any]]:
    rates = {(r.bench, r.backend): r.rate for r in results}
    rows = []
    for ratio in RATIOS:
        for backend in dict.fromkeys(r.backend for r in results):
            ours, theirs = rates.get((ratio.ours, backend)), rates.get((ratio.theirs, backend))
            if not ours or not theirs:
                continue
            target = ratio.targets.get(backend)
            verdict = None if target is None else _verdict(ours / theirs >= target)
            rows.append(
                {
                    "ours": ratio.ours,
                    "theirs": ratio.theirs,
                    "backend": backend,
                    "ratio": round(ours / theirs, 3),
                    "target": target,
                    "verdict": verdict,
                }
            )
    return rows


def bounds(results: list[Result]) -> list[dict[str, Any]]:
    rows = []
    for bound in BOUNDS:
        for r in results:
            applies = r.bench == bound.bench and bound.backend in (None, r.backend)
            value = r.as_json()[bound.figure] if applies else None
            if value is None:
                continue
            passed = value >= bound.limit if bound.at_least else value <= bound.limit
            target = f"{'≥' if bound.at_least else '≤'} {bound.limit:,.0f} {bound.unit}"
            rows.append(
                {
                    "bench": bound.bench,
                    "backend": r.backend,
                    "figure": bound.figure,
                    "value": round(value, 1),
                    "target": target,
                    "verdict": _verdict(passed),
                }
            )
    return rows


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def print_tables(
    results: list[Result],
    ratio_rows: list[dict[str, Any]],
    bound_rows: list[dict[str, Any]],
    console: Console,
) -> None:
    figures = Table(title="Koersmonitor bench", title_justify="left")
    columns = ("bench", "backend", "rate", "unit", "p50 ms", "p95 ms", "p99 ms", "n", "errors", "RSS MB")
    for column in columns:
        figures.add_column(column, justify="left" if column in ("bench", "backend", "unit") else "right")
    for r in results:
        row = r.as_json()
        figures.add_row(
            r.bench,
            r.backend,
            f"{r.rate:,.0f}",
            r.unit,
            *(_ms(row[f"p{p}_ms"]) for p in (50, 95, 99)),
            f"{r.ops:,}",
            str(r.errors),
            "" if r.rss_mb is None else f"{r.rss_mb:.0f}",
        )
    console.print(figures)
    table = Table(
        title="Ratios (same run, same machine); targets are issue 6's, later work", title_justify="left"
    )
    for column in ("ours", "against", "backend", "ratio", "target", "verdict"):
        table.add_column(column, justify="right" if column in ("ratio", "target") else "left")
    for row in ratio_rows:
        target = f"≥ {row['target']:.1f}×" if row["target"] else ""
        table.add_row(
            row["ours"], row["theirs"], row["backend"], f"{row['ratio']:.2f}×", target, row["verdict"] or ""
        )
    console.print(table)
    limits = Table(title="Absolute targets (issue 6)", title_justify="left")
    for column in ("bench", "backend", "figure", "value", "target", "verdict"):
        limits.add_column(column, justify="right" if column == "value" else "left")
    for row in bound_rows:
        limits.add_row(
            row["bench"], row["backend"], row["figure"], f"{row['value']:,}", row["target"], row["verdict"]
        )
    console.print(limits)


def _ms(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def write_json(
    path: Path,
    header: dict[str, Any],
    results: list[Result],
    ratio_rows: list[dict[str, Any]],
    bound_rows: list[dict[str, Any]],
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = header | {"results": [r.as_json() for r in results], "ratios": ratio_rows, "bounds": bound_rows}
    path.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n")
