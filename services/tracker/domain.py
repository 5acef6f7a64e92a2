"""Pure decisions and folds over actie, opgave and portefeuillehouder streams."""

from __future__ import annotations

from datetime import datetime, time

from pydantic import Field

from tracker.domain_errors import ActieAfgesloten, ActieNietAfgesloten, ActieOnbekend, OngeldigeMelding
from tracker.events import (
    AFGESLOTEN,
    AMSTERDAM,
    ZORGELIJK,
    ActieDefinitie,
    ActieGeregistreerd,
    ActieGewijzigd,
    ActieHeropend,
    Event,
    Frozen,
    IsoDate,
    Melding,
    OpgaveDefinitie,
    OpgaveGeregistreerd,
    OpgaveGewijzigd,
    PortefeuillehouderDefinitie,
    PortefeuillehouderGeregistreerd,
    PortefeuillehouderGewijzigd,
    Recorded,
    Status,
    VoortgangGecorrigeerd,
    VoortgangGeimporteerd,
    VoortgangGemeld,
)

# --- state ---------------------------------------------------------------------------------------------


class ActieState(Frozen):
    definitie: ActieDefinitie
    version: int
    geregistreerd_at: datetime
    status: Status = Status.niet_gestart
    melding: Melding | None = None
    melding_id: str | None = None
    gemeld_at: datetime | None = None
    correcties: int = 0


class OpgaveState(Frozen):
    definitie: OpgaveDefinitie
    version: int


class PortefeuillehouderState(Frozen):
    definitie: PortefeuillehouderDefinitie
    version: int


State = ActieState | OpgaveState | PortefeuillehouderState
Definitie = ActieDefinitie | OpgaveDefinitie | PortefeuillehouderDefinitie

# --- commands ------------------------------------------------------------------------------------------


class MeldVoortgang(Melding):
    """Report the status of an actie."""


class CorrigeerVoortgang(Melding):
    """Replace the figures of an earlier status update, with the reason why."""

    corrigeert: str = Field(description="event_id van de melding die wordt gecorrigeerd.")
    reden: str = Field(min_length=1, max_length=10_000)


class ImporteerVoortgang(Melding):
    """Take over an update from an earlier report (a Burap spreadsheet), dated by its peildatum."""

    peildatum: IsoDate
    bron: str = Field(min_length=1, max_length=500, description="Bestand en regel van de melding.")


class HeropenActie(Frozen):
    """Reopen an actie that was afgerond or gestopt."""

    reden: str = Field(min_length=1, max_length=10_000, strict=True)


def stream_of(kind: str, id_: str) -> str:
    return f"{kind}/{id_}"


# --- decide --------------------------------------------------------------------------------------------

# An event takes its command's fields straight from the model's __dict__ (`vars`): model_dump would first
# copy them, which cost as much as the validation.


def meld(state: State | None, cmd: MeldVoortgang) -> list[Event]:
    actie = _open_actie(state)
    _check_melding(actie, cmd)
    return [VoortgangGemeld.model_validate(vars(cmd))]


def importeer(state: State | None, cmd: ImporteerVoortgang) -> list[Event]:
    """Earlier reports enter in the order they were made: each after the actie's last update."""
    actie = _open_actie(state)
    fouten = _fouten(actie, cmd)
    if actie.gemeld_at and cmd.peildatum <= (laatste := actie.gemeld_at.astimezone(AMSTERDAM).date()):
        fouten.append(("peildatum", f"ligt niet na de laatste melding van deze actie ({laatste})"))
    if fouten:
        raise OngeldigeMelding("De melding is niet volledig of niet juist.", fouten)
    return [VoortgangGeimporteerd.model_validate(vars(cmd))]


def corrigeer(state: State | None, cmd: CorrigeerVoortgang, doel: Recorded | None) -> list[Event]:
    actie = _bestaande_actie(state)
    if doel is None or doel.stream != stream_of("actie", actie.definitie.id):
        raise OngeldigeMelding(
            "De gecorrigeerde melding hoort niet bij deze actie.",
            [("corrigeert", "geen melding van deze actie")],
        )
    if not isinstance(doel.event, VoortgangGemeld | VoortgangGeimporteerd):
        raise OngeldigeMelding(
            "Alleen een voortgangsmelding kan worden gecorrigeerd.",
            [("corrigeert", "is geen voortgangsmelding")],
        )
    _check_melding(actie, cmd)
    return [VoortgangGecorrigeerd.model_validate(vars(cmd))]


def heropen(state: State | None, cmd: HeropenActie) -> list[Event]:
    actie = _bestaande_actie(state)
    if actie.status not in AFGESLOTEN:
        raise ActieNietAfgesloten(f"Actie '{actie.definitie.id}' is niet afgerond of gestopt.")
    return [ActieHeropend(reden=cmd.reden)]


_REGISTRATIE: dict[type[Frozen], tuple[type[Frozen], type[Frozen]]] = {
    ActieDefinitie: (ActieGeregistreerd, ActieGewijzigd),
    OpgaveDefinitie: (OpgaveGeregistreerd, OpgaveGewijzigd),
    PortefeuillehouderDefinitie: (PortefeuillehouderGeregistreerd, PortefeuillehouderGewijzigd),
}


def registreer(state: State | None, definitie: Definitie) -> list[Event]:
    """Register a catalogue entry, or record only what changed since."""
    geregistreerd, gewijzigd = _REGISTRATIE[type(definitie)]
    if state is None:
        return [geregistreerd.model_validate(dict(definitie))]  # type: ignore[list-item]
    if state.definitie == definitie:
        return []
    return [gewijzigd.model_validate(dict(definitie))]  # type: ignore[list-item]


def _bestaande_actie(state: State | None) -> ActieState:
    if not isinstance(state, ActieState):
        raise ActieOnbekend("Deze actie bestaat niet.")
    return state


def _open_actie(state: State | None) -> ActieState:
    actie = _bestaande_actie(state)
    if actie.status in AFGESLOTEN:
        raise ActieAfgesloten(f"Actie '{actie.definitie.id}' is {actie.status.value}; heropen haar eerst.")
    return actie


def _check_melding(actie: ActieState, melding: Melding) -> None:
    if fouten := _fouten(actie, melding):
        raise OngeldigeMelding("De melding is niet volledig of niet juist.", fouten)


def _fouten(actie: ActieState, melding: Melding) -> list[tuple[str, str]]:
    fouten = [(veld, "is verplicht bij status " + melding.status.value) for veld in _ontbrekend(melding)]
    if melding.kpi_waarde is not None and actie.definitie.kpi is None:
        fouten.append(("kpi_waarde", "deze actie heeft geen KPI-doel"))
    return fouten


def _ontbrekend(melding: Melding) -> list[str]:
    if melding.status not in ZORGELIJK:
        return []
    velden = {"oorzaak": melding.oorzaak, "gevolg": melding.gevolg, "bijsturing": melding.bijsturing}
    return [veld for veld, tekst in velden.items() if not (tekst and tekst.strip())]


# --- evolve --------------------------------------------------------------------------------------------

# Event types that set every field an earlier event of these types set: for two in a row on a stream,
# evolve(evolve(s, a), b) == evolve(s, b), so a replay need not decode or fold the first.
VERVANGT_VORIGE = frozenset({"VoortgangGemeld"})


def evolve(state: State | None, rec: Recorded) -> State:
    """The fold: the state of a stream after one more recorded event."""
    event = rec.event
    match event:
        # First what nearly every event of a long log is: each case that fails costs an isinstance.
        case VoortgangGemeld() | VoortgangGeimporteerd() | VoortgangGecorrigeerd() | ActieHeropend():
            assert isinstance(state, ActieState), f"{event.type} on a stream without an actie"
            return _evolve_actie(state, rec)
        case ActieGeregistreerd() | ActieGewijzigd():
            actie = ActieDefinitie.model_validate(_definitie_velden(event))
            if isinstance(state, ActieState):
                return state.model_copy(update={"definitie": actie, "version": rec.version})
            return ActieState(definitie=actie, version=rec.version, geregistreerd_at=rec.recorded_at)
        case OpgaveGeregistreerd() | OpgaveGewijzigd():
            opgave = OpgaveDefinitie.model_validate(_definitie_velden(event))
            return OpgaveState(definitie=opgave, version=rec.version)
        case PortefeuillehouderGeregistreerd() | PortefeuillehouderGewijzigd():
            holder = PortefeuillehouderDefinitie.model_validate(_definitie_velden(event))
            return PortefeuillehouderState(definitie=holder, version=rec.version)


def _evolve_actie(state: ActieState, rec: Recorded) -> ActieState:
    event = rec.event
    update: dict[str, object] = {"version": rec.version}
    match event:
        case VoortgangGemeld() | VoortgangGeimporteerd():
            melding = Melding.model_validate(_melding_velden(event))
            update |= {"status": melding.status, "melding": melding, "melding_id": rec.event_id}
            update |= {"gemeld_at": gemeld_op(rec)}
        case VoortgangGecorrigeerd() if event.corrigeert == state.melding_id:
            melding = Melding.model_validate(_melding_velden(event))
            update |= {"status": melding.status, "melding": melding, "correcties": state.correcties + 1}
        case VoortgangGecorrigeerd():
            update |= {"correcties": state.correcties + 1}
        case ActieHeropend():
            update |= {"status": Status.op_koers}
    return state.model_copy(update=update)


MIDDAG = time(12)


def gemeld_op(rec: Recorded) -> datetime:
    """When an update was made: when it was recorded, or for an earlier report midday on its peildatum."""
    if isinstance(rec.event, VoortgangGeimporteerd):
        return datetime.combine(rec.event.peildatum, MIDDAG, AMSTERDAM)
    return rec.recorded_at


# The fields straight from the model's __dict__: iterating a pydantic model costs twice the whole fold.
def _definitie_velden(event: Event) -> dict[str, object]:
    return {k: v for k, v in vars(event).items() if k != "type"}


_MELDING_VELDEN = frozenset(Melding.model_fields)


def _melding_velden(event: Event) -> dict[str, object]:
    return {k: v for k, v in vars(event).items() if k in _MELDING_VELDEN}


def fold(events: list[Recorded], state: State | None = None) -> State | None:
    for rec in events:
        state = evolve(state, rec)
    return state
