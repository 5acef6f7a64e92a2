"""Open data for active disclosure (Woo): every actie's state, now or at a peildatum, as CSV or JSON."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from pydantic import Field

from koers.problems import problems
from tracker import reads
from tracker.api.deps import Peildatum, ReaderDep, TrackerDep
from tracker.dashboard.csvbestand import csv_tekst
from tracker.voortgang import ActieView

router = APIRouter(tags=["open data"])
Formaat = Annotated[Literal["csv", "json"], Query(description="csv of json")]


class ExportActie(ActieView):
    uri: str = Field(description="Stabiele URI van de actie in de API.")
    pagina: str = Field(description="De pagina van de actie op het dashboard.")


def _rijen(tracker: TrackerDep, peildatum: Peildatum) -> list[ExportActie]:
    base = tracker.settings.base_url.rstrip("/")
    views = reads.actie_views(tracker.engine, reads.moment(tracker.engine, peildatum, tracker.clock()))
    return [
        ExportActie(**dict(v), uri=f"{base}/api/v1/acties/{v.id}", pagina=f"{base}/acties/{v.id}")
        for v in views
    ]


def _csv(rijen: list[ExportActie]) -> str:
    kop = list(ExportActie.model_fields)
    data = [[_cel(v) for v in rij.model_dump(mode="json").values()] for rij in rijen]
    return csv_tekst(kop, data)


def _cel(waarde: object) -> object:
    # Nested values (the KPI, the holders) become JSON text in one cell.
    return json.dumps(waarde, ensure_ascii=False) if isinstance(waarde, dict | list) else waarde


@router.get(
    "/export",
    response_model=list[ExportActie],
    responses={**problems(400, 401, 403, 404), 200: {"content": {"text/csv": {}}}},
)
def export(
    tracker: TrackerDep, _: ReaderDep, format: Formaat = "json", peildatum: Peildatum = None
) -> Response:
    """Alle acties met hun stand en stabiele URI, als CSV of JSON (open data)."""
    rijen = _rijen(tracker, peildatum)
    if format == "csv":
        naam = f"koersmonitor-acties-{peildatum or 'actueel'}.csv"
        return Response(
            _csv(rijen),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{naam}"'},
        )
    body = "[" + ",".join(r.model_dump_json() for r in rijen) + "]"
    return Response(body, media_type="application/json")
