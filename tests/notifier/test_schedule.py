"""Overdue escalation in stages and the weekly digest, as pure functions of (knowledge, now)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from notifier.notificatie import Soort
from notifier.schedule import Weekmoment, achterstallig, weekoverzicht
from tests.notifier.factories import T0, actie, kennis

LEIDERS = {"wilderinkshoek": ("pl-wilderinkshoek",)}


def test_no_reminder_within_the_update_interval() -> None:
    assert achterstallig(kennis(actie(gemeld_at=T0)), LEIDERS, T0 + timedelta(days=29)) == []


def test_an_overdue_update_first_reminds_the_project_lead() -> None:
    [note] = achterstallig(kennis(actie(gemeld_at=T0)), LEIDERS, T0 + timedelta(days=31))
    assert (note.ontvanger, note.soort, note.actie) == (
        "pl-wilderinkshoek",
        Soort.herinnering,
        "wilderinkshoek",
    )


def test_a_week_later_the_portefeuillehouder_hears_too() -> None:
    notes = achterstallig(kennis(actie(gemeld_at=T0)), LEIDERS, T0 + timedelta(days=37))
    assert sorted(n.ontvanger for n in notes) == ["annemieke-traag", "pl-wilderinkshoek"]


def test_the_interval_of_the_actie_counts_from_registration_when_never_reported() -> None:
    assert achterstallig(kennis(actie(update_interval_dagen=14)), LEIDERS, T0 + timedelta(days=15)) != []


def test_a_finished_actie_is_never_overdue() -> None:
    assert achterstallig(kennis(actie(status="afgerond")), LEIDERS, T0 + timedelta(days=400)) == []


def test_reminders_have_the_same_key_until_a_new_update_arrives() -> None:
    k = kennis(actie(gemeld_at=T0))
    first, later = (achterstallig(k, LEIDERS, T0 + timedelta(days=d)) for d in (31, 33))
    assert first[0].sleutel == later[0].sleutel
    nieuw = kennis(actie(gemeld_at=T0 + timedelta(days=32)))
    assert achterstallig(nieuw, LEIDERS, T0 + timedelta(days=70))[0].sleutel != first[0].sleutel


def test_the_digest_moment_is_monday_eight_in_amsterdam() -> None:
    moment = Weekmoment()
    # Wednesday 4 March 2026, 12:00 UTC -> Monday 2 March 08:00 CET (07:00 UTC)
    assert moment.laatste(datetime(2026, 3, 4, 12, tzinfo=UTC)) == datetime(2026, 3, 2, 7, tzinfo=UTC)
    # Monday 07:30 Amsterdam is before the moment: still last week's
    assert moment.laatste(datetime(2026, 3, 2, 6, 30, tzinfo=UTC)) == datetime(2026, 2, 23, 7, tzinfo=UTC)


def test_the_digest_moment_follows_summer_time() -> None:
    assert Weekmoment().laatste(datetime(2026, 6, 1, 6, 30, tzinfo=UTC)) == datetime(
        2026, 6, 1, 6, tzinfo=UTC
    )


def test_the_digest_moment_is_configurable() -> None:
    vrijdag = Weekmoment(weekdag=4, tijd=time(16, 30))
    assert vrijdag.laatste(datetime(2026, 3, 9, tzinfo=UTC)) == datetime(2026, 3, 6, 15, 30, tzinfo=UTC)


def test_the_digest_lists_each_holders_acties_by_status_and_what_is_overdue() -> None:
    k = kennis(
        actie(status="risico", gemeld_at=T0),
        actie("twentekanaal", titel="Twentekanaal", gemeld_at=T0 - timedelta(days=60)),
        actie("isolatiesubsidie", titel="Isolatiesubsidie", portefeuillehouders=("benno-brand",)),
    )
    notes = {n.ontvanger: n for n in weekoverzicht(k, T0 + timedelta(days=1), Weekmoment())}
    traag = notes["annemieke-traag"]
    assert traag.soort == Soort.weekoverzicht and traag.sleutel == "weekoverzicht:2026-03-02:annemieke-traag"
    assert traag.details == (
        ("Twentekanaal", "niet gestart — update te laat"),
        ("Uitvoeringsplan Wilderinkshoek", "risico"),
    )
    assert "2 acties" in traag.samenvatting and set(notes) == {"annemieke-traag", "benno-brand"}


def test_one_digest_per_week_whatever_the_moment_of_asking() -> None:
    k = kennis(actie())
    maandag, zondag = datetime(2026, 3, 2, 8, tzinfo=UTC), datetime(2026, 3, 8, 22, tzinfo=UTC)
    assert (
        weekoverzicht(k, maandag, Weekmoment())[0].sleutel
        == weekoverzicht(k, zondag, Weekmoment())[0].sleutel
    )
