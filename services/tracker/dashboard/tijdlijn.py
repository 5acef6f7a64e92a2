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
    VoortgangGeimporteerd,
    VoortgangGemeld,
)

if TYPE_CHECKING:
    from tracker.events import Recorded
    from tracker.store import EventStore
    from tracker.voortgang import ActieView

SOORTEN = {
    ActieGeregistreerd: "Opgenomen in de agenda",
    ActieGewijzigd: "Gewijzigd in de agenda",
    VoortgangGemeld: "Voortgang gemeld",
    VoortgangGeimporteerd: "Voortgang uit eerdere rapportage",
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
    """Corrections recorded after the peildatum of updates the page does show."""
    meer: bool
    """Older entries exist beyond the ones shown."""


def tijdlijn(store: EventStore, actie: ActieView, later_gecorrigeerd: bool, lengte: int | None) -> Tijdlijn:
    """The newest `lengte` entries up to the actie's shown version (all when None), newest first.

    A correction always comes after what it corrects, so the shown entries hold every correction of
    each other; those recorded after the peildatum are only looked up when the actie has any.
    """
    stream = stream_of("actie", actie.id)
    eerste = 1 if lengte is None else max(1, actie.version - lengte + 1)
    zichtbaar = store.read_stream(stream, eerste, actie.version)
    later = store.read_stream(stream, actie.version + 1) if later_gecorrigeerd else []
    correcties: dict[str, list[Recorded]] = {}
    for rec in zichtbaar + later:
        if isinstance(rec.event, VoortgangGecorrigeerd):
            correcties.setdefault(rec.event.corrigeert, []).append(rec)
    regels = [Regel(r, SOORTEN[type(r.event)], correcties.get(r.event_id, [])) for r in zichtbaar]
    getoond = {r.event_id for r in zichtbaar}
    na = [c for c in later if isinstance(c.event, VoortgangGecorrigeerd) and c.event.corrigeert in getoond]
    return Tijdlijn(regels[::-1], na, eerste > 1)
