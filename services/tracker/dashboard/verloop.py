"""Progress over time, from the per-day read model: one row per stream per day something was recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select

from tracker.domain import ActieState, OpgaveState, stream_of
from tracker.projections import parse_state
from tracker.tables import STATE_HISTORY
from tracker.voortgang import opgave_view

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from tracker.reads import Moment


@dataclass(frozen=True, slots=True)
class Punt:
    dag: date
    voortgang: float


def _dagstanden(engine: Engine, actie_ids: list[str], tot: date | None) -> list[tuple[date, ActieState]]:
    streams = [stream_of("actie", a) for a in actie_ids]
    query = select(STATE_HISTORY.c.dag, STATE_HISTORY.c.state).where(STATE_HISTORY.c.stream.in_(streams))
    if tot is not None:
        query = query.where(STATE_HISTORY.c.dag <= tot)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(STATE_HISTORY.c.dag))
        return [(row.dag, parse_state("actie", row.state)) for row in rows]  # type: ignore[misc]


def actie_verloop(engine: Engine, actie_id: str, when: Moment) -> list[Punt]:
    """The actie's voortgang at the end of every day on which something was recorded."""
    return [
        Punt(dag, state.melding.voortgang if state.melding else 0)
        for dag, state in _dagstanden(engine, [actie_id], when.peildatum)
    ]


def opgave_verloop(engine: Engine, opgave: OpgaveState, actie_ids: list[str], when: Moment) -> list[Punt]:
    """The opgave's weighted progress at the end of every day on which one of its acties changed."""
    laatst: dict[str, ActieState] = {}
    punten: dict[date, float] = {}
    for dag, state in _dagstanden(engine, actie_ids, when.peildatum):
        laatst[state.definitie.id] = state
        punten[dag] = opgave_view(opgave, list(laatst.values()), when.at).gewogen_voortgang
    return [Punt(dag, waarde) for dag, waarde in punten.items()]
