"""An actie's history as the council reads it: every update and correction, and which came later."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tracker.domain import stream_of
from tracker.events import (
    ActieGeregistreerd,
    ActieGewijzigd,
    ActieHeropend,
    Melding,
    VoortgangGecorrigeerd,
    VoortgangGemeld,
)

if TYPE_CHECKING:
    from tracker.events import Recorded
    from tracker.reads import Moment
    from tracker.store import EventStore

SOORTEN = {
    ActieGeregistreerd: "Opgenomen in de agenda",
    ActieGewijzigd: "Gewijzigd in de agenda",
    VoortgangGemeld: "Voortgang gemeld",
    VoortgangGecorrigeerd: "Correctie",
    ActieHeropend: "Heropend",
}


@dataclass(frozen=True, slots=True)
class Regel:
    rec: Recorded
    soort: str
    gecorrigeerd_door: list[Recorded] = field(default_factory=list)

    @property
    def melding(self) -> Melding | None:
        return self.rec.event if isinstance(self.rec.event, Melding) else None


@dataclass(frozen=True, slots=True)
class Tijdlijn:
    regels: list[Regel]
    later_gecorrigeerd: list[Recorded]
    """Corrections recorded after the peildatum of updates the peildatum does show."""


def tijdlijn(store: EventStore, actie_id: str, when: Moment) -> Tijdlijn:
    """Newest first; at a peildatum only what was recorded by then, plus the later corrections of it."""
    history = store.read_stream(stream_of("actie", actie_id))
    zichtbaar = [r for r in history if r.recorded_at < when.at or when.peildatum is None]
    correcties: dict[str, list[Recorded]] = {}
    for rec in history:
        if isinstance(rec.event, VoortgangGecorrigeerd):
            correcties.setdefault(rec.event.corrigeert, []).append(rec)
    regels = [Regel(r, SOORTEN[type(r.event)], correcties.get(r.event_id, [])) for r in zichtbaar]
    later = [c for r in zichtbaar for c in correcties.get(r.event_id, []) if c.recorded_at >= when.at]
    return Tijdlijn(regels[::-1], later if when.peildatum else [])
