"""Every endpoint × every role × own/other actie: the expected status, and nothing written on a refusal."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from tests.tracker.conftest import ADMIN, Api
from tracker.auth import Rol
from tracker.tables import TOKEN

ROLES = [
    "anoniem",
    "projectleider-eigen",
    "projectleider-ander",
    "portefeuillehouder",
    "raad",
    "service",
    "beheer",
]
READ = {"anoniem": 401} | dict.fromkeys(ROLES[1:], 200)
WRITE = {"anoniem": 401, "projectleider-eigen": 201, "beheer": 201} | dict.fromkeys(
    ["projectleider-ander", "portefeuillehouder", "raad", "service"], 403
)
ADMIN_ONLY = {"anoniem": 401, "beheer": 201} | dict.fromkeys(ROLES[1:6], 403)
UPDATE = {"status": "op_koers", "voortgang": 10}

# (method, path, body, expected status per role); {event} and {token} are filled in per run
MATRIX: list[tuple[str, str, dict[str, Any] | None, dict[str, int]]] = [
    ("GET", "/acties", None, READ),
    ("GET", "/acties/wilderinkshoek", None, READ),
    ("GET", "/acties/wilderinkshoek/events", None, READ),
    ("GET", "/acties/wilderinkshoek/events/{event}", None, READ),
    ("GET", "/opgaven", None, READ),
    ("GET", "/opgaven/duurzame-inrichting", None, READ),
    ("GET", "/portefeuillehouders", None, READ),
    ("GET", "/audit/verify", None, READ),
    ("GET", "/export?format=json", None, READ),
    (
        "GET",
        "/events?limit=5",
        None,
        {"anoniem": 401, "service": 200, "beheer": 200} | dict.fromkeys(ROLES[1:5], 403),
    ),
    ("POST", "/acties/wilderinkshoek/updates", UPDATE, WRITE),
    (
        "POST",
        "/acties/wilderinkshoek/correcties",
        {**UPDATE, "corrigeert": "{event}", "reden": "telfout"},
        WRITE,
    ),
    (
        "POST",
        "/acties/wilderinkshoek/heropen",
        {"reden": "nieuwe fase"},
        WRITE | {"projectleider-eigen": 409, "beheer": 409},
    ),
    ("POST", "/tokens", {"rol": "raad"}, ADMIN_ONLY),
    ("DELETE", "/tokens/{token}", None, ADMIN_ONLY | {"beheer": 204}),
]


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_every_endpoint_answers_every_role_as_expected_and_refusals_write_nothing(
    api: Api, backend: str
) -> None:
    headers = _headers(api)
    first = await api.client.post(
        "/api/v1/acties/wilderinkshoek/updates", json=UPDATE, headers=headers["beheer"]
    )
    mismatches = []
    for method, path, body, expected in MATRIX:
        for role in ROLES:
            victim = (
                await api.client.post("/api/v1/tokens", json={"rol": "raad"}, headers=headers["beheer"])
            ).json()
            fill = {"event": first.json()["event_id"], "token": victim["id"]}
            url = "/api/v1" + path.format(**fill)
            content = {k: (v.format(**fill) if isinstance(v, str) else v) for k, v in (body or {}).items()}
            before = _written(api)
            answer = await api.client.request(
                method, url, json=content if body else None, headers=headers[role]
            )
            refused = answer.status_code >= 400
            if answer.status_code != expected[role] or (refused and _written(api) != before):
                mismatches.append(
                    f"{method} {path} as {role}: {answer.status_code}, expected {expected[role]}"
                )
    assert mismatches == [], "\n".join(mismatches)


def _headers(api: Api) -> dict[str, dict[str, str]]:
    return {
        "anoniem": {},
        "projectleider-eigen": api.token(Rol.projectleider, "wilderinkshoek"),
        "projectleider-ander": api.token(Rol.projectleider, "twentekanaal"),
        "portefeuillehouder": api.token(Rol.portefeuillehouder, portefeuillehouder="annemieke-traag"),
        "raad": api.token(Rol.raad),
        "service": api.token(Rol.service),
        "beheer": {"Authorization": f"Bearer {ADMIN}"},
    }


def _written(api: Api) -> tuple[int, int, int]:
    """What a refused request must leave alone: the log, the tokens, the revocations."""
    with api.store.engine.connect() as conn:
        tokens = conn.scalar(select(func.count()).select_from(TOKEN)) or 0
        revoked = (
            conn.scalar(select(func.count()).select_from(TOKEN).where(TOKEN.c.revoked_at.is_not(None))) or 0
        )
    return api.store.head(), tokens, revoked
