"""Bugs the reliability tests found, each pinned by the smallest test that shows it."""

from __future__ import annotations

import pytest

from tests.tracker.conftest import ADMIN, Api

BEHEER = {"Authorization": f"Bearer {ADMIN}", "Content-Type": "application/json"}


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
async def test_a_kpi_waarde_that_is_no_finite_number_is_refused_and_not_recorded(
    api: Api, value: str
) -> None:
    # Python's JSON parser takes NaN; it was logged as the non-JSON literal NaN and projected as null.
    head = api.store.head()
    body = '{"status": "op_koers", "voortgang": 5, "kpi_waarde": ' + value + "}"
    response = await api.client.post("/api/v1/acties/wilderinkshoek/updates", content=body, headers=BEHEER)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert [p["name"] for p in response.json()["invalidParams"]] == ["kpi_waarde"]
    assert api.store.head() == head
