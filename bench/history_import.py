"""History import: `koers-tracker import` of a CSV of earlier status updates, in bulk, on a fresh log.

The file holds one update per actie per day, going back from yesterday, every fifth a risico with its
three answers, as a municipality's earlier Burap spreadsheets would after years of monthly reports."""

from __future__ import annotations

import csv
import time
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from bench import tracker_db
from bench.timing import Result
from tracker.geschiedenis.bestand import KOLOMMEN
from tracker.geschiedenis.importeren import importeer_bestand

if TYPE_CHECKING:
    from pathlib import Path

    from bench.scratch import Scratch


def write_csv(path: Path, acties: list[str], lines: int, today: date) -> None:
    """`lines` updates spread over the acties, oldest first, as Dutch Excel exports them (`;`)."""
    days = -(-lines // len(acties))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, KOLOMMEN, delimiter=";", extrasaction="ignore")
        writer.writeheader()
        for i in range(lines):
            day = today - timedelta(days=days - i // len(acties))
            body = tracker_db.update_body(i)
            writer.writerow(body | {"actie": acties[i % len(acties)], "peildatum": f"{day:%d-%m-%Y}"})


def run(scratch: Scratch, backend: str, lines: int) -> list[Result]:
    db = tracker_db.prepare(scratch.url(backend, "import"))
    today = datetime.now(UTC).date()
    path = scratch.folder / f"burap-{backend}.csv"
    write_csv(path, db.acties, lines, today)
    began = time.perf_counter()
    result = importeer_bestand(db.store, path, today, tracker_db.META)
    seconds = time.perf_counter() - began
    verified = db.store.verify()
    db.close()
    errors = 0 if verified.ok and verified.count == result.laatste else 1
    note = f"{lines:,} CSV lines over {len(db.acties)} acties, one transaction; chain verified afterwards"
    return [Result("history import", backend, "events/s", result.regels, seconds, [], errors, note)]
