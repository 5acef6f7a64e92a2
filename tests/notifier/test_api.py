"""The notifier's API in process (lifespan included): who may do what, and the answers they get."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from koers.db import make_engine
from notifier.consumer import process
from notifier.feed import FeedPage
from notifier.main import create_app
from notifier.settings import NotifierSettings
from tests.notifier.factories import T0, catalogue_page, feed_event, melding

ADMIN = "api-test-admin"
EXAMPLE = Path(__file__).resolve().parents[2] / "services" / "notifier" / "recipients-hengelo.example.yaml"
BEHEER = {"Authorization": f"Bearer {ADMIN}"}


@pytest.fixture
async def client(notifier_url: str, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    settings = NotifierSettings(
        database_url=notifier_url,
        admin_token=ADMIN,
        recipients=EXAMPLE,
        tracker_url="http://127.0.0.1:9",
        planner_interval=0,
        mail_folder=tmp_path / "mail",  # not the checkout's data/mail, which ./scripts/run shows
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://notifier/api/v1") as client:
            yield client


async def token_of(client: httpx.AsyncClient, portefeuillehouder: str) -> dict[str, str]:
    response = await client.post(f"/portefeuillehouders/{portefeuillehouder}/inbox-token", headers=BEHEER)
    assert response.status_code == 201
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def test_refuses_a_call_without_a_token_or_with_an_unknown_one(client: httpx.AsyncClient) -> None:
    for headers in ({}, {"Authorization": "Bearer onbekend"}):
        response = await client.get("/inbox/annemieke-traag", headers=headers)
        assert response.status_code == 401 and response.headers["content-type"] == "application/problem+json"


async def test_a_holder_manages_her_own_preferences_and_inbox_but_no_one_elses(
    client: httpx.AsyncClient,
) -> None:
    traag = await token_of(client, "annemieke-traag")
    put = await client.put(
        "/portefeuillehouders/annemieke-traag/voorkeuren",
        json={"email": "a.traag@example.org"},
        headers=traag,
    )
    assert put.status_code == 200 and put.json()["email"] == "a.traag@example.org"
    assert (await client.get("/inbox/annemieke-traag", headers=traag)).json() == []
    assert (await client.get("/inbox/benno-brand", headers=traag)).status_code == 403
    other = await client.put(
        "/portefeuillehouders/benno-brand/voorkeuren", json={"email": "x@example.org"}, headers=traag
    )
    assert other.status_code == 403


async def test_only_beheer_sees_deliveries_and_makes_tokens(client: httpx.AsyncClient) -> None:
    traag = await token_of(client, "annemieke-traag")
    assert (await client.get("/deliveries", headers=traag)).status_code == 403
    assert (
        await client.post("/portefeuillehouders/benno-brand/inbox-token", headers=traag)
    ).status_code == 403
    assert (await client.get("/deliveries", headers=BEHEER, params={"status": "dead"})).json() == []
    assert (await client.get("/deliveries", headers=BEHEER, params={"status": "kwijt"})).status_code == 400


async def test_a_webhook_secret_is_made_when_missing_and_shown_only_once(client: httpx.AsyncClient) -> None:
    body = {"webhook_url": "https://93.184.215.14/hook", "kanalen": {"email": False}}  # public; no DNS needed
    put = await client.put("/portefeuillehouders/benno-brand/voorkeuren", json=body, headers=BEHEER)
    assert put.status_code == 200 and put.json()["webhook_secret"].startswith("whsec_")
    got = await client.get("/portefeuillehouders/benno-brand/voorkeuren", headers=BEHEER)
    assert got.json()["webhook_secret"] is None and got.json()["kanalen"] == {"email": False}


async def test_preferences_of_someone_unknown_are_not_found(client: httpx.AsyncClient) -> None:
    response = await client.put("/portefeuillehouders/niemand/voorkeuren", json={}, headers=BEHEER)
    assert response.status_code == 404


async def test_refuses_unknown_fields_and_channels_with_400(client: httpx.AsyncClient) -> None:
    for body in ({"telefoon": "06"}, {"kanalen": {"sms": True}}, {"webhook_secret": "geheim"}):
        response = await client.put("/portefeuillehouders/benno-brand/voorkeuren", json=body, headers=BEHEER)
        assert response.status_code == 400, body


async def test_an_inbox_item_is_marked_read_once_it_exists(
    client: httpx.AsyncClient, notifier_url: str
) -> None:
    engine = make_engine(notifier_url)
    page: FeedPage = catalogue_page(feed_event("VoortgangGemeld", "actie/wilderinkshoek", melding("risico")))
    process(engine, 0, page, T0)
    traag = await token_of(client, "annemieke-traag")
    [item] = await _eventually_inbox(client, traag)
    assert (
        await client.post(f"/inbox/annemieke-traag/{item['id']}/gelezen", headers=traag)
    ).status_code == 204
    assert (
        await client.get("/inbox/annemieke-traag", headers=traag, params={"ongelezen": True})
    ).json() == []
    assert (await client.post("/inbox/annemieke-traag/onbekend/gelezen", headers=traag)).status_code == 404


async def test_only_a_dead_delivery_can_be_requeued(client: httpx.AsyncClient) -> None:
    assert (await client.post("/deliveries/onbekend/opnieuw", headers=BEHEER)).status_code == 409


async def _eventually_inbox(client: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, str]]:

    for _ in range(200):  # the outbox runs in the lifespan; give it a generous while
        if items := (await client.get("/inbox/annemieke-traag", headers=headers)).json():
            return list(items)
        await asyncio.sleep(0.05)
    raise AssertionError("no inbox item")
