"""Webhooks signed per Standard Webhooks; no redirects, a timeout, and no private targets unless allowed."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import socket
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import anyio
import httpx

from notifier import render
from notifier.channels import Bezorging, DeliveryFailed

if TYPE_CHECKING:
    from ssl import SSLContext

    from notifier.settings import NotifierSettings


def sign(secret: str, message_id: str, timestamp: str, body: str) -> str:
    """The webhook-signature header: v1 HMAC-SHA256 over `id.timestamp.body`, keyed by the secret's bytes."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{message_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def refused_target(url: str, allow_private: bool) -> str | None:
    """Why the notifier will not post to this URL, or None. Resolves the host name (blocking)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "moet een http(s)-URL met een host zijn"
    if allow_private:
        return None
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return "de host is onbekend"
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            return "wijst naar een privé-, loopback- of gereserveerd adres"
    return None


class WebhookChannel:
    def __init__(self, settings: NotifierSettings, clock: Callable[[], datetime], tls: SSLContext) -> None:
        # One TLS context for every send: loading the CA certificates for each cost ~75 ms of CPU, over
        # half the notifier's work, and alerts queued behind it (seconds of latency at 8 alerts a second).
        self.settings, self.clock, self.tls = settings, clock, tls

    async def send(self, bezorging: Bezorging) -> str:
        v = bezorging.voorkeuren
        if v is None or not v.webhook_url or not v.webhook_secret:
            raise DeliveryFailed("geen webhook ingesteld")
        # Checked again at send time: the name may resolve elsewhere than when it was saved.
        if reason := await anyio.to_thread.run_sync(
            refused_target, v.webhook_url, self.settings.webhook_allow_private
        ):
            raise DeliveryFailed(f"webhook-URL {reason}")
        now = self.clock()
        timestamp = str(int(now.timestamp()))
        body = json.dumps(
            render.webhook_body(bezorging.notificatie, self.settings.dashboard_url, now.isoformat()),
            ensure_ascii=False,
        )
        headers = {
            "content-type": "application/json",
            "webhook-id": bezorging.id,
            "webhook-timestamp": timestamp,
            "webhook-signature": sign(v.webhook_secret, bezorging.id, timestamp, body),
        }
        try:
            async with httpx.AsyncClient(
                follow_redirects=False, timeout=self.settings.webhook_timeout, verify=self.tls
            ) as client:
                response = await client.post(v.webhook_url, content=body.encode(), headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"webhook: {type(exc).__name__}") from exc
        if not response.is_success:
            raise DeliveryFailed(f"webhook antwoordde HTTP {response.status_code}")
        return f"HTTP {response.status_code} {response.text[:500]}".strip()
