"""Stel uw rapportage zelf samen: the acties of the chosen opgaven as a printable table and as CSV."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from tracker.dashboard import statussen
from tracker.dashboard.csvbestand import csv_tekst
from tracker.dashboard.notatie import getal
from tracker.dashboard.pagina import SECURITY_HEADERS, moment, render, tracker_of
from tracker.dashboard.sessie import LezerDep
from tracker.dashboard.stand import Stand, stand
from tracker.projections import dag_of
from tracker.reads import Moment
from tracker.voortgang import ActieView

router = APIRouter(include_in_schema=False)
Opgaven = Annotated[list[str] | None, Query()]
Waarde = Callable[[ActieView, Stand], object]


def _status(a: ActieView, _: Stand) -> str:
    laatst = statussen.status_van(a.status).label
    return f"Verouderd (laatst gemeld: {laatst})" if a.verouderd else laatst


def _kpi(a: ActieView, _: Stand) -> str:
    if a.kpi is None:
        return ""
    gemeten = getal(a.kpi_waarde) if a.kpi_waarde is not None else "nog niet gemeten"
    return f"{gemeten} van {getal(a.kpi.doel)} {a.kpi.eenheid}"


# One list of columns for the page and the CSV, so both always show the same rows.
KOLOMMEN: tuple[tuple[str, Waarde], ...] = (
    ("Opgave", lambda a, s: s.titels.get(a.opgave, a.opgave)),
    ("Actie", lambda a, _: a.titel),
    ("Status", _status),
    ("Voortgang (%)", lambda a, _: a.voortgang),
    ("KPI", _kpi),
    ("Oorspronkelijke einddatum", lambda a, _: a.oorspronkelijke_einddatum.isoformat()),
    ("Verwachte einddatum", lambda a, _: a.verwachte_einddatum.isoformat() if a.verwachte_einddatum else ""),
    ("Slip (dagen)", lambda a, _: a.slip_dagen),
    ("Laatste melding", lambda a, _: dag_of(a.laatst_gemeld_at).isoformat() if a.laatst_gemeld_at else ""),
    ("Portefeuillehouders", lambda a, s: ", ".join(s.namen.get(p, p) for p in a.portefeuillehouders)),
    ("Correcties", lambda a, _: a.correcties),
)


def rijen(nu: Stand, opgaven: list[str], status: str | None, holder: str | None) -> list[list[object]]:
    gekozen = [a for a in nu.acties if not opgaven or a.opgave in opgaven]
    volgorde = {o.id: o.nummer for o in nu.opgaven}
    acties = sorted(
        statussen.gefilterd(gekozen, status, holder), key=lambda a: (volgorde.get(a.opgave, 0), a.titel)
    )
    return [[waarde(a, nu) for _, waarde in KOLOMMEN] for a in acties]


@dataclass(frozen=True)
class Rapport:
    """The chosen report: the same rows on the page and in the CSV, so they cannot differ."""

    when: Moment
    stand: Stand
    gekozen: list[str]
    status: str | None
    portefeuillehouder: str | None

    @property
    def tabel(self) -> list[list[object]]:
        return rijen(self.stand, self.gekozen, self.status, self.portefeuillehouder)


def rapport(
    request: Request,
    _: LezerDep,
    opgave: Opgaven = None,
    status: str | None = None,
    portefeuillehouder: str | None = None,
    peildatum: str | None = None,
) -> Rapport:
    when = moment(request, peildatum)
    return Rapport(when, stand(tracker_of(request).engine, when), opgave or [], status, portefeuillehouder)


RapportDep = Annotated[Rapport, Depends(rapport)]


@router.get("/rapportage")
def rapportage(request: Request, r: RapportDep) -> HTMLResponse:
    """De zelf samengestelde rapportage."""
    return render(
        request,
        "rapportage.html",
        peildatum=r.when.peildatum,
        stand=r.stand,
        gekozen=r.gekozen,
        filter={"status": r.status, "portefeuillehouder": r.portefeuillehouder},
        kop=[k for k, _ in KOLOMMEN],
        rijen=r.tabel,
        csv_query=request.url.query,
    )


@router.get("/rapportage.csv")
def rapportage_csv(r: RapportDep) -> Response:
    """Dezelfde rapportage als CSV."""
    naam = f"rapportage-{r.when.peildatum or r.when.now.date()}.csv"
    return Response(
        csv_tekst([k for k, _ in KOLOMMEN], r.tabel),
        media_type="text/csv; charset=utf-8",
        headers={**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{naam}"'},
    )
