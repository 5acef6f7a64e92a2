"""What an operator relies on, with real processes: metrics, readiness, a clean SIGTERM, clean logs."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from koers.db import make_engine
from notifier.tables import DELIVERY
from tests.notifier.stack import ADMIN, TRACKER_ADMIN, WEBHOOK_SECRET, Stack, eventually

EMAIL = "annemieke.traag@example.org"


def subscribe(stack: Stack, **body: object) -> None:
    body = {"email": EMAIL, **body}
    eventually(
        lambda: stack.voorkeuren("annemieke-traag", body).status_code == 200, "the preferences accepted"
    )


def metric(url: str, name: str) -> float:
    lines = [line for line in httpx.get(url + "/metrics").text.splitlines() if line.startswith(name + " ")]
    return float(lines[0].split()[1])


def test_the_notifier_reports_its_lag_and_outbox_and_is_ready_while_it_hears_the_feed(stack: Stack) -> None:
    notifier = stack.start_notifier(NOTIFIER_FEED_STALE_SECONDS="3")
    subscribe(stack)
    stack.meld("wilderinkshoek", "risico")
    eventually(lambda: stack.mail.messages, "the alert mailed")
    eventually(lambda: metric(notifier.url, "koers_notifier_feed_position") > 0, "the position reported")
    assert metric(notifier.url, "koers_notifier_feed_lag_events") == 0
    assert metric(notifier.url, "koers_notifier_deliveries_dead") == 0
    assert httpx.get(notifier.url + "/readyz").status_code == 200
    stack.tracker.stop()
    unready = eventually(
        lambda: (r := httpx.get(notifier.url + "/readyz")).status_code == 503 and r, "not ready"
    )
    assert (
        "feed" in unready.json()["detail"] and unready.headers["content-type"] == "application/problem+json"
    )


def test_sigterm_lets_the_delivery_in_hand_finish(stack: Stack) -> None:
    notifier = stack.start_notifier(NOTIFIER_WEBHOOK_TIMEOUT="20")
    subscribe(stack, webhook_url=stack.webhook.url, webhook_secret=WEBHOOK_SECRET, kanalen={"email": False})
    stack.webhook.hang = True  # the receiver takes 5 s to answer
    stack.meld("wilderinkshoek", "risico")
    eventually(lambda: stack.webhook.attempts == 1, "the webhook called")
    notifier.stop()  # SIGTERM while the request is in flight
    # uvicorn re-raises the SIGTERM after its graceful shutdown: exit by that signal, lifespan completed.
    assert notifier.process is not None and notifier.process.returncode == -15
    assert "Application shutdown complete" in notifier.log.read_text()
    engine = make_engine(stack.notifier_env["NOTIFIER_DATABASE_URL"])
    with engine.connect() as conn:
        rows = conn.execute(
            select(DELIVERY.c.status, DELIVERY.c.attempts).where(DELIVERY.c.channel == "webhook")
        )
        assert [tuple(r) for r in rows] == [("sent", 1)]
    engine.dispose()
    assert len(stack.webhook.received) == 1


@pytest.mark.parametrize("backend", ["sqlite"])
def test_no_token_or_address_reaches_the_logs(stack: Stack, backend: str) -> None:
    stack.start_notifier()
    subscribe(stack, webhook_url=stack.webhook.url, webhook_secret=WEBHOOK_SECRET)
    stack.meld("wilderinkshoek", "risico")
    eventually(lambda: stack.mail.messages and stack.webhook.received, "the alert mailed and posted")
    inbox = stack.inbox_token("annemieke-traag")
    assert (
        httpx.get(stack.admin("/deliveries"), headers={"Authorization": "Bearer wrong-" + ADMIN}).status_code
        == 401
    )
    logs = stack.log() + stack.tracker.log.read_text()
    assert "correlation_id" in logs  # the logs are there, as JSON lines
    for secret in (
        TRACKER_ADMIN,
        ADMIN,
        stack.notifier_env["NOTIFIER_TRACKER_TOKEN"],
        inbox,
        WEBHOOK_SECRET,
        EMAIL,
    ):
        assert secret not in logs, secret
