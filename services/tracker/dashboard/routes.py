"""The dashboard's pages: overview, opgave, actie and portefeuillehouder, now or at a peildatum."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from tracker import reads
from tracker.dashboard import charts, statussen, verloop
from tracker.dashboard.pagina import PaginaFout, moment, render, tracker_of
from tracker.dashboard.sessie import LezerDep
from tracker.dashboard.stand import stand
from tracker.dashboard.tijdlijn import tijdlijn

router = APIRouter(include_in_schema=False)
GESCHIEDENIS_KORT = 50  # the newest entries; a long history is one link away


def _niet_gevonden(soort: str, id_: str, peildatum: object) -> PaginaFout:
    op = " op deze peildatum" if peildatum else ""
    return PaginaFout(404, f"{soort} niet gevonden", f"Er is geen {soort.lower()} '{id_}'{op}.")


@router.get("/")
def overzicht(request: Request, _: LezerDep, peildatum: str | None = None) -> HTMLResponse:
    """De opgaven in één oogopslag."""
    when = moment(request, peildatum)
    nu = stand(tracker_of(request).engine, when)
    verdeling = statussen.verdeling(nu.acties)
    return render(
        request,
        "overzicht.html",
        peildatum=when.peildatum,
        stand=nu,
        verdeling=verdeling,
        grafiek=charts.status_verdeling(verdeling, "Alle acties per status", "verdeling"),
    )


@router.get("/opgaven/{opgave_id}")
def opgave(
    request: Request,
    _: LezerDep,
    opgave_id: str,
    peildatum: str | None = None,
    status: str | None = None,
    portefeuillehouder: str | None = None,
) -> HTMLResponse:
    """Eén opgave: voortgang, verloop en haar acties."""
    when = moment(request, peildatum)
    engine = tracker_of(request).engine
    nu = stand(engine, when)
    view = nu.opgave(opgave_id)
    state = next((o for o in reads.opgaven(engine, when) if o.definitie.id == opgave_id), None)
    if view is None or state is None:
        raise _niet_gevonden("Opgave", opgave_id, when.peildatum)
    eigen = nu.acties_van(opgave_id)
    punten = verloop.opgave_verloop(engine, state, [a.id for a in eigen], when)
    return render(
        request,
        "opgave.html",
        peildatum=when.peildatum,
        stand=nu,
        opgave=view,
        acties=statussen.gefilterd(eigen, status, portefeuillehouder),
        punten=punten,
        filter={"status": status, "portefeuillehouder": portefeuillehouder},
        verdeling=charts.status_verdeling(statussen.verdeling(eigen), "Acties per status", "verdeling"),
        verloop=punten and charts.voortgang_grafiek(punten, "Voortgang van de opgave", "verloop"),
    )


@router.get("/acties/{actie_id}")
def actie(
    request: Request,
    _: LezerDep,
    actie_id: str,
    peildatum: str | None = None,
    geschiedenis: str | None = None,
) -> HTMLResponse:
    """Eén actie: stand, toezegging en herplanning, verloop en geschiedenis."""
    when = moment(request, peildatum)
    tracker = tracker_of(request)
    nu = stand(tracker.engine, when)
    view = next((a for a in nu.acties if a.id == actie_id), None)
    if view is None:
        raise _niet_gevonden("Actie", actie_id, when.peildatum)
    punten = verloop.actie_verloop(tracker.engine, actie_id, when)
    lengte = None if geschiedenis == "alles" else GESCHIEDENIS_KORT
    return render(
        request,
        "actie.html",
        peildatum=when.peildatum,
        stand=nu,
        actie=view,
        punten=punten,
        tijdlijn=tijdlijn(tracker.store, view, actie_id in nu.later_gecorrigeerd, lengte),
        verloop=punten and charts.voortgang_grafiek(punten, "Voortgang van de actie", "verloop"),
    )


@router.get("/portefeuillehouders/{holder_id}")
def portefeuillehouder(
    request: Request, _: LezerDep, holder_id: str, peildatum: str | None = None, status: str | None = None
) -> HTMLResponse:
    """De acties in de portefeuille van één wethouder."""
    when = moment(request, peildatum)
    nu = stand(tracker_of(request).engine, when)
    if holder_id not in nu.namen:
        raise _niet_gevonden("Portefeuillehouder", holder_id, when.peildatum)
    eigen = statussen.gefilterd(nu.acties, None, holder_id)
    return render(
        request,
        "portefeuillehouder.html",
        peildatum=when.peildatum,
        stand=nu,
        holder_id=holder_id,
        naam=nu.namen[holder_id],
        acties=statussen.gefilterd(eigen, status, None),
        filter={"status": status},
        verdeling=charts.status_verdeling(statussen.verdeling(eigen), "Acties per status", "verdeling"),
    )
