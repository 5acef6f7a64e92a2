"""An SMTP server and a webhook receiver that note when each notification arrived, keyed by its sleutel."""

from __future__ import annotations

import email
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from bench.server import HOST, free_port


class Arrivals:
    """First arrival per sleutel, in `time.monotonic()`: a retried delivery does not move it."""

    def __init__(self) -> None:
        self.at: dict[str, float] = {}
        self.lock = threading.Lock()

    def note(self, sleutel: str) -> None:
        now = time.monotonic()
        with self.lock:
            self.at.setdefault(sleutel, now)


class MailServer:
    """aiosmtpd in this process; a mail counts once the DATA is accepted, as the notifier's send does."""

    def __init__(self) -> None:
        self.arrivals = Arrivals()
        self.port = free_port()
        self.controller = Controller(self, hostname=HOST, port=self.port)

    async def handle_DATA(self, _server: object, _session: object, envelope: Any) -> str:  # noqa: N802 (aiosmtpd)
        self.arrivals.note(str(email.message_from_bytes(envelope.content)["X-Koersmonitor-Sleutel"]))
        return "250 OK"

    def __enter__(self) -> MailServer:
        self.controller.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.controller.stop()


class WebhookReceiver:
    """A threaded HTTP server answering 200; the signature is not checked, the tests do that."""

    def __init__(self) -> None:
        arrivals = self.arrivals = Arrivals()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["content-length"])))
                arrivals.note(str(body["data"]["sleutel"]))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *_: object) -> None:
                pass

        self.server = ThreadingHTTPServer((HOST, 0), Handler)
        self.url = f"http://{HOST}:{self.server.server_address[1]}/hook"

    def __enter__(self) -> WebhookReceiver:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()
