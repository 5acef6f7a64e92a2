"""Alert latency: a committed risico update to the mail accepted by SMTP and to the webhook received.

Tracker and notifier run as real processes; the SMTP server and the webhook receiver run in this process
and note arrival times, so one monotonic clock measures both ends."""

from __future__ import annotations

import base64
import secrets
import time
from typing import TYPE_CHECKING

import httpx

from bench import tracker_db
from bench.receivers import Arrivals, MailServer, WebhookReceiver
from bench.server import Service, TrackerProcess
from bench.timing import Result
from notifier.migrate import upgrade as upgrade_notifier
from tracker.auth import NewToken, Rol, create_token
from tracker.store import utcnow

if TYPE_CHECKING:
    from bench.scratch import Scratch

TRAAG = "annemieke-traag"
ACTIES = ("wilderinkshoek", "twentekanaal", "isolatiesubsidie")  # all three are hers
WARMUP = 2 * len(ACTIES)  # one op_koers/risico round: first connections and caches, not measured
PACE = 0.05  # seconds between updates: the latency of a steady stream, not of a queue after a burst
PATIENCE = 60.0


def run(scratch: Scratch, backend: str, updates: int) -> list[Result]:
    db = tracker_db.prepare(scratch.url(backend, "alert_tracker"))
    _, service_token = create_token(db.store.engine, NewToken(rol=Rol.service), utcnow())
    db.close()
    notifier_db = scratch.url(backend, "alert_notifier")
    upgrade_notifier(notifier_db)
    admin = secrets.token_urlsafe(24)
    logs = scratch.folder
    mail, hook = MailServer(), WebhookReceiver()
    tracker = TrackerProcess(db.url, logs / f"tracker-alert-{backend}.log")
    env = notifier_env(notifier_db, tracker.url, service_token, admin) | smtp(mail.port)
    notifier = Service("notifier", env, logs / f"notifier-alert-{backend}.log", "/healthz")
    with (
        mail,
        hook,
        tracker,
        notifier,
    ):  # left in reverse: the notifier first, so no long-poll holds the tracker
        _subscribe(notifier.url, admin, hook.url)
        committed = _post(tracker.url, tracker.admin_token, updates)
        _await(committed, [mail.arrivals, hook.arrivals])
    note = (
        f"{updates} updates {PACE * 1000:.0f} ms apart, op_koers/risico in turn over {len(ACTIES)} acties; "
        f"{len(committed)} risico alerts timed from the 201 in the client's hands; notifier as a process"
    )
    return [
        _result("alert mail", backend, committed, mail.arrivals, note),
        _result("alert webhook", backend, committed, hook.arrivals, note),
    ]


def notifier_env(database_url: str, tracker_url: str, token: str, admin: str) -> dict[str, str]:
    return {
        "NOTIFIER_DATABASE_URL": database_url,
        "NOTIFIER_TRACKER_URL": tracker_url,
        "NOTIFIER_TRACKER_TOKEN": token,
        "NOTIFIER_ADMIN_TOKEN": admin,
        "NOTIFIER_WEBHOOK_ALLOW_PRIVATE": "true",  # the receiver is on loopback
        "NOTIFIER_FEED_WAIT": "5",
        "NOTIFIER_OUTBOX_POLL": "0.05",
        "NOTIFIER_PLANNER_INTERVAL": "0",  # no reminders or digests mixed into the figures
        "NOTIFIER_LOG_LEVEL": "WARNING",
    }


def smtp(port: int) -> dict[str, str]:
    return {"NOTIFIER_SMTP_HOST": "127.0.0.1", "NOTIFIER_SMTP_PORT": str(port)}


def _subscribe(notifier_url: str, admin: str, webhook_url: str) -> None:
    """Mail and webhook for Traag, once the notifier has learned of her from the feed (404 until then)."""
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
    body = {"email": "annemieke.traag@example.org", "webhook_url": webhook_url, "webhook_secret": secret}
    url = f"{notifier_url}/api/v1/portefeuillehouders/{TRAAG}/voorkeuren"
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if httpx.put(url, json=body, headers={"Authorization": f"Bearer {admin}"}).status_code == 200:
            return
        time.sleep(0.1)
    raise RuntimeError(f"the notifier did not accept {TRAAG}'s preferences within {PATIENCE:.0f} s")


def _post(tracker_url: str, token: str, updates: int) -> dict[str, float]:
    """Post the updates; the commit time of each measured risico, by event_id (the mail's sleutel)."""
    committed: dict[str, float] = {}
    with httpx.Client(base_url=tracker_url, headers={"Authorization": f"Bearer {token}"}) as client:
        for i in range(WARMUP + updates):
            risico = (i // len(ACTIES)) % 2 == 1  # op_koers first: it is no change from the catalogue's start
            response = client.post(f"/api/v1/acties/{ACTIES[i % len(ACTIES)]}/updates", json=_body(risico))
            response.raise_for_status()
            if risico and i >= WARMUP:
                committed[response.json()["event_id"]] = time.monotonic()
            time.sleep(PACE)
    return committed


def _body(risico: bool) -> dict[str, object]:
    if not risico:
        return {"status": "op_koers", "voortgang": 40, "toelichting": "weer op koers"}
    return {
        "status": "risico",
        "voortgang": 40,
        "toelichting": "bench",
        "oorzaak": "subsidiebesluit later",
        "gevolg": "start bouw schuift",
        "bijsturing": "gesprek provincie",
    }


def _await(committed: dict[str, float], receivers: list[Arrivals]) -> None:
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline and any(set(committed) - set(r.at) for r in receivers):
        time.sleep(0.1)


def _result(bench: str, backend: str, committed: dict[str, float], arrivals: Arrivals, note: str) -> Result:
    arrived = {k: arrivals.at[k] for k in committed if k in arrivals.at}
    latencies = [(arrived[k] - committed[k]) * 1000 for k in arrived]
    seconds = max(arrived.values(), default=0.0) - min(committed.values(), default=0.0)
    return Result(
        bench, backend, "alerts/s", len(arrived), seconds, latencies, len(committed) - len(arrived), note
    )
