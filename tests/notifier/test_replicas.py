"""Two trackers and two notifiers on one PostgreSQL: the log stays whole, long-polls wake across
processes (LISTEN/NOTIFY), and every alert is sent exactly once."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from koers.db import make_engine
from tests.notifier.stack import TRACKER_ADMIN, Stack, eventually
from tracker.store import EventStore

BEHEER = {"Authorization": f"Bearer {TRACKER_ADMIN}"}
TRAAG_ACTIES = ("wilderinkshoek", "twentekanaal", "isolatiesubsidie")
ZORG = {"oorzaak": "Bezwaar loopt", "gevolg": "Start schuift", "bijsturing": "Extra overleg"}


def post(tracker_url: str, actie: str, status: str) -> httpx.Response:
    body = {"status": status, "voortgang": 40, **(ZORG if status == "risico" else {})}
    return httpx.post(f"{tracker_url}/api/v1/acties/{actie}/updates", json=body, headers=BEHEER, timeout=60)


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"])
def test_replicas_on_one_postgresql_keep_the_log_whole_and_alert_once(stack: Stack, backend: str) -> None:
    first = stack.tracker
    second = stack.start_service(
        "tracker", {"TRACKER_DATABASE_URL": stack.tracker_url, "TRACKER_ADMIN_TOKEN": TRACKER_ADMIN}
    )

    head = httpx.get(f"{first.url}/api/v1/events?after=0&limit=1000", headers=BEHEER).json()["last_position"]
    woke: dict[str, Any] = {}
    poll = threading.Thread(
        target=lambda: woke.update(
            httpx.get(f"{first.url}/api/v1/events?after={head}&wait=25", headers=BEHEER, timeout=60).json()
        )
    )
    poll.start()
    written = post(second.url, "wilderinkshoek", "op_koers").json()
    poll.join(60)
    assert [e["id"] for e in woke["events"]] == [written["event_id"]]

    stack.start_notifier()
    stack.start_notifier(NOTIFIER_TRACKER_URL=second.url)
    eventually(
        lambda: (
            stack.voorkeuren("annemieke-traag", {"email": "annemieke.traag@example.org"}).status_code == 200
        ),
        "the preferences accepted",
    )
    plan = [
        (url, actie, status)
        for status in ("risico", "op_koers", "risico", "op_koers")
        for actie in TRAAG_ACTIES
        for url in (first.url, second.url)
    ]
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda p: post(*p), plan))
    assert [a.status_code for a in answers] == [201] * len(plan)

    store = EventStore(make_engine(stack.tracker_url))
    positions = [r.position for r in store.read_rows(0, 10_000)]
    assert positions == list(range(1, len(positions) + 1)) and store.verify().ok
    alerting = {rec.event_id for actie in TRAAG_ACTIES for rec in _turned_risico(store, actie)}

    def mails() -> Counter[str]:
        return Counter(str(m["X-Koersmonitor-Sleutel"]) for m in stack.mail.messages)

    eventually(lambda: set(mails()) >= alerting, "an alert for every risico", deadline=60)
    assert set(mails().values()) == {1}, mails()
    store.engine.dispose()


def _turned_risico(store: EventStore, actie: str) -> list[Any]:
    """The updates, in the log's order, that turned the actie risico: each one alerts its holder."""
    turned, before = [], "niet_gestart"
    for rec in store.read_stream(f"actie/{actie}")[1:]:
        status = rec.event.status  # type: ignore[union-attr]
        if status == "risico" and before != "risico":
            turned.append(rec)
        before = status
    return turned
