"""Channels from preferences, webhook signing and targets, and the mail as it is rendered."""

from __future__ import annotations

import ipaddress
import socket
import ssl
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from standardwebhooks import Webhook

from notifier.channels import Bezorging, DeliveryFailed
from notifier.channels.webhook import WebhookChannel, refused_target, sign
from notifier.notificatie import Notificatie, Soort
from notifier.recipients import new_webhook_secret
from notifier.render import mail, webhook_body
from notifier.settings import NotifierSettings
from notifier.voorkeuren import Kanaal, Voorkeuren, kanalen_voor
from tests.notifier.stack import WEBHOOK_SECRET, WebhookReceiver

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


@pytest.mark.parametrize(
    "url", ["ftp://example.org/x", "example.org/hook", "http:///pad", "http://example.org:99999/x"]
)
def test_refuses_a_webhook_url_that_is_not_http(url: str) -> None:
    assert refused_target(url, allow_private=True) is not None


HOOK = "hook.koers.test"  # a name no real DNS knows: the tests' resolver gives its addresses


def resolver(monkeypatch: pytest.MonkeyPatch, *answers: str) -> list[str]:
    """Resolve HOOK to each answer in turn, the last one from then on; returns the lookups made."""
    real, lookups = socket.getaddrinfo, []

    def getaddrinfo(host: str, *args: Any, **kwargs: Any) -> Any:
        if host != HOOK:
            return real(host, *args, **kwargs)
        lookups.append(answer := answers[min(len(lookups), len(answers) - 1)])
        return real(answer, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return lookups


def channel(tls: ssl.SSLContext, allow_private: bool) -> WebhookChannel:
    settings = NotifierSettings(webhook_allow_private=allow_private, webhook_timeout=5)
    return WebhookChannel(settings, lambda: datetime.now(UTC), tls)


def bezorging(url: str) -> Bezorging:
    voorkeuren = Voorkeuren(webhook_url=url, webhook_secret=WEBHOOK_SECRET)
    return Bezorging("msg_rebinding", "annemieke-traag", ALERT, voorkeuren)


async def test_a_webhook_goes_to_the_address_that_was_checked_when_the_name_moves_inside(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DNS rebinding: the name passes the check with a public address, then points inside the network.
    Here 127.0.0.1 plays the public address and 127.0.0.2 the notifier's own network."""
    monkeypatch.setattr(ipaddress.IPv4Address, "is_global", property(lambda a: str(a) == "127.0.0.1"))
    checked = WebhookReceiver().start()
    inside = WebhookReceiver(host="127.0.0.2", port=checked.port).start()
    lookups = resolver(monkeypatch, "127.0.0.1", "127.0.0.2")
    try:
        answer = await channel(httpx.create_ssl_context(), allow_private=False).send(
            bezorging(f"http://{HOOK}:{checked.port}/hook")
        )
    finally:
        checked.stop()
        inside.stop()
    assert answer.startswith("HTTP 200") and lookups == ["127.0.0.1"]
    assert [hook["id"] for hook in checked.received] == ["msg_rebinding"]
    assert checked.hosts == [f"{HOOK}:{checked.port}"] and inside.attempts == 0


async def test_a_webhook_over_tls_checks_the_certificate_of_the_name_not_of_the_address(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    self_signed = f"req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN={HOOK}"
    names = ["-addext", f"subjectAltName=DNS:{HOOK}", "-keyout", str(key), "-out", str(cert)]
    subprocess.run(["openssl", *self_signed.split(), *names], check=True, capture_output=True)
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    receiver = WebhookReceiver(tls=server).start()
    resolver(monkeypatch, "127.0.0.1")
    try:
        answer = await channel(ssl.create_default_context(cafile=cert), allow_private=True).send(
            bezorging(f"https://{HOOK}:{receiver.port}/hook")
        )
        with pytest.raises(DeliveryFailed, match="ConnectError"):  # the certificate does not name 127.0.0.1
            await channel(ssl.create_default_context(cafile=cert), allow_private=True).send(
                bezorging(receiver.url)
            )
    finally:
        receiver.stop()
    assert answer.startswith("HTTP 200") and [hook["id"] for hook in receiver.received] == ["msg_rebinding"]


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
