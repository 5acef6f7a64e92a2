"""Consumer, outbox, recipients and inbox against real SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from koers.db import make_engine
from notifier.channels import Bezorging, DeliveryFailed
from notifier.channels.inbox import InboxChannel, items, mark_read
from notifier.consumer import process, read_checkpoint
from notifier.notificatie import Notificatie, Soort
from notifier.outbox import Outbox, deliveries, requeue
from notifier.planner import plan
from notifier.recipients import new_inbox_token, seed, token_owner, zet_voorkeuren
from notifier.schedule import Weekmoment
from notifier.settings import NotifierSettings
from notifier.store import ENQUEUE_CHUNK, enqueue, writing
from notifier.tables import DELIVERY
from notifier.voorkeuren import Voorkeuren
from tests.notifier.factories import T0, catalogue_page, feed_event, melding

EXAMPLE = Path(__file__).resolve().parents[2] / "services" / "notifier" / "recipients-hengelo.example.yaml"


def delivery_count(engine: Engine, **where: str) -> int:
    query = select(func.count()).select_from(DELIVERY)
    for column, value in where.items():
        query = query.where(DELIVERY.c[column] == value)
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def settings(url: str, **extra: object) -> NotifierSettings:
    return NotifierSettings(database_url=url, retry_base=0.01, retry_max=0.02, max_attempts=2, **extra)


def test_a_batch_enqueues_deliveries_and_advances_the_checkpoint(notifier_url: str) -> None:
    engine = make_engine(notifier_url)
    zet_voorkeuren(engine, "annemieke-traag", Voorkeuren(email="annemieke.traag@example.org"))
    risico = feed_event("VoortgangGemeld", "actie/wilderinkshoek", melding("risico"))
    assert process(engine, 0, catalogue_page(risico), T0)
    assert read_checkpoint(engine) == 4
    assert delivery_count(engine, sleutel=risico.id) == 2  # email and inbox
    assert delivery_count(engine, sleutel=risico.id, channel="email", recipient="annemieke-traag") == 1


def test_a_batch_read_again_adds_nothing(notifier_url: str) -> None:
    engine = make_engine(notifier_url)
    risico = feed_event("VoortgangGemeld", "actie/wilderinkshoek", melding("risico"))
    assert process(engine, 0, catalogue_page(risico), T0)
    assert not process(engine, 0, catalogue_page(risico), T0)  # another consumer got there first
    assert read_checkpoint(engine) == 4 and delivery_count(engine) == 1


def test_a_page_with_more_notifications_than_one_insert_takes_enqueues_each_once(notifier_url: str) -> None:
    engine = make_engine(notifier_url)
    notes = [
        Notificatie(f"e{i}", "annemieke-traag", Soort.alert, f"Aandacht {i}", "Risico", (), "wilderinkshoek")
        for i in range(2 * ENQUEUE_CHUNK + 1)
    ]
    voorkeuren = {"annemieke-traag": Voorkeuren(email="annemieke.traag@example.org")}
    for _ in range(2):  # the second time, every row is already there
        with writing(engine) as conn:
            enqueue(conn, iter(notes), voorkeuren, T0)
    with engine.connect() as conn:
        rows = conn.execute(select(DELIVERY.c.sleutel, DELIVERY.c.channel, DELIVERY.c.bericht)).all()
    assert sorted((r.sleutel, r.channel) for r in rows) == sorted(
        (n.sleutel, channel) for n in notes for channel in ("email", "inbox")
    )
    assert all(Notificatie.from_json(json.loads(r.bericht)) == notes[int(r.sleutel[1:])] for r in rows)


def test_unknown_types_and_newer_schema_versions_are_skipped_and_passed(
    notifier_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    engine = make_engine(notifier_url)
    onbekend = feed_event("BegrotingGewijzigd", "begroting/2026", {"bedrag": 1})
    nieuwer = feed_event("VoortgangGemeld", "actie/wilderinkshoek", melding("risico"), dataschemaversion="2")
    risico = feed_event("VoortgangGemeld", "actie/wilderinkshoek", melding("vertraagd"))
    assert process(engine, 0, catalogue_page(onbekend, nieuwer, risico), T0)
    assert read_checkpoint(engine) == 6
    assert delivery_count(engine) == 1 and delivery_count(engine, sleutel=risico.id) == 1
    assert "onbekend type" in caplog.text and "schemaversie 2" in caplog.text


def test_a_failing_batch_leaves_the_checkpoint_and_adds_nothing(notifier_url: str) -> None:
    engine = make_engine(notifier_url)
    kapot = feed_event(
        "VoortgangGemeld", "actie/wilderinkshoek", {"voortgang": 5}
    )  # no status: cannot be folded
    with pytest.raises(KeyError):
        process(
            engine,
            0,
            catalogue_page(feed_event("VoortgangGemeld", "actie/wilderinkshoek", melding("risico")), kapot),
            T0,
        )
    assert read_checkpoint(engine) == 0 and delivery_count(engine) == 0


async def test_the_outbox_delivers_to_the_inbox_with_proof(notifier_url: str) -> None:
    engine = make_engine(notifier_url)
    process(
        engine,
        0,
        catalogue_page(feed_event("VoortgangGemeld", "actie/wilderinkshoek", melding("risico"))),
        T0,
    )
    outbox = Outbox(engine, {"inbox": InboxChannel(engine, lambda: T0)}, settings(notifier_url), lambda: T0)
    for row in outbox.claim():
        await outbox.deliver(row)
    [sent] = deliveries(engine, "sent", 10)
    assert sent.attempts == 1 and sent.sent_at == T0 and "inbox" in sent.answer
    [item] = items(engine, "annemieke-traag", ongelezen=True, limit=10)
    assert json.loads(item.bericht)["soort"] == "alert"
    assert (
        mark_read(engine, "annemieke-traag", item.id, T0) and items(engine, "annemieke-traag", True, 10) == []
    )


def test_two_outboxes_never_claim_the_same_delivery(notifier_url: str) -> None:
    engine = make_engine(notifier_url)
    events = [
        feed_event("VoortgangGemeld", "actie/wilderinkshoek", melding(s)) for s in ("risico", "op_koers") * 5
    ]
    process(engine, 0, catalogue_page(*events), T0)
    first, second = (Outbox(engine, {}, settings(notifier_url), lambda: T0) for _ in range(2))
    a, b = first.claim(limit=6), second.claim(limit=6)
    assert len(a) == 6 and len(b) == 4 and not {r.id for r in a} & {r.id for r in b}
    assert second.claim() == []


class Failing:
    async def send(self, bezorging: Bezorging) -> str:
        raise DeliveryFailed("550 mailbox unavailable")


async def test_a_failed_delivery_is_retried_later_then_dead_and_beheer_told_once_a_day(
    notifier_url: str,
) -> None:
    engine = make_engine(notifier_url)
    zet_voorkeuren(engine, "annemieke-traag", Voorkeuren(email="a@example.org", kanalen={"inbox": False}))
    events = [
        feed_event("VoortgangGemeld", "actie/wilderinkshoek", melding(s)) for s in ("risico", "op_koers")
    ]
    process(engine, 0, catalogue_page(*events), T0)
    now = [T0]
    outbox = Outbox(
        engine,
        {"email": Failing()},
        settings(notifier_url, beheer_email="beheer@example.org"),
        lambda: now[0],
    )
    for row in outbox.claim():
        await outbox.deliver(row)
    assert outbox.claim() == []  # not due yet: backed off
    assert delivery_count(engine, status="pending") == 2
    now[0] = T0 + timedelta(seconds=1)
    for row in outbox.claim():
        await outbox.deliver(row)
    dead = deliveries(engine, "dead", 10)
    assert len(dead) == 2 and all(d.attempts == 2 and "550" in d.answer for d in dead)
    assert delivery_count(engine, recipient="beheer") == 1
    assert requeue(engine, dead[0].id, now[0]) and delivery_count(engine, status="pending") == 2


def test_recipients_are_seeded_once_and_the_api_wins_afterwards(notifier_url: str) -> None:
    engine = make_engine(notifier_url)
    assert seed(engine, EXAMPLE) > 0
    zet_voorkeuren(engine, "annemieke-traag", Voorkeuren(email="nieuw@example.org"))
    assert seed(engine, EXAMPLE) == 0
    stored, made = zet_voorkeuren(
        engine, "annemieke-traag", Voorkeuren(email="nieuw@example.org", webhook_url="https://example.org/h")
    )
    assert made is not None and made.startswith("whsec_") and stored.webhook_secret == made
    again, made_again = zet_voorkeuren(
        engine, "annemieke-traag", Voorkeuren(webhook_url="https://example.org/h2")
    )
    assert made_again is None and again.webhook_secret == made


def test_an_inbox_token_names_its_owner_until_it_is_replaced(notifier_url: str) -> None:
    engine = make_engine(notifier_url)
    first = new_inbox_token(engine, "annemieke-traag")
    assert token_owner(engine, first) == "annemieke-traag"
    second = new_inbox_token(engine, "annemieke-traag")
    assert token_owner(engine, first) is None and token_owner(engine, second) == "annemieke-traag"


def test_the_planner_enqueues_reminders_and_the_digest_once(notifier_url: str) -> None:
    engine = make_engine(notifier_url)
    seed(engine, EXAMPLE)
    process(engine, 0, catalogue_page(), T0)
    later = T0 + timedelta(days=40)
    plan(engine, Weekmoment(), later)
    plan(engine, Weekmoment(), later + timedelta(hours=1))
    assert (
        delivery_count(engine, recipient="projectleider-wilderinkshoek", soort="herinnering", channel="email")
        == 1
    )
    assert delivery_count(engine, recipient="annemieke-traag", soort="herinnering", channel="email") == 1
    assert delivery_count(engine, recipient="annemieke-traag", soort="weekoverzicht", channel="email") == 1
