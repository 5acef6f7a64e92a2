"""`python -m bench.markdown RESULTS.json`: a recorded run as the Markdown tables of docs/PERFORMANCE.md."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def figures(results: list[dict[str, Any]]) -> list[str]:
    lines = [row("bench", "backend", "rate", "unit", "p50 ms", "p95 ms", "p99 ms", "n", "errors", "RSS MB")]
    lines.append("|---|---|--:|---|--:|--:|--:|--:|--:|--:|")
    for r in results:
        ms = [f"{r[k]:.2f}" if r[k] is not None else "" for k in ("p50_ms", "p95_ms", "p99_ms")]
        rss = "" if r.get("rss_mb") is None else f"{r['rss_mb']:.0f}"
        cells = (r["bench"], r["backend"], f"{r['rate']:,.0f}", r["unit"], *ms, f"{r['ops']:,}", r["errors"])
        lines.append(row(*cells, rss))
    return lines


def ratios(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        row("ours", "against", "backend", "ratio", "issue 6 target", "verdict"),
        "|---|---|---|--:|--:|---|",
    ]
    for r in rows:
        target = f"≥ {r['target']:.1f}×" if r["target"] else ""
        lines.append(
            row(r["ours"], r["theirs"], r["backend"], f"{r['ratio']:.2f}×", target, r["verdict"] or "")
        )
    return lines


def bounds(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        row("bench", "backend", "figure", "value", "issue 6 target", "verdict"),
        "|---|---|---|--:|--:|---|",
    ]
    lines += [
        row(r["bench"], r["backend"], r["figure"], f"{r['value']:,}", r["target"], r["verdict"]) for r in rows
    ]
    return lines


def main(path: str) -> None:
    run = json.loads(Path(path).read_text())
    tables = [*figures(run["results"]), "", *ratios(run["ratios"]), "", *bounds(run.get("bounds", []))]
    print("\n".join(tables))


if __name__ == "__main__":
    main(sys.argv[1])
