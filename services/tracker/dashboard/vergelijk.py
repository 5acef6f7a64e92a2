"""Compare two peildata: per opgave and actie, what moved between, say, the Zomernota and the Burap."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from tracker.dashboard.pagina import PaginaFout, moment, render, tracker_of
from tracker.dashboard.sessie import LezerDep
from tracker.dashboard.stand import Stand, stand
from tracker.dashboard.statussen import getoonde_status
from tracker.voortgang import ActieView, OpgaveView

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class ActieVerschil:
    van: ActieView | None
    tot: ActieView

    @property
    def nieuwe_correcties(self) -> int:
        return self.tot.correcties - (self.van.correcties if self.van else 0)

    @property
    def veranderd(self) -> bool:
        if self.van is None:
            return True
        van, tot = self.van, self.tot
        return (getoonde_status(van), van.voortgang, van.verwachte_einddatum, van.kpi_waarde) != (
            getoonde_status(tot),
            tot.voortgang,
            tot.verwachte_einddatum,
            tot.kpi_waarde,
        ) or self.nieuwe_correcties > 0


@dataclass(frozen=True, slots=True)
class OpgaveVerschil:
    van: OpgaveView | None
    tot: OpgaveView
    acties: list[ActieVerschil]

    @property
    def voortgang_delta(self) -> float:
        return round(self.tot.gewogen_voortgang - (self.van.gewogen_voortgang if self.van else 0), 1)


def verschillen(van: Stand, tot: Stand) -> list[OpgaveVerschil]:
    """Every opgave of `tot`, with only the acties that changed."""
    eerder = {a.id: a for a in van.acties}
    return [
        OpgaveVerschil(
            van.opgave(o.id),
            o,
            [v for a in tot.acties_van(o.id) if (v := ActieVerschil(eerder.get(a.id), a)).veranderd],
        )
        for o in tot.opgaven
    ]


@router.get("/vergelijk")
def vergelijk(request: Request, _: LezerDep, van: str | None = None, tot: str | None = None) -> HTMLResponse:
    """Twee peildata naast elkaar."""
    if not van or not tot:
        return render(request, "vergelijk.html", van=van, tot=tot, opgaven=None)
    begin, eind = moment(request, van, "van-datum"), moment(request, tot, "tot-datum")
    assert begin.peildatum and eind.peildatum
    if begin.peildatum > eind.peildatum:
        raise PaginaFout(400, "Ongeldige vergelijking", "De van-datum moet voor de tot-datum liggen.")
    engine = tracker_of(request).engine
    return render(
        request,
        "vergelijk.html",
        van=begin.peildatum,
        tot=eind.peildatum,
        opgaven=verschillen(stand(engine, begin), stand(engine, eind)),
    )
