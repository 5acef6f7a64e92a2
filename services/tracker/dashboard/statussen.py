"""How a status reads on a page: a Dutch label, an icon and a colour class — never colour alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tracker.events import Status

if TYPE_CHECKING:
    from tracker.voortgang import ActieView

VEROUDERD = "verouderd"


@dataclass(frozen=True, slots=True)
class Weergave:
    code: str
    label: str
    icoon: str


STATUSSEN = (
    Weergave(Status.niet_gestart.value, "Niet gestart", "○"),
    Weergave(Status.op_koers.value, "Op koers", "✓"),
    Weergave(Status.risico.value, "Risico", "!"),
    Weergave(Status.vertraagd.value, "Vertraagd", "✕"),
    Weergave(Status.afgerond.value, "Afgerond", "■"),
    Weergave(Status.gestopt.value, "Gestopt", "–"),
    Weergave(VEROUDERD, "Verouderd", "?"),
)
_PER_CODE = {w.code: w for w in STATUSSEN}
FILTER_CODES = frozenset(_PER_CODE)


def status_van(code: str) -> Weergave:
    return _PER_CODE[str(code)]


def getoonde_status(actie: ActieView) -> str:
    """A stale actie shows as verouderd, its last reported status beside it but never as the state."""
    return VEROUDERD if actie.verouderd else actie.status.value


def past_bij(actie: ActieView, status: str | None) -> bool:
    """A stale actie matches verouderd and its last status, except op koers: stale is never green."""
    if not status or status == getoonde_status(actie):
        return True
    return status == actie.status.value != Status.op_koers.value


def gefilterd(acties: list[ActieView], status: str | None, portefeuillehouder: str | None) -> list[ActieView]:
    return [
        a for a in acties if past_bij(a, status) and portefeuillehouder in (None, "", *a.portefeuillehouders)
    ]


def verdeling(acties: list[ActieView]) -> list[tuple[Weergave, int]]:
    """How many acties show each state; a stale actie counts once, as verouderd."""
    getoond = [getoonde_status(a) for a in acties]
    return [(w, getoond.count(w.code)) for w in STATUSSEN]
