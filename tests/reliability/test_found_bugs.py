"""Bugs the reliability tests found, each pinned by the smallest test that shows it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.tracker.conftest import ADMIN, Api
from tests.tracker.factories import RISICO, new_store
from tracker.catalogue.bestand import CatalogueError
from tracker.catalogue.loader import load_catalogue
from tracker.settings import HENGELO

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

BEHEER = {"Authorization": f"Bearer {ADMIN}", "Content-Type": "application/json"}
UPDATES = "/api/v1/acties/wilderinkshoek/updates"


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
async def test_a_kpi_waarde_that_is_no_finite_number_is_refused_and_not_recorded(
    api: Api, value: str
) -> None:
    # Python's JSON parser takes NaN; it was logged as the non-JSON literal NaN and projected as null.
    head = api.store.head()
    body = '{"status": "op_koers", "voortgang": 5, "kpi_waarde": ' + value + "}"
    response = await api.client.post(UPDATES, content=body, headers=BEHEER)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert [p["name"] for p in response.json()["invalidParams"]] == ["kpi_waarde"]
    assert api.store.head() == head


def test_an_agenda_with_a_control_character_is_refused_with_its_line(
    tracker_url: str, tmp_path: Path
) -> None:
    # Found by the catalogue fuzzer: PyYAML's ReaderError has no mark and escaped as a bare yaml error.
    store = new_store(tracker_url)
    agenda = tmp_path / "agenda.yaml"
    lines = HENGELO.read_bytes().splitlines(keepends=True)
    agenda.write_bytes(b"".join(lines[:9]) + b"\x00" + b"".join(lines[9:]))
    with pytest.raises(CatalogueError) as refused:
        load_catalogue(store, agenda)
    assert (refused.value.file.name, refused.value.line) == ("agenda.yaml", 10)
    assert store.head() == 0


def test_an_agenda_with_an_id_too_long_for_a_stream_is_refused_before_anything_is_written(
    tracker_url: str, tmp_path: Path
) -> None:
    # Found by the catalogue fuzzer: on PostgreSQL the stream column (200) refused it half-way through the
    # load, leaving the entries before it registered; on SQLite it loaded. Now the parser refuses it.
    store = new_store(tracker_url)
    agenda = tmp_path / "agenda.yaml"
    text = HENGELO.read_text(encoding="utf-8")
    agenda.write_text(text.replace("id: wilderinkshoek", "id: " + "w" * 250), encoding="utf-8")
    with pytest.raises(CatalogueError) as refused:
        load_catalogue(store, agenda)
    assert refused.value.field.endswith(".id") and "hoogstens 100" in refused.value.message
    assert refused.value.line == text[: text.index("id: wilderinkshoek")].count("\n") + 1
    assert store.head() == 0


async def test_a_feed_position_beyond_what_a_database_can_compare_is_refused(api: Api) -> None:
    # Found by schemathesis: after=2**70 overflowed the INTEGER column (both databases) and answered 500.
    response = await api.client.get("/api/v1/events", params={"after": 2**70}, headers=BEHEER)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert (
        await api.client.get("/api/v1/events", params={"after": 2**31 - 1}, headers=BEHEER)
    ).status_code == 200


async def test_the_422_for_a_reused_idempotency_key_is_documented(api: Api) -> None:
    # Found by schemathesis: the OpenAPI shaping dropped every 422, also the one the write routes give when
    # an Idempotency-Key comes back with another request.
    headers = {**BEHEER, "Idempotency-Key": "twice"}
    assert (
        await api.client.post(UPDATES, json={"status": "op_koers", "voortgang": 1}, headers=headers)
    ).status_code == 201
    again = await api.client.post(UPDATES, json={"status": "op_koers", "voortgang": 2}, headers=headers)
    assert again.status_code == 422
    document = (await api.client.get("/api/v1/openapi.json")).json()
    for path in ("updates", "correcties", "heropen"):
        assert "422" in document["paths"][f"/acties/{{actie_id}}/{path}"]["post"]["responses"], path
    assert "422" not in document["paths"]["/tokens"]["post"]["responses"]  # FastAPI's own stays out


NUL_REFUSALS = [
    pytest.param("POST", UPDATES, {**RISICO, "toelichting": "a\x00b"}, id="text"),
    pytest.param(
        "POST",
        "/api/v1/acties/wilderinkshoek/correcties",
        {"status": "op_koers", "voortgang": 5, "reden": "typfout", "corrigeert": "\x00"},
        id="the event id a correction names",
    ),
    pytest.param("POST", "/api/v1/acties/wilder%00inkshoek/updates", RISICO, id="the path of a write"),
    pytest.param("GET", "/api/v1/acties/wilder%00inkshoek", None, id="the path of a read"),
    pytest.param("GET", "/api/v1/acties?opgave=%00", None, id="the query"),
]


@pytest.mark.parametrize(("method", "url", "body"), NUL_REFUSALS)
async def test_a_nul_character_in_a_request_is_refused_as_a_problem(
    api: Api, method: str, url: str, body: dict[str, Any] | None
) -> None:
    # Found by schemathesis: on PostgreSQL, which takes no NUL in text, the event id of a correction with a
    # NUL failed the lookup with a DataError and answered 500; so did an actie id with one. SQLite took them.
    head = api.store.head()
    response = await api.client.request(method, url, json=body, headers=BEHEER)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert "NUL" in problem["detail"] and problem["title"] == "Ongeldige invoer"
    assert problem["instance"].startswith("/api/v1/acties")  # the shape of the routes' own problems
    assert api.store.head() == head


async def test_the_text_backslash_u0000_is_no_nul_and_is_kept(api: Api) -> None:
    body = {**RISICO, "toelichting": "map C:\\u0000"}  # an escaped backslash, then the text u0000
    response = await api.client.post(UPDATES, json=body, headers=BEHEER)
    assert response.status_code == 201
    assert response.json()["data"]["toelichting"] == "map C:\\u0000"
