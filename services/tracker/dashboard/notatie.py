"""Dates and numbers as a Dutch reader writes them: 30 juni 2026 (Hengelo's time zone), 5.300, 41,9."""

from __future__ import annotations

from datetime import date, datetime

from tracker.events import AMSTERDAM

MAANDEN = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def datum(dag: date | datetime | None) -> str:
    if dag is None:
        return "—"
    if isinstance(dag, datetime):
        dag = dag.astimezone(AMSTERDAM).date()
    return f"{dag.day} {MAANDEN[dag.month - 1]} {dag.year}"


def datumtijd(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    lokaal = moment.astimezone(AMSTERDAM)
    return f"{datum(lokaal.date())}, {lokaal:%H:%M}"


def getal(waarde: float) -> str:
    """Thousands with a point, decimals with a comma; no trailing zeros (5.300, 41,9, 0)."""
    tekst = f"{waarde:,.2f}".rstrip("0").rstrip(".")
    return tekst.replace(",", " ").replace(".", ",").replace(" ", ".")
