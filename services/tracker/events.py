"""The facts the tracker records: frozen event types, one discriminated union. No I/O here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, TypeAdapter

SCHEMA_VERSION = 1
AMSTERDAM = ZoneInfo("Europe/Amsterdam")  # the municipality's calendar: a peildatum is a day in Hengelo


class Status(StrEnum):
    niet_gestart = "niet_gestart"
    op_koers = "op_koers"
    risico = "risico"
    vertraagd = "vertraagd"
    afgerond = "afgerond"
    gestopt = "gestopt"


ZORGELIJK = frozenset({Status.risico, Status.vertraagd})
AFGESLOTEN = frozenset({Status.afgerond, Status.gestopt})


def _iso_text(value: object) -> object:
    # Lax date parsing would take a Unix timestamp too; a date in this API is ISO 8601 text.
    if isinstance(value, date | str):
        return value
    raise ValueError("moet een datum zijn (JJJJ-MM-DD)")


IsoDate = Annotated[date, Field(strict=False), BeforeValidator(_iso_text)]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Kpi(Frozen):
    omschrijving: str
    eenheid: str
    doel: float
    streefdatum: date | None = None


class Programmalijn(Frozen):
    naam: str
    programma: str
    portefeuillehouders: tuple[str, ...]


class PortefeuillehouderDefinitie(Frozen):
    id: str
    naam: str


class OpgaveDefinitie(Frozen):
    id: str
    nummer: int
    titel: str
    dwarsthema: bool
    coordinerend: str | None = None
    programmalijnen: tuple[Programmalijn, ...] = ()


class ActieDefinitie(Frozen):
    id: str
    opgave: str
    titel: str
    omschrijving: str
    portefeuillehouders: tuple[str, ...]
    programmalijn: str | None = None
    kpi: Kpi | None = None
    begrotingscode: str | None = None
    einddatum: date
    update_interval_dagen: int = 30


class Melding(Frozen):
    """What a project lead reports about an actie: the body of a status update."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    status: Annotated[Status, Field(strict=False)] = Field(description="Status van de actie.")
    voortgang: int = Field(ge=0, le=100, description="Voortgang in procenten, 0-100.")
    toelichting: str | None = Field(default=None, max_length=10_000)
    oorzaak: str | None = Field(
        default=None, max_length=10_000, description="Verplicht bij risico/vertraagd."
    )
    gevolg: str | None = Field(default=None, max_length=10_000, description="Verplicht bij risico/vertraagd.")
    bijsturing: str | None = Field(
        default=None, max_length=10_000, description="Verplicht bij risico/vertraagd."
    )
    kpi_waarde: float | None = Field(
        default=None, allow_inf_nan=False, description="Gemeten KPI-waarde, alleen bij een KPI-doel."
    )
    verwachte_einddatum: IsoDate | None = Field(
        default=None, description="Verwachte einddatum (ISO 8601-datum)."
    )


class PortefeuillehouderGeregistreerd(PortefeuillehouderDefinitie):
    type: Literal["PortefeuillehouderGeregistreerd"] = "PortefeuillehouderGeregistreerd"


class PortefeuillehouderGewijzigd(PortefeuillehouderDefinitie):
    type: Literal["PortefeuillehouderGewijzigd"] = "PortefeuillehouderGewijzigd"


class OpgaveGeregistreerd(OpgaveDefinitie):
    type: Literal["OpgaveGeregistreerd"] = "OpgaveGeregistreerd"


class OpgaveGewijzigd(OpgaveDefinitie):
    type: Literal["OpgaveGewijzigd"] = "OpgaveGewijzigd"


class ActieGeregistreerd(ActieDefinitie):
    type: Literal["ActieGeregistreerd"] = "ActieGeregistreerd"


class ActieGewijzigd(ActieDefinitie):
    """The catalogue changed the actie: a new holder after elections, a new target or end date."""

    type: Literal["ActieGewijzigd"] = "ActieGewijzigd"


class VoortgangGemeld(Melding):
    type: Literal["VoortgangGemeld"] = "VoortgangGemeld"


class VoortgangGeimporteerd(Melding):
    """An update from a report made before the tracker was used (a Burap spreadsheet), dated by it."""

    type: Literal["VoortgangGeimporteerd"] = "VoortgangGeimporteerd"
    peildatum: IsoDate
    bron: str


class VoortgangGecorrigeerd(Melding):
    """Replaces the figures of an earlier VoortgangGemeld; the original stays in the log."""

    type: Literal["VoortgangGecorrigeerd"] = "VoortgangGecorrigeerd"
    corrigeert: str
    reden: str


class ActieHeropend(Frozen):
    type: Literal["ActieHeropend"] = "ActieHeropend"
    reden: str


Event = Annotated[
    PortefeuillehouderGeregistreerd
    | PortefeuillehouderGewijzigd
    | OpgaveGeregistreerd
    | OpgaveGewijzigd
    | ActieGeregistreerd
    | ActieGewijzigd
    | VoortgangGemeld
    | VoortgangGeimporteerd
    | VoortgangGecorrigeerd
    | ActieHeropend,
    Field(discriminator="type"),
]

EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)
EVENT_TYPES = frozenset(t.__name__ for t in Event.__origin__.__args__)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Recorded:
    """An event as the log holds it: the fact plus where and when it was recorded."""

    position: int
    event_id: str
    stream: str
    version: int
    recorded_at: datetime
    event: Event
    metadata: dict[str, Any]
