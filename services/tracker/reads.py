"""The read side: views of acties and opgaven, now or at a peildatum (end of that day, Amsterdam time)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, cast

from koers.problems import ProblemError
from tracker import projections
from tracker.domain import ActieState, OpgaveState, PortefeuillehouderState, stream_of
from tracker.projections import dag_of, end_of
from tracker.voortgang import ActieView, OpgaveView, actie_view, opgave_view

if TYPE_CHECKING:
    from sqlalchemy import Engine


@dataclass(frozen=True, slots=True)
class Moment:
    """Which state to show: the current one, or the one recorded by the end of a peildatum."""

    peildatum: date | None
    now: datetime

    @property
    def at(self) -> datetime:
        """The instant staleness is judged at."""
        return end_of(self.peildatum) if self.peildatum else self.now


def moment(engine: Engine, peildatum: date | None, now: datetime) -> Moment:
    """Check a peildatum against what the log can answer: not in the future, not before the first event."""
    if peildatum is None:
        return Moment(None, now)
    if peildatum > dag_of(now):
        raise ProblemError(
            400,
            f"De peildatum {peildatum.isoformat()} ligt in de toekomst.",
            title="Peildatum in de toekomst",
        )
    first = projections.first_dag(engine)
    if first is None or peildatum < first:
        since = f"; de eerste gegevens zijn van {first.isoformat()}" if first else ""
        raise ProblemError(
            404,
            f"Op {peildatum.isoformat()} was nog niets vastgelegd{since}.",
            title="Geen gegevens op deze peildatum",
        )
    return Moment(peildatum, now)


def _states(engine: Engine, kind: str, when: Moment) -> list[object]:
    if when.peildatum is None:
        return list(projections.current(engine, kind))
    return list(projections.as_of(engine, kind, when.peildatum))


def _one(engine: Engine, stream: str, when: Moment) -> object | None:
    if when.peildatum is None:
        return projections.current_one(engine, stream)
    return projections.as_of_one(engine, stream, when.peildatum)


def acties(engine: Engine, when: Moment) -> list[ActieState]:
    return sorted(cast("list[ActieState]", _states(engine, "actie", when)), key=lambda a: a.definitie.id)


def actie(engine: Engine, actie_id: str, when: Moment) -> ActieState | None:
    return cast("ActieState | None", _one(engine, stream_of("actie", actie_id), when))


def opgaven(engine: Engine, when: Moment) -> list[OpgaveState]:
    states = cast("list[OpgaveState]", _states(engine, "opgave", when))
    return sorted(states, key=lambda o: o.definitie.nummer)


def portefeuillehouders(engine: Engine, when: Moment) -> list[PortefeuillehouderState]:
    states = cast("list[PortefeuillehouderState]", _states(engine, "portefeuillehouder", when))
    return sorted(states, key=lambda p: p.definitie.naam)


def actie_views(engine: Engine, when: Moment) -> list[ActieView]:
    return [actie_view(a, when.at) for a in acties(engine, when)]


def opgave_views(engine: Engine, when: Moment) -> list[OpgaveView]:
    alle = acties(engine, when)
    return [opgave_view(o, alle, when.at) for o in opgaven(engine, when)]
