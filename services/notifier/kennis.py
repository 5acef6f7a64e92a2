"""What the notifier knows from the feed — holders, opgaven, acties — and the fold that keeps it current."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from notifier.feed import FeedEvent

ZORGELIJK = frozenset({"risico", "vertraagd"})
AFGESLOTEN = frozenset({"afgerond", "gestopt"})
AMSTERDAM = ZoneInfo("Europe/Amsterdam")  # a peildatum in the feed is a day in Hengelo


@dataclass(frozen=True, slots=True)
class Opgave:
    id: str
    titel: str
    dwarsthema: bool
    coordinerend: str | None = None


@dataclass(frozen=True, slots=True)
class Actie:
    id: str
    opgave: str
    titel: str
    portefeuillehouders: tuple[str, ...]
    einddatum: date
    update_interval_dagen: int
    geregistreerd_at: datetime
    status: str = "niet_gestart"
    voortgang: int = 0
    verwachte_einddatum: date | None = None
    melding_id: str | None = None
    gemeld_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Kennis:
    namen: dict[str, str] = field(default_factory=dict)
    opgaven: dict[str, Opgave] = field(default_factory=dict)
    acties: dict[str, Actie] = field(default_factory=dict)

    def naam(self, portefeuillehouder: str) -> str:
        return self.namen.get(portefeuillehouder, portefeuillehouder)


def evolve(kennis: Kennis, event: FeedEvent) -> Kennis:
    """The knowledge after one more feed event."""
    data, key = event.data, event.stream_id
    match event.event_type:
        case "PortefeuillehouderGeregistreerd" | "PortefeuillehouderGewijzigd":
            return dataclasses.replace(kennis, namen={**kennis.namen, key: data["naam"]})
        case "OpgaveGeregistreerd" | "OpgaveGewijzigd":
            opgave = Opgave(key, data["titel"], data["dwarsthema"], data.get("coordinerend"))
            return dataclasses.replace(kennis, opgaven={**kennis.opgaven, key: opgave})
        case "ActieGeregistreerd" | "ActieGewijzigd":
            return _met_actie(kennis, _gedefinieerd(kennis.acties.get(key), event))
    actie = kennis.acties.get(key)
    return kennis if actie is None else _met_actie(kennis, _gemeld(actie, event))


def _met_actie(kennis: Kennis, actie: Actie) -> Kennis:
    return dataclasses.replace(kennis, acties={**kennis.acties, actie.id: actie})


def _gedefinieerd(actie: Actie | None, event: FeedEvent) -> Actie:
    data = event.data
    definitie: dict[str, Any] = {
        "opgave": data["opgave"],
        "titel": data["titel"],
        "portefeuillehouders": tuple(data["portefeuillehouders"]),
        "einddatum": date.fromisoformat(data["einddatum"]),
        "update_interval_dagen": data.get("update_interval_dagen") or 30,
    }
    if actie is None:
        return Actie(id=event.stream_id, geregistreerd_at=event.time, **definitie)
    return dataclasses.replace(actie, **definitie)


def _gemeld(actie: Actie, event: FeedEvent) -> Actie:
    data = event.data
    match event.event_type:
        case "VoortgangGemeld":
            return dataclasses.replace(_cijfers(actie, data), melding_id=event.id, gemeld_at=event.time)
        case "VoortgangGeimporteerd":  # history: its day is the peildatum, and no rule alerts on it
            gemeld_at = datetime.combine(date.fromisoformat(data["peildatum"]), time(12), AMSTERDAM)
            return dataclasses.replace(_cijfers(actie, data), melding_id=event.id, gemeld_at=gemeld_at)
        case "VoortgangGecorrigeerd" if data["corrigeert"] == actie.melding_id:
            return _cijfers(actie, data)
        case "ActieHeropend":
            return dataclasses.replace(actie, status="op_koers")
    return actie


def _cijfers(actie: Actie, data: dict[str, Any]) -> Actie:
    verwacht = data.get("verwachte_einddatum")
    verwachte_einddatum = date.fromisoformat(verwacht) if verwacht else None
    return dataclasses.replace(
        actie, status=data["status"], voortgang=data["voortgang"], verwachte_einddatum=verwachte_einddatum
    )
