"""Webhooks signed per Standard Webhooks; no redirects, a timeout, and no private targets unless allowed."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, urlsplit, urlunsplit

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


class Geweigerd(ValueError):
    """The notifier will not post to this URL; `reden` says why, in Dutch."""

    def __init__(self, reden: str) -> None:
        super().__init__(reden)
        self.reden = reden


@dataclass(frozen=True, slots=True)
class Doel:
    """Where a webhook goes: its URL with a checked IP address in place of the host name, and that name,
    which the request still carries in its Host header and, over TLS, as the name the certificate bears."""

    url: str
    host: str
    naam: str


def refused_target(url: str, allow_private: bool) -> str | None:
    """Why the notifier will not post to this URL, or None. Resolves the host name (blocking) unless
    private targets are allowed: then the name may be one only the notifier's own network knows."""
    try:
        if allow_private:
            _delen(url)
        else:
            doel(url, allow_private)
    except Geweigerd as exc:
        return exc.reden
    return None


def doel(url: str, allow_private: bool) -> Doel:
    """Resolve the host name once, check every address it has, and pin the request to one of them.

    The send connects to this very address. Were the name resolved again to connect, it could answer with
    another address by then (DNS rebinding) and steer a checked webhook to the notifier's own network."""
    parts = _delen(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise Geweigerd("de host is onbekend") from None
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    if not allow_private and not all(address.is_global for address in addresses):
        raise Geweigerd("wijst naar een privé-, loopback- of gereserveerd adres")
    address = addresses[0]
    literal = f"[{address}]" if address.version == 6 else str(address)
    userinfo, _, hostport = parts.netloc.rpartition("@")
    netloc = f"{userinfo}@{literal}:{port}" if userinfo else f"{literal}:{port}"
    return Doel(urlunsplit(parts._replace(netloc=netloc)), hostport, host)


def _delen(url: str) -> SplitResult:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises on a port that is not a number from 0 to 65535
    except ValueError:
        raise Geweigerd("moet een http(s)-URL met een geldige poort zijn") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Geweigerd("moet een http(s)-URL met een host zijn")
    return parts


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
        try:
            target = await anyio.to_thread.run_sync(doel, v.webhook_url, self.settings.webhook_allow_private)
        except Geweigerd as exc:
            raise DeliveryFailed(f"webhook-URL {exc.reden}") from None
        now = self.clock()
        timestamp = str(int(now.timestamp()))
        body = json.dumps(
            render.webhook_body(bezorging.notificatie, self.settings.dashboard_url, now.isoformat()),
            ensure_ascii=False,
        )
        headers = {
            "host": target.host,
            "content-type": "application/json",
            "webhook-id": bezorging.id,
            "webhook-timestamp": timestamp,
            "webhook-signature": sign(v.webhook_secret, bezorging.id, timestamp, body),
        }
        try:
            async with httpx.AsyncClient(
                follow_redirects=False, timeout=self.settings.webhook_timeout, verify=self.tls
            ) as client:
                response = await client.post(
                    target.url,
                    content=body.encode(),
                    headers=headers,
                    extensions={"sni_hostname": target.naam},  # TLS checks the name, not the address
                )
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"webhook: {type(exc).__name__}") from exc
        if not response.is_success:
            raise DeliveryFailed(f"webhook antwoordde HTTP {response.status_code}")
        return f"HTTP {response.status_code} {response.text[:500]}".strip()
