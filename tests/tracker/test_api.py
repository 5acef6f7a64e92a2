"""The tracker's HTTP API on both databases: writes, reads, refusals that change nothing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import APIRouter

from tests.tracker.conftest import ADMIN, Api
from tests.tracker.factories import RISICO
from tracker.api.meldingen import SchrijfRoute, SchrijvenDep
from tracker.auth import Rol
from tracker.domain import MeldVoortgang

BEHEER = {"Authorization": f"Bearer {ADMIN}"}
UPDATES = "/api/v1/acties/wilderinkshoek/updates"


async def test_a_projectleider_posts_an_update_and_gets_the_recorded_event_back(api: Api) -> None:
    lead = api.token(Rol.projectleider, "wilderinkshoek")
    response = await api.client.post(UPDATES, json={**RISICO, "kpi_waarde": 120}, headers=lead)
    assert response.status_code == 201
    body = response.json()
    assert body["type"] == "VoortgangGemeld" and body["data"]["oorzaak"] == RISICO["oorzaak"]
    assert body["position"] == api.store.head() and body["version"] == 2
    assert response.headers["etag"] == '"2"' and response.headers["api-version"] == "1.0.0"
    again = await api.client.get(response.headers["location"], headers=lead)
    assert again.json()["event_id"] == body["event_id"]
    actie = (await api.client.get("/api/v1/acties/wilderinkshoek", headers=lead)).json()
    assert (actie["status"], actie["voortgang"], actie["kpi_waarde"]) == ("risico", 35, 120)


def _update(**changes: Any) -> dict[str, Any]:
    return {k: v for k, v in ({**RISICO} | changes).items() if v is not None}


BAD_UPDATES = [
    pytest.param(_update(status="groen"), ["status"], id="unknown status"),
    pytest.param(_update(voortgang=101), ["voortgang"], id="voortgang above 100"),
    pytest.param(_update(voortgang=-1), ["voortgang"], id="voortgang below 0"),
    pytest.param(_update(voortgang="10"), ["voortgang"], id="a string is not a number"),
    pytest.param(_update(voortgang=35.5), ["voortgang"], id="not an integer"),
    pytest.param(
        _update(oorzaak=None, gevolg="", bijsturing=" "),
        ["oorzaak", "gevolg", "bijsturing"],
        id="risico without its three answers",
    ),
    pytest.param(
        _update(verwachte_einddatum="2026-02-30"), ["verwachte_einddatum"], id="a date that is no date"
    ),
    pytest.param(_update(verwachte_einddatum=20260230), ["verwachte_einddatum"], id="a number is no date"),
    pytest.param(_update(kleur="rood"), ["kleur"], id="unknown field"),
    pytest.param(
        _update(voortgang="x", kleur="rood", status="groen"),
        ["status", "voortgang", "kleur"],
        id="every invalid field at once",
    ),
]


@pytest.mark.parametrize(("body", "fields"), BAD_UPDATES)
async def test_invalid_updates_are_refused_listing_every_invalid_field(
    api: Api, body: dict[str, Any], fields: list[str]
) -> None:
    head = api.store.head()
    response = await api.client.post(UPDATES, json=body, headers=BEHEER)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert sorted(p["name"] for p in problem["invalidParams"]) == sorted(fields)
    assert problem["title"] == "Ongeldige invoer" and "Traceback" not in response.text
    assert api.store.head() == head


async def test_kpi_waarde_on_an_actie_without_a_target_is_refused(api: Api) -> None:
    response = await api.client.post(
        "/api/v1/acties/samenlevingsvisie/updates",
        json={"status": "op_koers", "voortgang": 5, "kpi_waarde": 3},
        headers=BEHEER,
    )
    assert response.status_code == 400
    assert [p["name"] for p in response.json()["invalidParams"]] == ["kpi_waarde"]


RAW_REFUSALS = [
    pytest.param(b"{not json", "application/json", 400, id="malformed JSON"),
    pytest.param(
        b'{"toelichting": "' + b"x" * 70_000 + b'"}', "application/json", 413, id="body over 64 KiB"
    ),
    pytest.param(b"status=risico", "application/x-www-form-urlencoded", 415, id="not JSON"),
]


@pytest.mark.parametrize(("content", "content_type", "status"), RAW_REFUSALS)
async def test_unreadable_bodies_are_refused_as_problems(
    api: Api, content: bytes, content_type: str, status: int
) -> None:
    head = api.store.head()
    response = await api.client.post(
        UPDATES, content=content, headers={**BEHEER, "Content-Type": content_type}
    )
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert api.store.head() == head


async def test_an_empty_body_and_an_overlong_idempotency_key_are_named(api: Api) -> None:
    head = api.store.head()
    empty = await api.client.post(UPDATES, headers={**BEHEER, "Content-Type": "application/json"})
    key = await api.client.post(UPDATES, json=RISICO, headers={**BEHEER, "Idempotency-Key": "k" * 256})
    assert [(p["name"], p["code"]) for p in empty.json()["invalidParams"]] == [("body", "missing")]
    assert [(p["name"], p["code"]) for p in key.json()["invalidParams"]] == [
        ("Idempotency-Key", "string_too_long")
    ]
    assert (empty.status_code, key.status_code) == (400, 400) and api.store.head() == head


async def test_an_unknown_caller_learns_nothing_about_its_body(api: Api) -> None:
    response = await api.client.post(UPDATES, json={"status": "groen"})
    assert response.status_code == 401 and "invalidParams" not in response.json()


def test_the_write_routes_are_documented_from_their_signature() -> None:
    from tracker.main import create_app

    app = create_app()
    api_app = next(route.app for route in app.routes if getattr(route, "path", "") == "/api/v1")
    operation = api_app.openapi()["paths"]["/acties/{actie_id}/correcties"]["post"]
    parameters = {(p["in"], p["name"]) for p in operation["parameters"]}
    assert parameters == {("path", "actie_id"), ("header", "Idempotency-Key"), ("header", "If-Match")}
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/CorrigeerVoortgang"}
    assert operation["security"] == [{"HTTPBearer": []}]
    answer = operation["responses"]["201"]["content"]["application/json"]["schema"]
    assert answer == {"$ref": "#/components/schemas/RecordedEvent"}


def test_a_write_route_takes_the_write_and_the_body_and_nothing_else() -> None:
    router = APIRouter(route_class=SchrijfRoute)

    async def met_query(write: SchrijvenDep, body: MeldVoortgang, extra: int) -> None: ...

    with pytest.raises(AssertionError, match="takes \\(write, body\\)"):
        router.post("/acties/{actie_id}/iets")(met_query)


async def test_an_update_to_an_unknown_actie_is_not_found(api: Api) -> None:
    response = await api.client.post("/api/v1/acties/bestaat-niet/updates", json=RISICO, headers=BEHEER)
    assert response.status_code == 404 and response.json()["status"] == 404


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        pytest.param({}, 401, id="no token"),
        pytest.param({"Authorization": "Bearer wrong"}, 401, id="unknown token"),
        pytest.param({"Authorization": "Basic YTpi"}, 401, id="not a bearer token"),
    ],
)
async def test_writes_without_a_valid_token_are_unauthenticated(
    api: Api, headers: dict[str, str], status: int
) -> None:
    head = api.store.head()
    response = await api.client.post(UPDATES, json=RISICO, headers=headers)
    assert response.status_code == status and response.headers["www-authenticate"] == "Bearer"
    assert api.store.head() == head


@pytest.mark.parametrize("rol", [Rol.raad, Rol.portefeuillehouder, Rol.service])
async def test_read_roles_may_not_write(api: Api, rol: Rol) -> None:
    response = await api.client.post(UPDATES, json=RISICO, headers=api.token(rol))
    assert response.status_code == 403


async def test_a_projectleider_writes_only_to_its_own_acties(api: Api) -> None:
    lead = api.token(Rol.projectleider, "twentekanaal")
    head = api.store.head()
    assert (await api.client.post(UPDATES, json=RISICO, headers=lead)).status_code == 403
    assert api.store.head() == head


async def test_a_stale_if_match_is_refused_with_the_current_version(api: Api) -> None:
    assert (
        await api.client.post(UPDATES, json=RISICO, headers={**BEHEER, "If-Match": '"1"'})
    ).status_code == 201
    stale = await api.client.post(UPDATES, json=RISICO, headers={**BEHEER, "If-Match": '"1"'})
    assert stale.status_code == 412 and stale.headers["etag"] == '"2"'


async def test_a_retried_request_with_its_idempotency_key_records_once(api: Api) -> None:
    headers = {**BEHEER, "Idempotency-Key": "burap-juni-1", "If-Match": '"1"'}
    first = await api.client.post(UPDATES, json=RISICO, headers=headers)
    retry = await api.client.post(UPDATES, json=RISICO, headers=headers)
    assert retry.status_code == 201 and retry.json() == first.json()
    assert len((await api.client.get("/api/v1/acties/wilderinkshoek/events", headers=BEHEER)).json()) == 2


async def test_an_idempotency_key_reused_with_another_body_is_refused(api: Api) -> None:
    headers = {**BEHEER, "Idempotency-Key": "k"}
    await api.client.post(UPDATES, json=RISICO, headers=headers)
    head = api.store.head()
    response = await api.client.post(UPDATES, json={**RISICO, "voortgang": 36}, headers=headers)
    assert response.status_code == 422 and api.store.head() == head


async def test_corrections_and_reopening_follow_the_rules(api: Api) -> None:
    done = await api.client.post(UPDATES, json={"status": "afgerond", "voortgang": 100}, headers=BEHEER)
    refused = await api.client.post(UPDATES, json={"status": "op_koers", "voortgang": 90}, headers=BEHEER)
    assert refused.status_code == 409
    correction = {
        "status": "afgerond",
        "voortgang": 100,
        "toelichting": "Vastgesteld door de raad",
        "corrigeert": done.json()["event_id"],
        "reden": "Toelichting ontbrak",
    }
    corrected = await api.client.post(
        "/api/v1/acties/wilderinkshoek/correcties", json=correction, headers=BEHEER
    )
    assert corrected.status_code == 201 and corrected.json()["data"]["corrigeert"] == done.json()["event_id"]
    reopened = await api.client.post(
        "/api/v1/acties/wilderinkshoek/heropen", json={"reden": "Fase 2"}, headers=BEHEER
    )
    assert reopened.status_code == 201
    assert (
        await api.client.post(UPDATES, json={"status": "op_koers", "voortgang": 90}, headers=BEHEER)
    ).status_code == 201
    history = (await api.client.get("/api/v1/acties/wilderinkshoek/events", headers=BEHEER)).json()
    assert [e["type"] for e in history] == [
        "ActieGeregistreerd",
        "VoortgangGemeld",
        "VoortgangGecorrigeerd",
        "ActieHeropend",
        "VoortgangGemeld",
    ]


async def test_reopening_an_open_actie_is_a_conflict(api: Api) -> None:
    response = await api.client.post(
        "/api/v1/acties/wilderinkshoek/heropen", json={"reden": "x"}, headers=BEHEER
    )
    assert response.status_code == 409


async def test_each_opgave_shows_its_progress_and_what_needs_attention(api: Api) -> None:
    await api.client.post(UPDATES, json=RISICO, headers=BEHEER)
    await api.client.post(
        "/api/v1/acties/twentekanaal/updates", json={"status": "op_koers", "voortgang": 25}, headers=BEHEER
    )
    opgaven = (await api.client.get("/api/v1/opgaven", headers=BEHEER)).json()
    assert [o["nummer"] for o in opgaven] == [1, 2, 3, 4, 5]
    duurzaam = (await api.client.get("/api/v1/opgaven/duurzame-inrichting", headers=BEHEER)).json()
    assert duurzaam["per_status"]["risico"] == 1 and duurzaam["per_status"]["op_koers"] == 1
    assert duurzaam["aandacht"] == [
        {"actie": "wilderinkshoek", "titel": "Uitvoeringsplan Wilderinkshoek", "reden": "risico"}
    ]
    assert duurzaam["gewogen_voortgang"] == round(60 / len(duurzaam["acties"]), 1)


async def test_acties_can_be_filtered_by_opgave_status_and_portefeuillehouder(api: Api) -> None:
    await api.client.post(UPDATES, json=RISICO, headers=BEHEER)
    risico = (await api.client.get("/api/v1/acties?status=risico", headers=BEHEER)).json()
    assert [a["id"] for a in risico] == ["wilderinkshoek"]
    traag = (
        await api.client.get(
            "/api/v1/acties?portefeuillehouder=annemieke-traag&opgave=duurzame-inrichting", headers=BEHEER
        )
    ).json()
    assert traag and all("annemieke-traag" in a["portefeuillehouders"] for a in traag)
    holders = (await api.client.get("/api/v1/portefeuillehouders", headers=BEHEER)).json()
    assert {"id": "annemieke-traag", "naam": "Annemieke Traag"} in holders


async def test_reads_need_a_token(api: Api) -> None:
    response = await api.client.get("/api/v1/opgaven")
    assert response.status_code == 401 and response.headers["content-type"] == "application/problem+json"
    assert (await api.client.get("/api/v1/opgaven", headers=api.token(Rol.raad))).status_code == 200


async def test_a_peildatum_in_the_future_or_before_the_first_event_gets_a_clear_answer(api: Api) -> None:
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    future = await api.client.get(f"/api/v1/opgaven?peildatum={tomorrow}", headers=BEHEER)
    assert future.status_code == 400 and "toekomst" in future.json()["detail"]
    before = await api.client.get("/api/v1/acties/wilderinkshoek?peildatum=2020-01-01", headers=BEHEER)
    assert before.status_code == 404 and "eerste gegevens" in before.json()["detail"]
    bad = await api.client.get("/api/v1/opgaven?peildatum=gisteren", headers=BEHEER)
    assert bad.status_code == 400 and bad.json()["invalidParams"][0]["name"] == "peildatum"


async def test_a_revoked_or_expired_token_no_longer_opens_anything(api: Api) -> None:
    made = await api.client.post("/api/v1/tokens", json={"rol": "raad"}, headers=BEHEER)
    token = {"Authorization": f"Bearer {made.json()['token']}"}
    assert (await api.client.get("/api/v1/opgaven", headers=token)).status_code == 200
    assert (await api.client.delete(f"/api/v1/tokens/{made.json()['id']}", headers=BEHEER)).status_code == 204
    assert (await api.client.get("/api/v1/opgaven", headers=token)).status_code == 401
    expired = api.token(Rol.raad, expires_at=datetime.now(UTC) - timedelta(seconds=1))
    assert (await api.client.get("/api/v1/opgaven", headers=expired)).status_code == 401


async def test_only_beheer_makes_tokens_and_a_projectleider_token_names_its_acties(api: Api) -> None:
    assert (
        await api.client.post("/api/v1/tokens", json={"rol": "raad"}, headers=api.token(Rol.raad))
    ).status_code == 403
    refused = await api.client.post("/api/v1/tokens", json={"rol": "projectleider"}, headers=BEHEER)
    assert refused.status_code == 400


async def test_the_audit_endpoint_reports_an_intact_chain(api: Api) -> None:
    await api.client.post(UPDATES, json=RISICO, headers=BEHEER)
    audit = (await api.client.get("/api/v1/audit/verify", headers=BEHEER)).json()
    assert audit["intact"] and audit["aantal_events"] == api.store.head()


async def test_the_feed_serves_cloudevents_to_service_tokens_only(api: Api) -> None:
    assert (await api.client.get("/api/v1/events", headers=api.token(Rol.raad))).status_code == 403
    page = (await api.client.get("/api/v1/events?after=0&limit=3", headers=api.token(Rol.service))).json()
    assert [e["position"] for e in page["events"]] == [1, 2, 3] and page["last_position"] == 3
    event = page["events"][0]
    assert event["specversion"] == "1.0" and event["type"].startswith("nl.koersmonitor.")
    assert event["subject"].startswith("portefeuillehouder/")


async def test_a_long_poll_on_the_feed_answers_with_an_event_committed_while_it_waits(api: Api) -> None:
    head = api.store.head()
    waiting = asyncio.create_task(api.client.get(f"/api/v1/events?after={head}&wait=20", headers=BEHEER))
    await asyncio.sleep(0.2)
    assert not waiting.done()
    await api.client.post(UPDATES, json=RISICO, headers=BEHEER)
    page = (await waiting).json()
    assert [e["position"] for e in page["events"]] == [head + 1]


@pytest.mark.parametrize("query", ["limit=0", "limit=1001", "wait=31", "after=-1"])
async def test_feed_bounds_are_enforced(api: Api, query: str) -> None:
    assert (await api.client.get(f"/api/v1/events?{query}", headers=BEHEER)).status_code == 400


async def test_the_openapi_document_is_public_with_cors(api: Api) -> None:
    response = await api.client.get(
        "/api/v1/openapi.json", headers={"Origin": "https://developer.overheid.nl"}
    )
    assert response.status_code == 200 and response.headers["access-control-allow-origin"] == "*"
    assert response.json()["servers"][0]["url"].endswith("/api/v1")


async def test_a_token_that_writes_too_often_is_told_when_to_come_back(tracker_url: str) -> None:
    from tests.tracker.factories import new_store
    from tracker.catalogue.loader import load_catalogue
    from tracker.main import create_app
    from tracker.settings import HENGELO, TrackerSettings

    load_catalogue(new_store(tracker_url), HENGELO)
    settings = TrackerSettings(
        database_url=tracker_url, admin_token=ADMIN, write_rate_per_minute=60, write_burst=2
    )
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tracker") as client,
    ):
        statuses = [(await client.post(UPDATES, json=RISICO, headers=BEHEER)).status_code for _ in range(3)]
        refused = await client.post(UPDATES, json=RISICO, headers=BEHEER)
    assert statuses == [201, 201, 429] and refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.headers["content-type"] == "application/problem+json"


async def test_the_configured_service_token_reads_the_feed_but_writes_nothing(tracker_url: str) -> None:
    from tests.tracker.factories import new_store
    from tracker.catalogue.loader import load_catalogue
    from tracker.main import create_app
    from tracker.settings import HENGELO, TrackerSettings

    load_catalogue(new_store(tracker_url), HENGELO)
    app = create_app(TrackerSettings(database_url=tracker_url, service_token="notifier-secret"))
    service = {"Authorization": "Bearer notifier-secret"}
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tracker") as client,
    ):
        feed = await client.get("/api/v1/events?limit=1", headers=service)
        write = await client.post(UPDATES, json=RISICO, headers=service)
    assert feed.status_code == 200 and feed.json()["events"]
    assert write.status_code == 403
