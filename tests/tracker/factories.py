"""Small factories for tracker tests: definitions, recorded events, an app client with its lifespan."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from tracker.events import ActieDefinitie, Event, Kpi, Recorded

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def actie_definitie(actie_id: str = "wilderinkshoek", **changes: Any) -> ActieDefinitie:
    fields: dict[str, Any] = {
        "id": actie_id,
        "opgave": "duurzame-inrichting",
        "titel": "Uitvoeringsplan Wilderinkshoek",
        "omschrijving": "Deze zijn voor de Wilderinkshoek (5.300 woningen)",
        "portefeuillehouders": ("annemieke-traag",),
        "programmalijn": "Duurzaamheid",
        "kpi": Kpi(omschrijving="woningen", eenheid="woningen", doel=5300),
        "einddatum": date(2026, 12, 31),
    }
    return ActieDefinitie(**(fields | changes))


def recorded(event: Event, version: int, at: datetime = T0, stream: str = "actie/wilderinkshoek") -> Recorded:
    return Recorded(
        position=version,
        event_id=str(uuid.uuid4()),
        stream=stream,
        version=version,
        recorded_at=at,
        event=event,
        metadata={},
    )


RISICO = {
    "status": "risico",
    "voortgang": 35,
    "oorzaak": "Het subsidiebesluit is laat",
    "gevolg": "De start schuift drie maanden",
    "bijsturing": "Overleg met de provincie",
}


def new_store(url: str, clock: Any = None) -> Any:
    from koers.db import make_engine
    from tracker.store import EventStore

    return EventStore(make_engine(url), clock) if clock else EventStore(make_engine(url))


def register_actie(store: Any, actie_id: str = "wilderinkshoek", **changes: Any) -> list[Recorded]:
    from tracker import writes
    from tracker.domain import registreer

    definitie = actie_definitie(actie_id, **changes)
    return writes.execute(store, f"actie/{actie_id}", lambda s: registreer(s, definitie), {"actor": "test"})


def report(store: Any, actie_id: str = "wilderinkshoek", **fields: Any) -> list[Recorded]:
    from tracker import writes
    from tracker.domain import MeldVoortgang, meld

    cmd = MeldVoortgang(**({"status": "op_koers", "voortgang": 10} | fields))
    return writes.execute(store, f"actie/{actie_id}", lambda s: meld(s, cmd), {"actor": "test"})
