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
            verdict = None if target is None else ("PASS" if ours / theirs >= target else "FAIL")
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


def print_tables(results: list[Result], ratio_rows: list[dict[str, Any]], console: Console) -> None:
    figures = Table(title="Koersmonitor bench", title_justify="left")
    for column in ("bench", "backend", "rate", "unit", "p50 ms", "p95 ms", "p99 ms", "n", "errors"):
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


def _ms(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def write_json(
    path: Path, header: dict[str, Any], results: list[Result], ratio_rows: list[dict[str, Any]]
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = header | {"results": [r.as_json() for r in results], "ratios": ratio_rows}
    path.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n")
