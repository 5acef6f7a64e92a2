"""Small factories for feed events and knowledge, shaped as docs/events.md describes them."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, date, datetime
from typing import Any

from pydantic import TypeAdapter

from notifier.feed import FeedEvent, FeedPage
from notifier.kennis import Actie, Kennis, Opgave

EVENT = TypeAdapter(FeedEvent)  # as a page's events are read: unknown envelope attributes ignored

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def feed_event(
    event_type: str, subject: str, data: dict[str, Any], at: datetime = T0, **extra: Any
) -> FeedEvent:
    return EVENT.validate_python(
        {
            "specversion": "1.0",
            "id": str(uuid.uuid4()),
            "source": "http://tracker/api/v1",
            "type": f"nl.koersmonitor.{event_type}",
            "subject": subject,
            "time": at.isoformat(),
            "datacontenttype": "application/json",
            "dataschemaversion": "1",
            "position": 1,
            "version": 1,
            "data": data,
            **extra,
        }
    )


def melding(status: str = "op_koers", voortgang: int = 10, **velden: Any) -> dict[str, Any]:
    zorg = (
        {"oorzaak": "Bezwaar", "gevolg": "Later klaar", "bijsturing": "Extra overleg"}
        if status in ("risico", "vertraagd")
        else {}
    )
    return {"status": status, "voortgang": voortgang, "toelichting": "Stand van zaken", **zorg, **velden}


def actie(id: str = "wilderinkshoek", **velden: Any) -> Actie:
    waarden: dict[str, Any] = {
        "opgave": "duurzame-inrichting",
        "titel": "Uitvoeringsplan Wilderinkshoek",
        "portefeuillehouders": ("annemieke-traag",),
        "einddatum": date(2026, 12, 31),
        "update_interval_dagen": 30,
        "geregistreerd_at": T0,
    }
    return Actie(id=id, **{**waarden, **velden})


def kennis(*acties: Actie, opgaven: tuple[Opgave, ...] = ()) -> Kennis:
    alle = (Opgave("duurzame-inrichting", "Duurzame inrichting", False), *opgaven)
    return Kennis({"annemieke-traag": "Annemieke Traag"}, {o.id: o for o in alle}, {a.id: a for a in acties})


def catalogue_page(*extra: FeedEvent) -> FeedPage:
    """Traag, her opgave and Wilderinkshoek registered, then `extra`, on positions 1, 2, …."""
    events = [
        feed_event(
            "PortefeuillehouderGeregistreerd",
            "portefeuillehouder/annemieke-traag",
            {"id": "annemieke-traag", "naam": "Annemieke Traag"},
        ),
        feed_event(
            "OpgaveGeregistreerd",
            "opgave/duurzame-inrichting",
            {
                "id": "duurzame-inrichting",
                "nummer": 3,
                "titel": "Duurzame inrichting",
                "dwarsthema": False,
                "coordinerend": None,
                "programmalijnen": [],
            },
        ),
        feed_event(
            "ActieGeregistreerd",
            "actie/wilderinkshoek",
            {
                "id": "wilderinkshoek",
                "opgave": "duurzame-inrichting",
                "titel": "Uitvoeringsplan Wilderinkshoek",
                "omschrijving": "5.300 woningen",
                "portefeuillehouders": ["annemieke-traag"],
                "programmalijn": None,
                "kpi": None,
                "begrotingscode": None,
                "einddatum": "2026-12-31",
                "update_interval_dagen": 30,
            },
        ),
        *extra,
    ]
    return page(events)


def page(events: list[FeedEvent]) -> FeedPage:
    placed = [dataclasses.replace(e, position=i + 1) for i, e in enumerate(events)]
    return FeedPage(events=placed, last_position=len(placed))
