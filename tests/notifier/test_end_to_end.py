"""The issue's scenario, real processes: a risico update reaches the wethouder by mail, webhook and inbox."""

from __future__ import annotations

import httpx

from tests.notifier.stack import WEBHOOK_SECRET, Stack, eventually

TRAAG = "annemieke-traag"


def subscribe(stack: Stack) -> None:
    """Set Traag's preferences once the notifier has learned of her from the feed (404 until then)."""
    body = {
        "email": "annemieke.traag@example.org",
        "webhook_url": stack.webhook.url,
        "webhook_secret": WEBHOOK_SECRET,
    }
    eventually(lambda: stack.voorkeuren(TRAAG, body).status_code == 200, "the preferences accepted")


def test_a_risico_update_reaches_the_wethouder_by_mail_webhook_and_inbox(stack: Stack) -> None:
    stack.start_notifier()
    subscribe(stack)
    event_id = stack.meld("wilderinkshoek", "risico")

    [mail] = eventually(lambda: stack.mail.with_key(event_id), "the mail in the SMTP server's hands")
    assert mail["To"] == "annemieke.traag@example.org" and "Uitvoeringsplan Wilderinkshoek" in mail["Subject"]
    text = mail.get_body(("plain",)).get_content()
    assert "risico" in text and "risico bij wilderinkshoek" in text and "Bezwaarprocedure loopt" in text
    assert "https://koers.example.org/acties/wilderinkshoek" in mail.get_body(("html",)).get_content()

    [hook] = eventually(lambda: stack.webhook.received, "the webhook, signature verified")
    assert hook["data"]["sleutel"] == event_id and hook["data"]["actie"] == "wilderinkshoek"
    assert stack.webhook.forged == 0

    token = stack.inbox_token(TRAAG)
    [item] = eventually(lambda: stack.inbox(TRAAG, token), "the inbox entry")
    assert item["soort"] == "alert" and item["actie"] == "wilderinkshoek" and item["read_at"] is None

    sent = eventually(lambda: len(stack.deliveries("sent")) == 3, "three deliveries recorded as sent")
    proof = {d["channel"]: d for d in stack.deliveries("sent")} if sent else {}
    assert "OK: ontvangen" in proof["email"]["answer"] and proof["webhook"]["answer"].startswith("HTTP 200")
    assert all(d["attempts"] == 1 and d["sent_at"] for d in proof.values())


def test_the_notifier_reports_ready_and_counts_its_deliveries(stack: Stack) -> None:
    notifier = stack.start_notifier()
    subscribe(stack)
    event_id = stack.meld("wilderinkshoek", "vertraagd")
    eventually(lambda: stack.mail.with_key(event_id), "the mail")
    assert httpx.get(notifier.url + "/readyz").status_code == 200
    metrics = eventually(
        lambda: 'outcome="sent"' in (text := httpx.get(notifier.url + "/metrics").text) and text,
        "the delivery counter",
    )
    assert 'koers_notifier_delivery_attempts_total{channel="email",outcome="sent"} 1.0' in metrics
    assert "koers_notifier_feed_position" in metrics
