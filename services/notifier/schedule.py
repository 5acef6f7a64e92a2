"""Pure: what is due at a moment — overdue reminders in stages and the weekly digest — from (kennis, now)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from notifier.kennis import AFGESLOTEN, Actie, Kennis
from notifier.notificatie import STATUS_LABELS, Notificatie, Soort, status_label

ESCALATIE_NA = timedelta(days=7)
TE_LAAT = " — update te laat"


@dataclass(frozen=True, slots=True)
class Weekmoment:
    weekdag: int = 0  # Monday
    tijd: time = time(8, 0)
    zone: str = "Europe/Amsterdam"

    def laatste(self, now: datetime) -> datetime:
        """The most recent digest moment at or before `now`, as a local time."""
        lokaal = now.astimezone(ZoneInfo(self.zone))
        dag = lokaal.date() - timedelta(days=(lokaal.weekday() - self.weekdag) % 7)
        moment = datetime.combine(dag, self.tijd, ZoneInfo(self.zone))
        return moment if moment <= lokaal else moment - timedelta(days=7)


def achterstand_sinds(actie: Actie, now: datetime) -> datetime | None:
    """When the actie became overdue (no update for longer than its interval), or None when it is not."""
    if actie.status in AFGESLOTEN:
        return None
    vanaf = (actie.gemeld_at or actie.geregistreerd_at) + timedelta(days=actie.update_interval_dagen)
    return vanaf if now >= vanaf else None


def achterstallig(
    kennis: Kennis, projectleiders: Mapping[str, tuple[str, ...]], now: datetime
) -> list[Notificatie]:
    """Overdue updates: a reminder to the project lead, a week later the portefeuillehouder(s) too."""
    notes: list[Notificatie] = []
    for actie in kennis.acties.values():
        sinds = achterstand_sinds(actie, now)
        if sinds is None:
            continue
        laatst = sinds - timedelta(days=actie.update_interval_dagen)
        zin = f"Er is sinds {laatst:%d-%m-%Y} geen voortgang gemeld."
        sleutel = f"{actie.id}@{sinds.isoformat()}"
        for leider in projectleiders.get(actie.id, ()):
            notes.append(_herinnering(f"herinnering:{sleutel}", leider, actie, zin))
        if now >= sinds + ESCALATIE_NA:
            notes += [_herinnering(f"escalatie:{sleutel}", h, actie, zin) for h in actie.portefeuillehouders]
    return notes


def _herinnering(sleutel: str, ontvanger: str, actie: Actie, zin: str) -> Notificatie:
    return Notificatie(
        sleutel,
        ontvanger,
        Soort.herinnering,
        f"Voortgang gevraagd: {actie.titel}",
        f"{zin} Meld de stand van deze actie.",
        actie=actie.id,
    )


def weekoverzicht(kennis: Kennis, now: datetime, moment: Weekmoment) -> list[Notificatie]:
    """This week's digest per portefeuillehouder: their acties by status, and what is overdue."""
    week = moment.laatste(now)
    per_houder: dict[str, list[Actie]] = {}
    for actie in kennis.acties.values():
        for houder in actie.portefeuillehouders:
            per_houder.setdefault(houder, []).append(actie)
    return [
        Notificatie(
            f"weekoverzicht:{week.date().isoformat()}:{houder}",
            houder,
            Soort.weekoverzicht,
            f"Weekoverzicht {week:%d-%m-%Y}",
            _telling(acties),
            _regels(acties, now),
        )
        for houder, acties in sorted(per_houder.items())
    ]


def _telling(acties: list[Actie]) -> str:
    tellingen = [(label, sum(a.status == s for a in acties)) for s, label in STATUS_LABELS.items()]
    return f"Uw {len(acties)} acties: " + ", ".join(f"{n} {label}" for label, n in tellingen if n) + "."


def _regels(acties: list[Actie], now: datetime) -> tuple[tuple[str, str], ...]:
    volgorde = {status: i for i, status in enumerate(STATUS_LABELS)}
    ordered = sorted(acties, key=lambda a: (volgorde.get(a.status, 99), a.titel))
    return tuple((a.titel, _stand(a, now)) for a in ordered)


def _stand(actie: Actie, now: datetime) -> str:
    return status_label(actie.status) + (TE_LAAT if achterstand_sinds(actie, now) else "")
