"""Reading a CSV file of earlier status updates: one command per line, or the reasons it is refused.

The file is what a spreadsheet exports: a header row, `;` or `,` between fields (Dutch Excel writes
`;` because `,` is its decimal sign), UTF-8 with or without a byte-order mark, dates as 2026-03-31
or 31-03-2026, decimals as 12,5 or 12.5."""

from __future__ import annotations

import contextlib
import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from pydantic import ValidationError

from tracker.domain import ImporteerVoortgang

if TYPE_CHECKING:
    from pathlib import Path

    from pydantic_core import ErrorDetails

KOLOMMEN = (
    "actie",
    "peildatum",
    "status",
    "voortgang",
    "toelichting",
    "oorzaak",
    "gevolg",
    "bijsturing",
    "kpi_waarde",
    "verwachte_einddatum",
)
VERPLICHT = ("actie", "peildatum", "status", "voortgang")
_GETAL = re.compile(r"-?\d+([.,]\d+)?")


@dataclass(frozen=True, slots=True)
class Fout:
    regel: int
    veld: str
    reden: str

    def tekst(self, bestand: str) -> str:
        return f"{bestand}:{self.regel}: {self.veld + ': ' if self.veld else ''}{self.reden}"


class Regel(NamedTuple):  # not a frozen dataclass: made for every line, a tuple is made in a third the time
    """One line of the file as a command for an actie, or what is wrong with it."""

    nummer: int
    actie: str
    melding: ImporteerVoortgang | None
    fouten: list[Fout]


class BestandOnbruikbaar(ValueError):
    """The file as a whole cannot be read: not CSV, not UTF-8, or its header is wrong."""

    def __init__(self, fout: Fout, bestand: str) -> None:
        super().__init__(fout.tekst(bestand))
        self.fout = fout


def regels(path: Path, vandaag: date) -> Iterator[Regel]:
    """The file's lines in order; a line that does not parse comes with its faults, not an exception."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            kop = handle.readline()
            kolommen = [(naam, _LEZERS.get(naam)) for naam in _kolommen(kop, path.name)]
            lezer = csv.reader(handle, delimiter=_scheiding(kop))
            for velden in lezer:
                if velden:  # a blank line, as csv.DictReader skips it
                    yield _regel(lezer.line_num + 1, kolommen, velden, path.name, vandaag)  # header: line 1
    except UnicodeDecodeError as exc:
        reden = "is geen UTF-8; sla het bestand op als 'CSV UTF-8'"
        raise BestandOnbruikbaar(Fout(0, "", f"{reden} ({exc.reason})"), path.name) from None
    except csv.Error as exc:
        raise BestandOnbruikbaar(Fout(0, "", f"geen geldige CSV: {exc}"), path.name) from None


def _scheiding(kop: str) -> str:
    return ";" if kop.count(";") > kop.count(",") else ","


def _kolommen(kop: str, bestand: str) -> list[str]:
    namen = [naam.strip().lower() for naam in next(csv.reader([kop], delimiter=_scheiding(kop)), [])]
    onbekend = [naam for naam in namen if naam not in KOLOMMEN]
    ontbrekend = [naam for naam in VERPLICHT if naam not in namen]
    if onbekend or ontbrekend or len(set(namen)) != len(namen):
        delen = [f"onbekende kolom {n!r}" for n in onbekend] + [f"kolom {n!r} ontbreekt" for n in ontbrekend]
        reden = "; ".join(delen) or "een kolom staat er dubbel in"
        raise BestandOnbruikbaar(Fout(1, "", f"{reden} (kolommen: {', '.join(KOLOMMEN)})"), bestand)
    return namen


def _regel(
    nummer: int, kolommen: list[tuple[str, Lezer | None]], velden: list[str], bestand: str, vandaag: date
) -> Regel:
    waarden: dict[str, object] = {"bron": f"{bestand}:{nummer}"}
    fouten: list[Fout] = []
    actie = ""
    for (naam, lezer), ruw in zip(kolommen, velden, strict=False):  # a short line: its last fields are empty
        if not (tekst := ruw.strip()):
            continue
        if naam == "actie":
            actie = tekst
        elif lezer is None:
            waarden[naam] = tekst
        else:
            try:
                waarden[naam] = lezer(tekst)
            except ValueError as exc:
                fouten.append(Fout(nummer, naam, str(exc)))
    if len(velden) > len(kolommen):
        return Regel(nummer, actie, None, [Fout(nummer, "", "meer velden dan kolommen")])
    peildatum = waarden.get("peildatum")
    if isinstance(peildatum, date) and peildatum > vandaag:
        fouten.append(Fout(nummer, "peildatum", "ligt in de toekomst"))
    if not actie:
        fouten.append(Fout(nummer, "actie", "ontbreekt"))
    try:
        melding = ImporteerVoortgang.model_validate(waarden)
    except ValidationError as exc:
        # A field that did not parse is reported once, not again as missing.
        gemeld = {fout.veld for fout in fouten}
        fouten += [f for f in (_fout(nummer, e) for e in exc.errors()) if f.veld not in gemeld]
        melding = None
    return Regel(nummer, actie, None if fouten else melding, fouten)


def _procent(tekst: str) -> int:
    if not tekst.removesuffix("%").strip().isdigit():
        raise ValueError(f"{tekst!r} is geen heel getal van 0 tot en met 100")
    return int(tekst.removesuffix("%"))


def _getal(tekst: str) -> float:
    if not _GETAL.fullmatch(tekst):
        raise ValueError(f"{tekst!r} is geen getal (schrijf bijvoorbeeld 1234,5)")
    return float(tekst.replace(",", "."))


def _datum(tekst: str) -> date:
    # Not strptime: it takes the locale lock and is the slowest step of a large import.
    with contextlib.suppress(ValueError):
        if tekst[4:5] == "-":
            return date.fromisoformat(tekst)
        dag, maand, jaar = tekst.split("-")
        if len(jaar) == 4:
            return date(int(jaar), int(maand), int(dag))
    raise ValueError(f"{tekst!r} is geen datum (JJJJ-MM-DD of DD-MM-JJJJ)")


Lezer = Callable[[str], object]
# What a column's text becomes; a column not named here stays text.
_LEZERS: dict[str, Lezer] = {
    "peildatum": _datum,
    "verwachte_einddatum": _datum,
    "voortgang": _procent,
    "kpi_waarde": _getal,
}


def _fout(nummer: int, error: ErrorDetails) -> Fout:
    return Fout(nummer, ".".join(str(part) for part in error["loc"]), error["msg"])
