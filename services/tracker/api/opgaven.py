"""Opgaven with their progress, and the portefeuillehouders."""

from __future__ import annotations

from fastapi import APIRouter

from koers.problems import ProblemError, problems
from tracker import reads
from tracker.api.deps import Peildatum, ReaderDep, TrackerDep
from tracker.events import PortefeuillehouderDefinitie
from tracker.voortgang import OpgaveView

router = APIRouter(tags=["opgaven"])


@router.get("/opgaven", responses=problems(400, 401, 403, 404))
def list_opgaven(tracker: TrackerDep, _: ReaderDep, peildatum: Peildatum = None) -> list[OpgaveView]:
    """De opgaven van de strategische agenda met hun voortgang."""
    return reads.opgave_views(tracker.engine, reads.moment(tracker.engine, peildatum, tracker.clock()))


@router.get("/opgaven/{opgave_id}", responses=problems(400, 401, 403, 404))
def get_opgave(tracker: TrackerDep, _: ReaderDep, opgave_id: str, peildatum: Peildatum = None) -> OpgaveView:
    """Eén opgave: aantallen per status, gewogen voortgang en de acties die aandacht vragen."""
    views = reads.opgave_views(tracker.engine, reads.moment(tracker.engine, peildatum, tracker.clock()))
    for view in views:
        if view.id == opgave_id:
            return view
    raise ProblemError(404, f"Er is geen opgave '{opgave_id}'.")


@router.get("/portefeuillehouders", responses=problems(401, 403))
def list_portefeuillehouders(tracker: TrackerDep, _: ReaderDep) -> list[PortefeuillehouderDefinitie]:
    """De portefeuillehouders die de agenda noemt."""
    when = reads.moment(tracker.engine, None, tracker.clock())
    return [p.definitie for p in reads.portefeuillehouders(tracker.engine, when)]
