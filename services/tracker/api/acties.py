"""Acties: their state now or at a peildatum, and their history."""

from __future__ import annotations

from fastapi import APIRouter, Response

from koers.problems import ProblemError, problems
from tracker import reads
from tracker.api.deps import Peildatum, ReaderDep, TrackerDep
from tracker.api.models import RecordedEvent, recorded_event
from tracker.domain import stream_of
from tracker.events import Status
from tracker.voortgang import ActieView, actie_view

router = APIRouter(tags=["acties"])


@router.get("/acties", responses=problems(400, 401, 403, 404))
def list_acties(
    tracker: TrackerDep,
    _: ReaderDep,
    opgave: str | None = None,
    status: Status | None = None,
    portefeuillehouder: str | None = None,
    peildatum: Peildatum = None,
) -> list[ActieView]:
    """Acties met hun stand, te filteren op opgave, status en portefeuillehouder."""
    views = reads.actie_views(tracker.engine, reads.moment(tracker.engine, peildatum, tracker.clock()))
    return [
        v
        for v in views
        if (opgave in (None, v.opgave))
        and (status in (None, v.status))
        and (portefeuillehouder is None or portefeuillehouder in v.portefeuillehouders)
    ]


@router.get("/acties/{actie_id}", responses=problems(400, 401, 403, 404))
def get_actie(
    tracker: TrackerDep, _: ReaderDep, actie_id: str, response: Response, peildatum: Peildatum = None
) -> ActieView:
    """De stand van één actie; de ETag is haar versie."""
    when = reads.moment(tracker.engine, peildatum, tracker.clock())
    actie = reads.actie(tracker.engine, actie_id, when)
    if actie is None:
        raise ProblemError(
            404, f"Er is geen actie '{actie_id}'" + (" op die peildatum." if peildatum else ".")
        )
    response.headers["ETag"] = f'"{actie.version}"'
    return actie_view(actie, when.at)


@router.get("/acties/{actie_id}/events", responses=problems(401, 403, 404))
def list_actie_events(tracker: TrackerDep, _: ReaderDep, actie_id: str) -> list[RecordedEvent]:
    """De hele geschiedenis van een actie, oudste eerst."""
    history = tracker.store.read_stream(stream_of("actie", actie_id))
    if not history:
        raise ProblemError(404, f"Er is geen actie '{actie_id}'.")
    return [recorded_event(r) for r in history]


@router.get("/acties/{actie_id}/events/{event_id}", responses=problems(401, 403, 404))
def get_actie_event(tracker: TrackerDep, _: ReaderDep, actie_id: str, event_id: str) -> RecordedEvent:
    """Eén vastgelegde gebeurtenis van een actie."""
    rec = tracker.store.get(event_id)
    if rec is None or rec.stream != stream_of("actie", actie_id):
        raise ProblemError(404, f"Actie '{actie_id}' heeft geen gebeurtenis {event_id}.")
    return recorded_event(rec)
