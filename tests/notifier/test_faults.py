"""Bad input and faults, each with real processes: crashes, outages, failing webhooks, two notifiers."""

from __future__ import annotations

from collections import Counter

import httpx
import pytest

from tests.notifier.stack import ADMIN, WEBHOOK_SECRET, Stack, eventually

TRAAG = "annemieke-traag"
TRAAG_ACTIES = ("wilderinkshoek", "twentekanaal", "isolatiesubsidie")


def subscribe(stack: Stack, **body: object) -> None:
    body = {"email": "annemieke.traag@example.org", **body}
    eventually(lambda: stack.voorkeuren(TRAAG, body).status_code == 200, "the preferences accepted")


def alerts(stack: Stack, rounds: int) -> list[str]:
    """Turn each of Traag's acties risico and back, `rounds` times: every update notifies her."""
    return [
        stack.meld(actie, status)
        for _ in range(rounds)
        for status in ("risico", "op_koers")
        for actie in TRAAG_ACTIES
    ]


def mails_per_key(stack: Stack) -> Counter[str]:
    return Counter(
        str(m["X-Koersmonitor-Sleutel"]) for m in stack.mail.messages if m["To"] != "beheer@example.org"
    )


def test_sigkill_mid_batch_and_restart_delivers_every_alert_exactly_once(stack: Stack) -> None:
    # The mail server is down while the first process reads, so the kill lands in the consumer's batches and
    # not between an SMTP server's 250 and its record: that window is at-least-once by nature (Message-ID).
    stack.start_notifier(NOTIFIER_FEED_LIMIT="2")
    subscribe(stack)
    stack.notifier.kill()
    stack.mail.stop()
    keys = alerts(stack, 3)
    first = stack.start_notifier(NOTIFIER_FEED_LIMIT="2")
    eventually(lambda: stack.deliveries(), "the first deliveries, while later pages are still being read")
    first.kill()
    stack.mail.start()
    stack.start_notifier(NOTIFIER_FEED_LIMIT="2")
    eventually(lambda: set(mails_per_key(stack)) >= set(keys), "every alert after the restart")
    assert all(mails_per_key(stack)[key] == 1 for key in keys), mails_per_key(stack)


def test_mail_sent_while_the_smtp_server_is_down_arrives_once_after_backoff(stack: Stack) -> None:
    stack.start_notifier()
    subscribe(stack)
    stack.mail.stop()
    key = stack.meld("wilderinkshoek", "risico")
    eventually(
        lambda: any(d["channel"] == "email" and d["attempts"] >= 1 for d in stack.deliveries("pending")),
        "a failed attempt while the SMTP server is down",
    )
    stack.mail.start()
    eventually(lambda: stack.mail.with_key(key), "the mail after the SMTP server is back")
    [email] = [d for d in eventually(lambda: stack.deliveries("sent"), "proof") if d["channel"] == "email"]
    assert email["attempts"] >= 2 and len(stack.mail.with_key(key)) == 1


def test_the_notifier_keeps_running_while_the_tracker_is_down_and_resumes(stack: Stack) -> None:
    stack.start_notifier()
    subscribe(stack)
    stack.tracker.stop()
    eventually(lambda: "feed niet verwerkt" in stack.log(), "a log line about the tracker being away")
    assert httpx.get(stack.notifier.url + "/healthz").status_code == 200
    stack.tracker.start()
    key = stack.meld("wilderinkshoek", "vertraagd")
    eventually(lambda: stack.mail.with_key(key), "the mail once the tracker is back")


@pytest.mark.parametrize("failure", ["500", "hanging"])
def test_a_failing_webhook_is_retried_then_dead_and_beheer_is_told(stack: Stack, failure: str) -> None:
    stack.start_notifier()
    subscribe(stack, webhook_url=stack.webhook.url, webhook_secret=WEBHOOK_SECRET)
    stack.webhook.answer, stack.webhook.hang = (500, False) if failure == "500" else (200, True)
    stack.meld("wilderinkshoek", "risico")
    [dead] = eventually(lambda: stack.deliveries("dead"), "the webhook delivery dead after its attempts", 60)
    assert dead["channel"] == "webhook" and dead["attempts"] == 3 and stack.webhook.attempts == 3
    assert ("HTTP 500" if failure == "500" else "Timeout") in dead["answer"]
    eventually(lambda: any(m["To"] == "beheer@example.org" for m in stack.mail.messages), "the beheer notice")
    stack.webhook.answer, stack.webhook.hang = 200, False
    requeued = httpx.post(
        stack.admin(f"/deliveries/{dead['id']}/opnieuw"), headers={"Authorization": f"Bearer {ADMIN}"}
    )
    assert requeued.status_code == 202
    eventually(lambda: stack.webhook.received, "the re-queued webhook delivered")


@pytest.mark.parametrize(
    ("veld", "waarde"),
    [
        ("email", "annemieke.traag@"),
        ("webhook_url", "http://127.0.0.1:9/x"),
        ("webhook_url", "ftp://example.org/hook"),
        ("webhook_url", "https://example.org:99999/hook"),
    ],
)
def test_invalid_preferences_are_refused_with_problem_json_and_change_nothing(
    stack: Stack, veld: str, waarde: str
) -> None:
    stack.start_notifier(NOTIFIER_WEBHOOK_ALLOW_PRIVATE="false")
    subscribe(stack)
    before = httpx.get(
        stack.admin(f"/portefeuillehouders/{TRAAG}/voorkeuren"), headers={"Authorization": f"Bearer {ADMIN}"}
    )
    response = stack.voorkeuren(TRAAG, {"email": "nieuw@example.org", veld: waarde})
    assert response.status_code == 400 and response.headers["content-type"] == "application/problem+json"
    assert response.json()["invalidParams"][0]["name"] == veld
    after = httpx.get(
        stack.admin(f"/portefeuillehouders/{TRAAG}/voorkeuren"), headers={"Authorization": f"Bearer {ADMIN}"}
    )
    assert after.json() == before.json() and after.json()["email"] == "annemieke.traag@example.org"


def test_two_notifier_processes_on_one_database_send_nothing_twice(stack: Stack) -> None:
    stack.start_notifier()
    stack.start_notifier()
    subscribe(stack, webhook_url=stack.webhook.url, webhook_secret=WEBHOOK_SECRET)
    keys = alerts(stack, 3)
    eventually(lambda: set(mails_per_key(stack)) >= set(keys), "every alert")
    eventually(lambda: len(stack.webhook.received) >= len(keys), "every webhook")
    assert all(mails_per_key(stack)[key] == 1 for key in keys), mails_per_key(stack)
    assert sorted(Counter(h["data"]["sleutel"] for h in stack.webhook.received).values()) == [1] * len(keys)
