"""What a page shows at one moment, loaded once: opgaven, acties, names, and what was corrected since."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tracker import reads
from tracker.voortgang import ActieView, OpgaveView, actie_view, opgave_view

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from tracker.reads import Moment


@dataclass(frozen=True, slots=True)
class Stand:
    opgaven: list[OpgaveView]
    acties: list[ActieView]
    namen: dict[str, str]
    """Portefeuillehouder id -> naam."""
    later_gecorrigeerd: frozenset[str]
    """Acties with corrections recorded after the peildatum (empty without one)."""

    def opgave(self, opgave_id: str) -> OpgaveView | None:
        return next((o for o in self.opgaven if o.id == opgave_id), None)

    def acties_van(self, opgave_id: str) -> list[ActieView]:
        return [a for a in self.acties if a.opgave == opgave_id]

    @property
    def titels(self) -> dict[str, str]:
        return {o.id: o.titel for o in self.opgaven}


def stand(engine: Engine, when: Moment) -> Stand:
    acties = reads.acties(engine, when)
    holders = reads.portefeuillehouders(engine, when)
    return Stand(
        opgaven=[opgave_view(o, acties, when.at) for o in reads.opgaven(engine, when)],
        acties=sorted((actie_view(a, when.at) for a in acties), key=lambda a: a.titel),
        namen={p.definitie.id: p.definitie.naam for p in holders},
        later_gecorrigeerd=_later_gecorrigeerd(engine, when, {a.definitie.id: a.correcties for a in acties}),
    )


def _later_gecorrigeerd(engine: Engine, when: Moment, toen: dict[str, int]) -> frozenset[str]:
    if when.peildatum is None:
        return frozenset()
    nu = reads.acties(engine, reads.Moment(None, when.now))
    return frozenset(a.definitie.id for a in nu if a.correcties > toen.get(a.definitie.id, a.correcties))
