"""Channels from preferences, webhook signing and targets, and the mail as it is rendered."""

from __future__ import annotations

import time

import pytest
from standardwebhooks import Webhook

from notifier.channels.webhook import refused_target, sign
from notifier.notificatie import Notificatie, Soort
from notifier.recipients import new_webhook_secret
from notifier.render import mail, webhook_body
from notifier.voorkeuren import Kanaal, Voorkeuren, kanalen_voor

ALERT = Notificatie(
    "e1",
    "annemieke-traag",
    Soort.alert,
    "Aandacht nodig: <Wilderinkshoek>",
    "Risico & meer",
    (("Toelichting", "<script>alert(1)</script>"),),
    "wilderinkshoek",
)


def test_someone_without_preferences_gets_only_the_inbox() -> None:
    assert kanalen_voor(None, Soort.alert) == [Kanaal.inbox]


def test_every_channel_with_an_address_is_used() -> None:
    v = Voorkeuren(email="a@example.org", webhook_url="https://example.org/hook")
    assert kanalen_voor(v, Soort.alert) == [Kanaal.email, Kanaal.webhook, Kanaal.inbox]


def test_a_channel_switched_off_is_not_used() -> None:
    v = Voorkeuren(email="a@example.org", kanalen={Kanaal.email: False})
    assert kanalen_voor(v, Soort.alert) == [Kanaal.inbox]


def test_alleen_digest_keeps_alerts_out_of_mail_but_in_the_inbox() -> None:
    v = Voorkeuren(email="a@example.org", alleen_digest=True)
    assert kanalen_voor(v, Soort.alert) == [Kanaal.inbox]
    assert kanalen_voor(v, Soort.weekoverzicht) == [Kanaal.email, Kanaal.inbox]


@pytest.mark.parametrize("adres", ["geen-adres", "a@b", "a b@example.org", "<a@example.org>"])
def test_refuses_an_invalid_email_address(adres: str) -> None:
    with pytest.raises(ValueError, match="e-mailadres"):
        Voorkeuren(email=adres)


def test_the_signature_verifies_with_the_standard_webhooks_library() -> None:
    secret = new_webhook_secret()
    body, timestamp = (
        '{"type": "koersmonitor.alert"}',
        str(int(time.time())),
    )  # the library checks it is recent
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": timestamp,
        "webhook-signature": sign(secret, "msg_1", timestamp, body),
    }
    assert Webhook(secret).verify(body, headers) == {"type": "koersmonitor.alert"}


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://10.0.0.5/hook",
        "http://[::1]/x",
        "http://169.254.169.254/latest",
        "http://localhost:8080/",
    ],
)
def test_refuses_private_and_loopback_webhook_targets(url: str) -> None:
    assert refused_target(url, allow_private=False) is not None
    assert refused_target(url, allow_private=True) is None


@pytest.mark.parametrize("url", ["ftp://example.org/x", "example.org/hook", "http:///pad"])
def test_refuses_a_webhook_url_that_is_not_http(url: str) -> None:
    assert refused_target(url, allow_private=True) is not None


def test_the_mail_is_dutch_escaped_and_links_to_the_actie() -> None:
    rendered = mail(ALERT, "https://koers.hengelo.nl/")
    assert "https://koers.hengelo.nl/acties/wilderinkshoek" in rendered.tekst
    assert "&lt;script&gt;" in rendered.html and "<script>" not in rendered.html
    assert 'href="https://koers.hengelo.nl/acties/wilderinkshoek"' in rendered.html
    assert "Toelichting: <script>alert(1)</script>" in rendered.tekst and "Bekijk de actie" in rendered.tekst


def test_the_webhook_body_carries_a_text_chat_bridges_show() -> None:
    body = webhook_body(ALERT, "https://koers.hengelo.nl", "2026-03-02T09:00:00+00:00")
    assert body["type"] == "koersmonitor.alert" and body["data"]["link"].endswith("/acties/wilderinkshoek")
    assert body["text"].startswith("Aandacht nodig: <Wilderinkshoek>\nRisico & meer")
