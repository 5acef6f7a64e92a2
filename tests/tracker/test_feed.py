"""The feed writes its pages by hand: they must read as the FeedPage model documents them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tests.tracker.conftest import ADMIN
from tests.tracker.factories import RISICO, report
from tracker import feed, upcasting, writes
from tracker.domain import MeldVoortgang, meld
from tracker.feed import CloudEvent, FeedPage

if TYPE_CHECKING:
    import pytest

    from tests.tracker.conftest import Api

BEHEER = {"Authorization": f"Bearer {ADMIN}"}


async def page(api: Api, after: int, limit: int = 1000) -> dict[str, Any]:
    response = await api.client.get("/api/v1/events", params={"after": after, "limit": limit}, headers=BEHEER)
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    return body


async def test_a_page_has_the_models_fields_in_their_order_and_the_logs_values(api: Api) -> None:
    head = api.store.head()
    at = datetime(2030, 1, 1, tzinfo=UTC)  # no microseconds: isoformat leaves them out, so must the feed
    api.store.clock = lambda: at
    meta = {"actor": "test", "correlation_id": 'cör"rel'}
    risico = MeldVoortgang.model_validate(RISICO)
    writes.execute(api.store, "actie/wilderinkshoek", lambda s: meld(s, risico), meta)
    body = await page(api, head - 1)
    assert list(body) == list(FeedPage.model_fields) and FeedPage.model_validate(body)
    before, event = body["events"]
    assert list(event) == list(CloudEvent.model_fields) and list(before) == list(CloudEvent.model_fields)
    [row] = api.store.read_rows(head, 1)
    assert event == {
        "specversion": "1.0",
        "id": row.event_id,
        "source": "http://127.0.0.1:8000/api/v1",
        "type": "nl.koersmonitor.VoortgangGemeld",
        "subject": "actie/wilderinkshoek",
        "time": "2030-01-01T00:00:00Z",
        "datacontenttype": "application/json",
        "dataschemaversion": "1",
        "position": head + 1,
        "version": row.version,
        "correlationid": 'cör"rel',
        "data": json.loads(row.data),
    }
    assert before["correlationid"] is None and before["time"].endswith("Z")


async def test_head_position_is_the_logs_head_on_full_short_and_empty_pages(api: Api) -> None:
    head = api.store.head()
    full, short, empty, beyond = [await page(api, after, 2) for after in (0, head - 1, head, head + 5)]
    assert (full["last_position"], full["head_position"]) == (2, head)
    assert (short["last_position"], short["head_position"], len(short["events"])) == (head, head, 1)
    assert (empty["events"], empty["last_position"], empty["head_position"]) == ([], head, head)
    assert (beyond["last_position"], beyond["head_position"]) == (head + 5, head)


async def test_events_written_with_an_older_schema_are_upcast_in_the_feed(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    report(api.store, voortgang=10, toelichting="oude vorm")
    head = api.store.head()
    # Today's schema becomes 2; what the log holds was written with 1 and is lifted on the way out.
    monkeypatch.setattr(feed, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(upcasting, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(upcasting.UPCASTERS, ("VoortgangGemeld", 1), lambda d: {**d, "voortgang": 11})
    [event] = (await page(api, head - 1))["events"]
    assert event["data"]["voortgang"] == 11 and event["data"]["toelichting"] == "oude vorm"
