"""Without public reading, the dashboard asks for a token once and keeps a session cookie holding its hash."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.dashboard.conftest import Agenda, app_for, client_for
from tracker.auth import NewToken, Rol, create_token


@pytest.fixture
def besloten(agenda: Agenda) -> Iterator[TestClient]:
    yield from client_for(agenda, public_read=False)


def token(agenda: Agenda, rol: Rol) -> str:
    return create_token(agenda.store.engine, NewToken(rol=rol), agenda.klok())[1]


def test_a_visitor_without_session_is_sent_to_the_login_form_and_back(besloten):
    antwoord = besloten.get("/acties/wilderinkshoek?peildatum=2026-03-01", follow_redirects=False)
    assert antwoord.status_code == 303
    assert (
        antwoord.headers["location"] == "/inloggen?terug=%2Facties%2Fwilderinkshoek%3Fpeildatum%3D2026-03-01"
    )


def test_a_raad_token_logs_in_with_a_cookie_that_holds_no_token(besloten, agenda):
    geheim = token(agenda, Rol.raad)
    antwoord = besloten.post(
        "/inloggen", data={"token": geheim, "terug": "/opgaven/duurzame-inrichting"}, follow_redirects=False
    )
    assert antwoord.status_code == 303 and antwoord.headers["location"] == "/opgaven/duurzame-inrichting"
    cookie = antwoord.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and geheim not in cookie
    assert "Secure" not in cookie  # plain http in the test; https sets it
    assert besloten.get("/").status_code == 200


def test_the_session_cookie_is_secure_over_https(agenda):
    with TestClient(app_for(agenda, public_read=False), base_url="https://testserver") as https:
        antwoord = https.post("/inloggen", data={"token": token(agenda, Rol.raad)}, follow_redirects=False)
    assert "Secure" in antwoord.headers["set-cookie"]


def test_a_wrong_token_gets_the_form_again_with_401(besloten):
    antwoord = besloten.post("/inloggen", data={"token": "km_fout", "terug": "/"})
    assert antwoord.status_code == 401 and "onbekend, ingetrokken of verlopen" in antwoord.text


def test_a_service_token_may_not_see_the_dashboard(besloten, agenda):
    antwoord = besloten.post("/inloggen", data={"token": token(agenda, Rol.service)}, follow_redirects=False)
    assert antwoord.status_code == 403 and "set-cookie" not in antwoord.headers


def test_login_never_redirects_to_another_site(besloten, agenda):
    for elders in ("//evil.example/", "/\t/evil.example/", "/\\evil.example", "https://evil.example/"):
        antwoord = besloten.post(
            "/inloggen", data={"token": token(agenda, Rol.raad), "terug": elders}, follow_redirects=False
        )
        assert antwoord.headers["location"] == "/", elders


def test_logging_out_forgets_the_session(besloten, agenda):
    besloten.post("/inloggen", data={"token": token(agenda, Rol.raad)})
    besloten.post("/uitloggen")
    assert besloten.get("/", follow_redirects=False).status_code == 303


def test_a_revoked_token_ends_its_session(besloten, agenda):
    from tracker.auth import revoke_token

    token_id, geheim = create_token(agenda.store.engine, NewToken(rol=Rol.raad), agenda.klok())
    besloten.post("/inloggen", data={"token": geheim})
    revoke_token(agenda.store.engine, token_id, agenda.klok())
    assert besloten.get("/", follow_redirects=False).status_code == 303


def test_a_cookie_forged_from_the_stored_token_hash_opens_nothing(besloten, agenda):
    from tracker.auth import hash_secret

    stored = hash_secret(token(agenda, Rol.raad))  # what someone who can read the database sees
    besloten.cookies.set("koers_sessie", stored)
    assert besloten.get("/", follow_redirects=False).status_code == 303
    besloten.cookies.set("koers_sessie", f"{stored}.{'0' * 64}")
    assert besloten.get("/", follow_redirects=False).status_code == 303
