"""Pure read-side derivations: staleness, slip, and an opgave's progress from its acties."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

from pydantic import Field

from tracker.domain import ActieState, OpgaveState
from tracker.events import AFGESLOTEN, ZORGELIJK, Frozen, Kpi, Programmalijn, Status


def verouderd(actie: ActieState, now: datetime) -> bool:
    """No update for longer than the actie's interval (a closed actie never goes stale)."""
    if actie.status in AFGESLOTEN:
        return False
    laatst = actie.gemeld_at or actie.geregistreerd_at
    return now - laatst > timedelta(days=actie.definitie.update_interval_dagen)


def slip_dagen(actie: ActieState) -> int:
    """Days between the original commitment and the current expectation (0 when on plan)."""
    verwacht = actie.melding.verwachte_einddatum if actie.melding else None
    return (verwacht - actie.definitie.einddatum).days if verwacht else 0


class ActieView(Frozen):
    id: str
    titel: str
    omschrijving: str
    opgave: str
    programmalijn: str | None
    portefeuillehouders: tuple[str, ...]
    begrotingscode: str | None
    kpi: Kpi | None
    status: Status
    verouderd: bool = Field(description="Geen update binnen het update-interval.")
    voortgang: int
    kpi_waarde: float | None
    toelichting: str | None
    oorzaak: str | None
    gevolg: str | None
    bijsturing: str | None
    oorspronkelijke_einddatum: date = Field(description="De oorspronkelijke toezegging uit de begroting.")
    verwachte_einddatum: date | None
    slip_dagen: int = Field(description="Dagen tussen oorspronkelijke en verwachte einddatum.")
    laatst_gemeld_at: datetime | None
    update_interval_dagen: int
    correcties: int
    version: int


def actie_view(actie: ActieState, now: datetime) -> ActieView:
    d, m = actie.definitie, actie.melding
    return ActieView(
        id=d.id,
        titel=d.titel,
        omschrijving=d.omschrijving,
        opgave=d.opgave,
        programmalijn=d.programmalijn,
        portefeuillehouders=d.portefeuillehouders,
        begrotingscode=d.begrotingscode,
        kpi=d.kpi,
        status=actie.status,
        verouderd=verouderd(actie, now),
        voortgang=m.voortgang if m else 0,
        kpi_waarde=m.kpi_waarde if m else None,
        toelichting=m.toelichting if m else None,
        oorzaak=m.oorzaak if m else None,
        gevolg=m.gevolg if m else None,
        bijsturing=m.bijsturing if m else None,
        oorspronkelijke_einddatum=d.einddatum,
        verwachte_einddatum=m.verwachte_einddatum if m else None,
        slip_dagen=slip_dagen(actie),
        laatst_gemeld_at=actie.gemeld_at,
        update_interval_dagen=d.update_interval_dagen,
        correcties=actie.correcties,
        version=actie.version,
    )


class Aandacht(Frozen):
    actie: str
    titel: str
    reden: str = Field(description="risico, vertraagd of verouderd")


class OpgaveView(Frozen):
    id: str
    nummer: int
    titel: str
    dwarsthema: bool
    coordinerend: str | None
    programmalijnen: tuple[Programmalijn, ...]
    acties: tuple[str, ...]
    per_status: dict[Status, int]
    verouderd: int
    gewogen_voortgang: float = Field(description="Gemiddelde voortgang; gestopte acties tellen niet mee.")
    aandacht: tuple[Aandacht, ...]


def opgave_view(opgave: OpgaveState, acties: list[ActieState], now: datetime) -> OpgaveView:
    d = opgave.definitie
    eigen = sorted((a for a in acties if a.definitie.opgave == d.id), key=lambda a: a.definitie.titel)
    per_status = Counter(a.status for a in eigen)
    lopend = [a for a in eigen if a.status != Status.gestopt]
    gemiddeld = sum(a.melding.voortgang if a.melding else 0 for a in lopend) / len(lopend) if lopend else 0.0
    return OpgaveView(
        id=d.id,
        nummer=d.nummer,
        titel=d.titel,
        dwarsthema=d.dwarsthema,
        coordinerend=d.coordinerend,
        programmalijnen=d.programmalijnen,
        acties=tuple(a.definitie.id for a in eigen),
        per_status={s: per_status.get(s, 0) for s in Status},
        verouderd=sum(verouderd(a, now) for a in eigen),
        gewogen_voortgang=round(gemiddeld, 1),
        aandacht=tuple(_aandacht(eigen, now)),
    )


def _aandacht(acties: list[ActieState], now: datetime) -> list[Aandacht]:
    zorg = [
        Aandacht(actie=a.definitie.id, titel=a.definitie.titel, reden=a.status.value)
        for a in acties
        if a.status in ZORGELIJK
    ]
    oud = [
        Aandacht(actie=a.definitie.id, titel=a.definitie.titel, reden="verouderd")
        for a in acties
        if a.status not in ZORGELIJK and verouderd(a, now)
    ]
    return zorg + oud
