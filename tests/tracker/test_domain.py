"""The domain alone: given events, when a command, then events or a refusal. No database, no clock."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.tracker.factories import RISICO, T0, actie_definitie, recorded
from tracker.domain import (
    ActieState,
    CorrigeerVoortgang,
    HeropenActie,
    MeldVoortgang,
    OpgaveState,
    corrigeer,
    evolve,
    fold,
    heropen,
    meld,
    registreer,
)
from tracker.domain_errors import ActieAfgesloten, ActieNietAfgesloten, ActieOnbekend, OngeldigeMelding
from tracker.events import (
    ActieGeregistreerd,
    ActieGewijzigd,
    ActieHeropend,
    OpgaveDefinitie,
    Status,
    VoortgangGemeld,
)
from tracker.voortgang import opgave_view, slip_dagen, verouderd


def registered(**changes: object) -> ActieState:
    state = evolve(None, recorded(ActieGeregistreerd(**dict(actie_definitie(**changes))), 1))
    assert isinstance(state, ActieState)
    return state


def after(state: ActieState, *events: object) -> ActieState:
    for event in events:
        state = evolve(state, recorded(event, state.version + 1))  # type: ignore[arg-type]
    return state


def test_records_a_status_update_as_voortgang_gemeld() -> None:
    events = meld(registered(), MeldVoortgang(status=Status.op_koers, voortgang=10))
    assert events == [VoortgangGemeld(status=Status.op_koers, voortgang=10)]


def test_refuses_risico_without_oorzaak_gevolg_and_bijsturing_listing_all_three() -> None:
    with pytest.raises(OngeldigeMelding) as refused:
        meld(registered(), MeldVoortgang(status=Status.risico, voortgang=35, oorzaak="  "))
    assert [veld for veld, _ in refused.value.fouten] == ["oorzaak", "gevolg", "bijsturing"]


def test_accepts_vertraagd_with_the_three_answers() -> None:
    events = meld(registered(), MeldVoortgang(**{**RISICO, "status": "vertraagd"}))
    assert events[0].status == Status.vertraagd  # type: ignore[union-attr]


def test_refuses_kpi_waarde_on_an_actie_without_a_target() -> None:
    with pytest.raises(OngeldigeMelding) as refused:
        meld(registered(kpi=None), MeldVoortgang(status=Status.op_koers, voortgang=5, kpi_waarde=12))
    assert refused.value.fouten == [("kpi_waarde", "deze actie heeft geen KPI-doel")]


def test_refuses_an_update_to_an_unknown_actie() -> None:
    with pytest.raises(ActieOnbekend):
        meld(None, MeldVoortgang(status=Status.op_koers, voortgang=5))


@pytest.mark.parametrize("status", [Status.afgerond, Status.gestopt])
def test_refuses_updates_to_a_closed_actie_until_it_is_reopened(status: Status) -> None:
    closed = after(registered(), VoortgangGemeld(status=status, voortgang=100))
    with pytest.raises(ActieAfgesloten):
        meld(closed, MeldVoortgang(status=Status.op_koers, voortgang=90))
    reopened = after(closed, *heropen(closed, HeropenActie(reden="Nieuwe fase")))
    assert meld(reopened, MeldVoortgang(status=Status.op_koers, voortgang=90))


def test_refuses_to_reopen_an_actie_that_is_still_open() -> None:
    with pytest.raises(ActieNietAfgesloten):
        heropen(registered(), HeropenActie(reden="?"))


def test_a_correction_of_the_latest_update_replaces_its_figures() -> None:
    state = registered()
    gemeld = recorded(VoortgangGemeld(status=Status.op_koers, voortgang=40), 2)
    state = evolve(state, gemeld)  # type: ignore[assignment]
    cmd = CorrigeerVoortgang(
        status=Status.op_koers, voortgang=30, corrigeert=gemeld.event_id, reden="Telfout"
    )
    corrected = after(state, *corrigeer(state, cmd, gemeld))
    assert (corrected.melding.voortgang, corrected.correcties) == (30, 1)  # type: ignore[union-attr]


def test_a_correction_of_an_older_update_keeps_the_current_figures() -> None:
    state = registered()
    oud = recorded(VoortgangGemeld(status=Status.op_koers, voortgang=40), 2)
    state = after(evolve(state, oud), VoortgangGemeld(status=Status.op_koers, voortgang=60))  # type: ignore[arg-type]
    cmd = CorrigeerVoortgang(status=Status.op_koers, voortgang=30, corrigeert=oud.event_id, reden="Telfout")
    corrected = after(state, *corrigeer(state, cmd, oud))
    assert (corrected.melding.voortgang, corrected.correcties) == (60, 1)  # type: ignore[union-attr]


def test_refuses_a_correction_naming_an_event_of_another_actie() -> None:
    elders = recorded(VoortgangGemeld(status=Status.op_koers, voortgang=40), 2, stream="actie/twentekanaal")
    cmd = CorrigeerVoortgang(status=Status.op_koers, voortgang=30, corrigeert=elders.event_id, reden="x")
    with pytest.raises(OngeldigeMelding):
        corrigeer(registered(), cmd, elders)


def test_refuses_a_correction_of_something_that_is_not_an_update() -> None:
    registratie = recorded(ActieGeregistreerd(**dict(actie_definitie())), 1)
    cmd = CorrigeerVoortgang(status=Status.op_koers, voortgang=30, corrigeert=registratie.event_id, reden="x")
    with pytest.raises(OngeldigeMelding):
        corrigeer(registered(), cmd, registratie)


def test_registering_an_unchanged_definition_records_nothing() -> None:
    assert registreer(registered(), actie_definitie()) == []


def test_a_new_portefeuillehouder_is_recorded_as_a_change_and_history_keeps_who_held_it() -> None:
    state = registered()
    events = registreer(state, actie_definitie(portefeuillehouders=("gerard-gerrits",)))
    assert [type(e) for e in events] == [ActieGewijzigd]
    later = after(state, *events)
    assert later.definitie.portefeuillehouders == ("gerard-gerrits",)
    assert state.definitie.portefeuillehouders == ("annemieke-traag",)


def test_a_replan_keeps_the_original_commitment_and_its_slip_after_turning_green() -> None:
    replanned = MeldVoortgang(**{**RISICO, "verwachte_einddatum": "2027-03-31"})
    state = after(registered(), *meld(registered(), replanned))
    green = after(
        state, VoortgangGemeld(status=Status.op_koers, voortgang=50, verwachte_einddatum=date(2027, 3, 31))
    )
    assert green.definitie.einddatum == date(2026, 12, 31)
    assert slip_dagen(green) == 90


def test_an_actie_without_update_beyond_its_interval_is_verouderd_but_not_when_closed() -> None:
    state = after(registered(), VoortgangGemeld(status=Status.op_koers, voortgang=5))
    assert not verouderd(state, T0 + timedelta(days=30))
    assert verouderd(state, T0 + timedelta(days=31))
    assert not verouderd(
        after(state, VoortgangGemeld(status=Status.afgerond, voortgang=100)), T0 + timedelta(days=90)
    )


def test_opgave_progress_counts_statuses_averages_voortgang_and_lists_what_needs_attention() -> None:
    opgave = OpgaveState(
        definitie=OpgaveDefinitie(
            id="duurzame-inrichting", nummer=3, titel="Duurzame inrichting", dwarsthema=False
        ),
        version=1,
    )
    a = after(registered(), VoortgangGemeld(**{**RISICO, "voortgang": 40}))
    b = after(registered(actie_id="twentekanaal"), VoortgangGemeld(status=Status.op_koers, voortgang=80))
    c = after(registered(actie_id="gestopt"), VoortgangGemeld(status=Status.gestopt, voortgang=10))
    view = opgave_view(opgave, [a, b, c], T0 + timedelta(days=1))
    assert view.per_status[Status.risico] == 1 and view.per_status[Status.gestopt] == 1
    assert view.gewogen_voortgang == 60.0
    assert [(x.actie, x.reden) for x in view.aandacht] == [("wilderinkshoek", "risico")]


def test_folding_the_same_events_twice_gives_the_same_state() -> None:
    events = [
        recorded(ActieGeregistreerd(**dict(actie_definitie())), 1),
        recorded(VoortgangGemeld(**RISICO), 2),
        recorded(ActieHeropend(reden="x"), 3),
    ]
    assert fold(events) == fold(events)
    assert isinstance(fold(events), ActieState)
