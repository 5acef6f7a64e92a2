"""Real pieces for end-to-end tests: SMTP server, webhook receiver checking signatures, both services."""

from __future__ import annotations

import email
import email.policy
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
from aiosmtpd.controller import Controller
from standardwebhooks import Webhook, WebhookVerificationError

from koers.processes import free_port
from tests.conftest import Service

ADMIN = "notifier-test-admin"
TRACKER_ADMIN = "tracker-test-admin"
WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def eventually(condition: Callable[[], Any], what: str, deadline: float = 30) -> Any:
    """Poll until `condition()` is truthy; the deadline is generous, never an assertion on speed."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if result := condition():
            return result
        time.sleep(0.05)
    raise AssertionError(f"not within {deadline} s: {what}")


class MailServer:
    """aiosmtpd on a fixed port, so it can be stopped and started again at the same address."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        self.controller: Controller | None = None

    async def handle_DATA(self, _server: object, _session: object, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK: ontvangen"

    def start(self) -> MailServer:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None

    def with_key(self, sleutel: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["X-Koersmonitor-Sleutel"] == sleutel]


@dataclass
class WebhookReceiver:
    """Checks each request's Standard Webhooks signature with the reference library, then answers as told."""

    answer: int = 200
    hang: bool = False
    host: str = "127.0.0.1"
    port: int = 0
    tls: ssl.SSLContext | None = None
    received: list[dict[str, Any]] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)  # each request's Host header
    attempts: int = 0
    forged: int = 0

    def start(self) -> WebhookReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"])).decode()
                receiver.attempts += 1
                receiver.hosts.append(self.headers["host"])
                if receiver.hang:
                    time.sleep(5)
                try:
                    payload = Webhook(WEBHOOK_SECRET).verify(body, dict(self.headers))
                except WebhookVerificationError:
                    receiver.forged += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                if receiver.answer < 300:
                    receiver.received.append({"id": self.headers["webhook-id"], **payload})
                self.send_response(receiver.answer)
                self.end_headers()

            def log_message(self, *_: object) -> None:
                pass

        self.server = ThreadingHTTPServer((self.host, self.port), Handler)
        self.port = self.server.server_address[1]
        if self.tls:
            self.server.socket = self.tls.wrap_socket(self.server.socket, server_side=True)
        self.url = f"{'https' if self.tls else 'http'}://{self.host}:{self.port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Stack:
    tracker: Service
    tracker_url: str
    notifier_env: dict[str, str]
    start_service: Callable[[str, dict[str, str]], Service]
    mail: MailServer
    webhook: WebhookReceiver
    notifiers: list[Service] = field(default_factory=list)

    def start_notifier(self, **env: str) -> Service:
        notifier = self.start_service("notifier", {**self.notifier_env, **env})
        self.notifiers.append(notifier)
        return notifier

    @property
    def notifier(self) -> Service:
        return self.notifiers[-1]

    def admin(self, path: str) -> str:
        return self.notifier.url + "/api/v1" + path

    def voorkeuren(self, portefeuillehouder: str, body: dict[str, Any]) -> httpx.Response:
        return httpx.put(
            self.admin(f"/portefeuillehouders/{portefeuillehouder}/voorkeuren"),
            json=body,
            headers={"Authorization": f"Bearer {ADMIN}"},
        )

    def meld(self, actie: str, status: str, voortgang: int = 50, **velden: Any) -> str:
        """Post a status update to the tracker; return its event_id."""
        body = {"status": status, "voortgang": voortgang, "toelichting": f"{status} bij {actie}", **velden}
        if status in ("risico", "vertraagd"):
            body |= {
                "oorzaak": "Bezwaarprocedure loopt",
                "gevolg": "Start schuift op",
                "bijsturing": "Extra overleg",
            }
        response = httpx.post(
            f"{self.tracker.url}/api/v1/acties/{actie}/updates",
            json=body,
            headers={"Authorization": f"Bearer {TRACKER_ADMIN}"},
        )
        assert response.status_code == 201, response.text
        return str(response.json()["event_id"])

    def deliveries(self, status: str | None = None) -> list[dict[str, Any]]:
        response = httpx.get(
            self.admin("/deliveries"),
            params={"status": status, "limit": 1000} if status else {"limit": 1000},
            headers={"Authorization": f"Bearer {ADMIN}"},
        )
        assert response.status_code == 200, response.text
        return list(response.json())

    def inbox_token(self, portefeuillehouder: str) -> str:
        url = self.admin(f"/portefeuillehouders/{portefeuillehouder}/inbox-token")
        return str(httpx.post(url, headers={"Authorization": f"Bearer {ADMIN}"}).json()["token"])

    def inbox(self, portefeuillehouder: str, token: str) -> list[dict[str, Any]]:
        url = self.admin(f"/inbox/{portefeuillehouder}")
        return list(httpx.get(url, headers={"Authorization": f"Bearer {token}"}).json())

    def log(self) -> str:
        return "\n".join(n.log.read_text() for n in self.notifiers)
