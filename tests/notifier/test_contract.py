"""docs/events.md is the contract: the tracker emits exactly what it lists; the notifier reads it."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from koers.db import make_engine
from notifier.consumer import process
from notifier.feed import EVENT_TYPES, FeedPage
from tests.conftest import Service
from tests.notifier.stack import ADMIN, TRACKER_ADMIN, MailServer, Stack, eventually

DOC = (Path(__file__).resolve().parents[2] / "docs" / "events.md").read_text(encoding="utf-8")


def table_fields(section: str) -> set[str]:
    """The first column of the first table under a heading of the doc."""
    body = DOC.split(section + "\n", 1)[1]
    rows = re.findall(r"^\| `([a-z_]+)` \|", body.split("\n#", 1)[0], flags=re.MULTILINE)
    return set(rows)


def documented_types() -> set[str]:
    return set(re.findall(r"^### (\w+)$", DOC, flags=re.MULTILINE))


def sample_page() -> dict[str, Any]:
    return dict(json.loads(DOC.split("## Sample page\n\n```json\n", 1)[1].split("```", 1)[0]))


# --- the tracker's side -------------------------------------------------------------------------------


def test_the_doc_lists_exactly_the_trackers_event_types_and_their_fields() -> None:
    from tracker import events
    from tracker.feed import CloudEvent

    assert documented_types() == set(events.EVENT_TYPES)
    for name in events.EVENT_TYPES:
        assert table_fields(f"### {name}") == set(getattr(events, name).model_fields) - {"type"}, name
    assert table_fields("## The envelope: CloudEvents 1.0, structured JSON") == set(CloudEvent.model_fields)


def test_the_trackers_feed_emits_exactly_the_documented_fields(stack: Stack) -> None:
    admin = {"Authorization": f"Bearer {TRACKER_ADMIN}"}
    gemeld = stack.meld("wilderinkshoek", "risico", verwachte_einddatum="2027-03-31", kpi_waarde=1200)
    base = f"{stack.tracker.url}/api/v1/acties/wilderinkshoek"
    correctie = {"status": "op_koers", "voortgang": 40, "corrigeert": gemeld, "reden": "Verkeerde status"}
    assert httpx.post(f"{base}/correcties", json=correctie, headers=admin).status_code == 201
    stack.meld("wilderinkshoek", "afgerond", 100)
    assert httpx.post(f"{base}/heropen", json={"reden": "Tweede fase"}, headers=admin).status_code == 201
    page = httpx.get(f"{stack.tracker.url}/api/v1/events", params={"limit": 1000}, headers=admin).json()
    envelope = table_fields("## The envelope: CloudEvents 1.0, structured JSON")
    seen = set()
    for event in page["events"]:
        name = event["type"].removeprefix("nl.koersmonitor.")
        assert set(event) == envelope and event["dataschemaversion"] == "1", event
        assert set(event["data"]) == table_fields(f"### {name}"), name
        seen.add(name)
    assert seen >= {
        "PortefeuillehouderGeregistreerd",
        "OpgaveGeregistreerd",
        "ActieGeregistreerd",
        "VoortgangGemeld",
        "VoortgangGecorrigeerd",
        "ActieHeropend",
    }


# --- the notifier's side ------------------------------------------------------------------------------


def test_the_notifier_knows_every_documented_type() -> None:
    assert documented_types() == EVENT_TYPES


def test_the_notifier_reads_the_sample_page_into_an_alert(notifier_url: str) -> None:
    engine = make_engine(notifier_url)
    page = FeedPage.model_validate(sample_page())
    assert process(engine, 0, page, page.events[-1].time)
    with engine.connect() as conn:
        rows = list(conn.exec_driver_sql("SELECT recipient, soort, sleutel FROM notifier_delivery"))
    assert [tuple(r) for r in rows] == [("annemieke-traag", "alert", page.events[-1].id)]


class FakeFeed:
    """The feed endpoint as docs/events.md shapes it, serving fixed events: a five-line tracker."""

    def __init__(self, events: list[dict[str, Any]]) -> None:
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                after = int(re.search(r"after=(\d+)", self.path).group(1))  # type: ignore[union-attr]
                page = [e for e in feed.events if e["position"] > after][:2]
                body = json.dumps({"events": page, "last_position": page[-1]["position"] if page else after})
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *_: object) -> None:
                pass

        self.events = events
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def fake_feed() -> Iterator[Callable[[list[dict[str, Any]]], FakeFeed]]:
    feeds: list[FakeFeed] = []
    yield lambda events: feeds.append(FakeFeed(events)) or feeds[-1]  # type: ignore[func-returns-value]
    for feed in feeds:
        feed.server.shutdown()


def test_a_notifier_process_skips_unknown_types_and_newer_versions_with_a_log_line(
    notifier_url: str,
    services: Callable[[str, dict[str, str]], Service],
    fake_feed: Callable[..., FakeFeed],
    tmp_path: Path,
) -> None:
    *catalogue, risico = sample_page()["events"]
    onbekend = {**risico, "id": "u-1", "type": "nl.koersmonitor.BegrotingVastgesteld", "data": {"bedrag": 1}}
    nieuwer = {**risico, "id": "v-2", "dataschemaversion": "2", "data": {"toestand": "risico"}}
    events = [*catalogue, onbekend, nieuwer, risico]
    feed = fake_feed([{**e, "position": i + 1} for i, e in enumerate(events)])
    mail = MailServer().start()
    recipients = tmp_path / "recipients.yaml"
    recipients.write_text("portefeuillehouders:\n  annemieke-traag: {email: annemieke.traag@example.org}\n")
    notifier = services(
        "notifier",
        {
            "NOTIFIER_RECIPIENTS": str(recipients),
            "NOTIFIER_DATABASE_URL": notifier_url,
            "NOTIFIER_TRACKER_URL": feed.url,
            "NOTIFIER_ADMIN_TOKEN": ADMIN,
            "NOTIFIER_SMTP_HOST": "127.0.0.1",
            "NOTIFIER_SMTP_PORT": str(mail.port),
            "NOTIFIER_FEED_WAIT": "1",
            "NOTIFIER_OUTBOX_POLL": "0.1",
            "NOTIFIER_PLANNER_INTERVAL": "0",
        },
    )
    try:
        [received] = eventually(lambda: mail.with_key(risico["id"]), "the mail for the readable event")
        assert received["To"] == "annemieke.traag@example.org"
        log = eventually(
            lambda: "schemaversie 2" in notifier.log.read_text() and notifier.log.read_text(), "log"
        )
        assert "onbekend type nl.koersmonitor.BegrotingVastgesteld" in log
        assert notifier.process is not None and notifier.process.poll() is None
    finally:
        mail.stop()
