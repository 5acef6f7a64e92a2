"""CSV that a spreadsheet opens safely: text that would start a formula is neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

# A cell starting with one of these is a formula in Excel and LibreOffice (OWASP: CSV injection).
FORMULE_TEKENS = ("=", "+", "-", "@", "\t", "\r")


def neutraal(waarde: object) -> object:
    if isinstance(waarde, str) and waarde.startswith(FORMULE_TEKENS):
        return "'" + waarde
    return "" if waarde is None else waarde


def csv_tekst(kop: Sequence[str], rijen: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutraal(k) for k in kop])
    writer.writerows([neutraal(w) for w in rij] for rij in rijen)
    return buffer.getvalue()
