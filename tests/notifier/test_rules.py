"""The rules, pure: given what the notifier knew and one feed event, who hears what."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from notifier.kennis import Opgave, evolve
from notifier.notificatie import Soort
from notifier.rules import notificaties
from tests.notifier.factories import T0, actie, feed_event, kennis, melding

WILDERINKSHOEK = "actie/wilderinkshoek"


def test_risico_alerts_the_portefeuillehouder_at_once() -> None:
    event = feed_event("VoortgangGemeld", WILDERINKSHOEK, melding("risico"))
    [note] = notificaties(kennis(actie(status="op_koers")), event)
    assert (note.ontvanger, note.soort, note.sleutel, note.actie) == (
        "annemieke-traag",
        Soort.alert,
        event.id,
        "wilderinkshoek",
    )
    assert "risico" in note.samenvatting and ("Toelichting", "Stand van zaken") in note.details
    assert ("Oorzaak", "Bezwaar") in note.details


def test_vertraagd_alerts_every_holder_of_the_actie() -> None:
    gedeeld = actie(portefeuillehouders=("annemieke-traag", "benno-brand"))
    notes = notificaties(kennis(gedeeld), feed_event("VoortgangGemeld", WILDERINKSHOEK, melding("vertraagd")))
    assert sorted(n.ontvanger for n in notes) == ["annemieke-traag", "benno-brand"]
    assert {n.soort for n in notes} == {Soort.alert}


def test_staying_at_risico_alerts_no_one_again() -> None:
    assert (
        notificaties(
            kennis(actie(status="risico")), feed_event("VoortgangGemeld", WILDERINKSHOEK, melding("risico"))
        )
        == []
    )


def test_back_on_koers_after_risico_informs() -> None:
    [note] = notificaties(
        kennis(actie(status="risico")), feed_event("VoortgangGemeld", WILDERINKSHOEK, melding())
    )
    assert note.soort == Soort.informatie and "op koers" in note.samenvatting


def test_a_routine_op_koers_update_says_nothing() -> None:
    assert (
        notificaties(
            kennis(actie(status="op_koers")), feed_event("VoortgangGemeld", WILDERINKSHOEK, melding())
        )
        == []
    )


def test_afgerond_and_gestopt_inform() -> None:
    for status in ("afgerond", "gestopt"):
        [note] = notificaties(
            kennis(actie(status="op_koers")),
            feed_event("VoortgangGemeld", WILDERINKSHOEK, melding(status, 100)),
        )
        assert note.soort == Soort.informatie and status in note.samenvatting


def test_heropend_informs_with_the_reason() -> None:
    event = feed_event("ActieHeropend", WILDERINKSHOEK, {"reden": "Nieuwe fase"})
    [note] = notificaties(kennis(actie(status="afgerond")), event)
    assert note.soort == Soort.informatie and "Nieuwe fase" in note.samenvatting


def test_a_correction_informs_with_its_reason() -> None:
    data = {**melding(), "corrigeert": "abc", "reden": "Tikfout in de voortgang"}
    [note] = notificaties(kennis(actie()), feed_event("VoortgangGecorrigeerd", WILDERINKSHOEK, data))
    assert note.soort == Soort.informatie and "Tikfout" in note.samenvatting


def test_verwachte_einddatum_slipping_more_than_30_days_alerts() -> None:
    event = feed_event("VoortgangGemeld", WILDERINKSHOEK, melding(verwachte_einddatum="2027-02-01"))
    [note] = notificaties(kennis(actie(status="op_koers")), event)
    assert note.soort == Soort.alert and "32 dagen" in note.samenvatting


def test_a_slip_of_30_days_is_no_alert() -> None:
    event = feed_event("VoortgangGemeld", WILDERINKSHOEK, melding(verwachte_einddatum="2027-01-30"))
    assert notificaties(kennis(actie(status="op_koers")), event) == []


def test_a_slip_is_measured_from_the_previous_expected_date() -> None:
    eerder = actie(status="op_koers", verwachte_einddatum=date(2027, 1, 20))
    event = feed_event("VoortgangGemeld", WILDERINKSHOEK, melding(verwachte_einddatum="2027-02-10"))
    assert notificaties(kennis(eerder), event) == []


def test_risico_and_slip_in_one_update_make_one_alert_per_holder() -> None:
    event = feed_event("VoortgangGemeld", WILDERINKSHOEK, melding("risico", verwachte_einddatum="2027-06-01"))
    [note] = notificaties(kennis(actie(status="op_koers")), event)
    assert "risico" in note.samenvatting and "dagen" in note.samenvatting


def test_the_coordinating_holder_of_a_dwarsthema_hears_too() -> None:
    wijk = Opgave("wijkgerichte-aanpak", "Wijkgerichte aanpak", dwarsthema=True, coordinerend="benno-brand")
    groot_driene = actie("wijkaanpak-groot-driene", opgave=wijk.id, portefeuillehouders=("hanneke-steen",))
    event = feed_event("VoortgangGemeld", "actie/wijkaanpak-groot-driene", melding("risico"))
    assert [n.ontvanger for n in notificaties(kennis(groot_driene, opgaven=(wijk,)), event)] == [
        "hanneke-steen",
        "benno-brand",
    ]


def test_a_coordinator_outside_a_dwarsthema_is_not_added() -> None:
    sociaal = Opgave(
        "sociaal-domein", "Sociaal domein", dwarsthema=False, coordinerend="marie-jose-luttikholt"
    )
    jeugd = actie("sturingsplan-jeugdhulp", opgave=sociaal.id, portefeuillehouders=("sander-schelberg",))
    event = feed_event("VoortgangGemeld", "actie/sturingsplan-jeugdhulp", melding("risico"))
    assert [n.ontvanger for n in notificaties(kennis(jeugd, opgaven=(sociaal,)), event)] == [
        "sander-schelberg"
    ]


def test_alerts_go_to_whoever_holds_the_actie_at_the_time_of_the_event() -> None:
    oud = kennis(actie(status="op_koers"))
    definitie = {
        "opgave": "duurzame-inrichting",
        "titel": "Uitvoeringsplan Wilderinkshoek",
        "omschrijving": "",
        "portefeuillehouders": ["benno-brand"],
        "einddatum": "2026-12-31",
    }
    risico = feed_event("VoortgangGemeld", WILDERINKSHOEK, melding("risico"))
    assert [n.ontvanger for n in notificaties(oud, risico)] == ["annemieke-traag"]
    nieuw = evolve(evolve(oud, feed_event("ActieGewijzigd", WILDERINKSHOEK, definitie)), risico)
    vertraagd = feed_event("VoortgangGemeld", WILDERINKSHOEK, melding("vertraagd"))
    assert [n.ontvanger for n in notificaties(nieuw, vertraagd)] == ["benno-brand"]


def test_registrations_notify_no_one() -> None:
    event = feed_event("PortefeuillehouderGeregistreerd", "portefeuillehouder/x", {"id": "x", "naam": "X"})
    assert notificaties(kennis(), event) == []


def test_an_update_for_an_unknown_actie_notifies_no_one() -> None:
    assert notificaties(kennis(), feed_event("VoortgangGemeld", WILDERINKSHOEK, melding("risico"))) == []


def test_the_fold_keeps_status_and_last_report_time() -> None:
    event = feed_event("VoortgangGemeld", WILDERINKSHOEK, melding("risico", 40), at=T0 + timedelta(days=3))
    after = evolve(kennis(actie()), event).acties["wilderinkshoek"]
    assert (after.status, after.voortgang, after.gemeld_at, after.melding_id) == (
        "risico",
        40,
        event.time,
        event.id,
    )


def test_a_correction_of_the_latest_report_replaces_its_figures() -> None:
    gemeld = feed_event("VoortgangGemeld", WILDERINKSHOEK, melding("risico"))
    k = evolve(kennis(actie()), gemeld)
    gecorrigeerd = evolve(
        k,
        feed_event(
            "VoortgangGecorrigeerd", WILDERINKSHOEK, {**melding(), "corrigeert": gemeld.id, "reden": "fout"}
        ),
    )
    assert gecorrigeerd.acties["wilderinkshoek"].status == "op_koers"
    ouder = evolve(
        k,
        feed_event(
            "VoortgangGecorrigeerd",
            WILDERINKSHOEK,
            {**melding(), "corrigeert": "iets-ouders", "reden": "fout"},
        ),
    )
    assert ouder.acties["wilderinkshoek"] == dataclasses.replace(k.acties["wilderinkshoek"])


def test_an_imported_risico_is_history_not_news_but_the_notifier_knows_it() -> None:
    data = melding("risico") | {"peildatum": "2026-06-30", "bron": "burap-2026.csv:3"}
    event = feed_event("VoortgangGeimporteerd", WILDERINKSHOEK, data)
    before = kennis(actie(status="op_koers"))

    assert notificaties(before, event) == []
    after = evolve(before, event).acties["wilderinkshoek"]
    assert after.status == "risico" and after.melding_id == event.id
    assert after.gemeld_at is not None and after.gemeld_at.date() == date(2026, 6, 30)
    # The next live risico is no change of status, so it does not alert again.
    assert (
        notificaties(evolve(before, event), feed_event("VoortgangGemeld", WILDERINKSHOEK, melding("risico")))
        == []
    )
