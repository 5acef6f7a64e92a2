"""Schemathesis over every operation of the tracker's OpenAPI document, as every role and as nobody, against
a real tracker process: never a 5xx, every response as documented, every 4xx problem+json."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from koers.db import make_engine
from tracker.auth import NewToken, Rol, create_token
from tracker.catalogue.loader import load_catalogue
from tracker.settings import HENGELO
from tracker.store import EventStore, utcnow

if TYPE_CHECKING:
    from schemathesis import Case

ADMIN = "schemathesis-admin"
ROLES = ["beheer", "projectleider", "portefeuillehouder", "raad", "service", "anoniem"]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
REAL_ACTIES = ["wilderinkshoek", "twentekanaal", "samenlevingsvisie"]
CASES: Counter[str] = Counter()


def _headers(store: EventStore, role: str) -> dict[str, str]:
    if role == "anoniem":
        return {}
    if role == "beheer":
        return {"Authorization": f"Bearer {ADMIN}"}
    extra: dict[str, Any] = {"acties": ("wilderinkshoek",)} if role == "projectleider" else {}
    if role == "portefeuillehouder":
        extra["portefeuillehouder"] = "annemieke-traag"
    _, secret = create_token(store.engine, NewToken(rol=Rol(role), **extra), utcnow())
    return {"Authorization": f"Bearer {secret}"}


# Framing headers a negative case may fill with nonsense: uvicorn refuses such a request itself, as
# text/plain, before the app sees it. That is the HTTP server's answer, not the API's.
FRAMING = {"content-length", "transfer-encoding", "host", "connection"}


def _aimed(case: Case, target: str | None, parameter: str) -> Case:
    for name in [k for k in case.headers or {} if k.lower() in FRAMING]:
        del case.headers[name]
    # Random path ids almost never name a real thing; most cases aim at one (own or other).
    if target and case.path_parameters and parameter in case.path_parameters:
        case.path_parameters[parameter] = target
    return case


def check_problem_json(case: Case, response: Any) -> None:
    if 400 <= response.status_code < 500:
        content_type = response.headers.get("content-type", [""])[0]
        assert content_type.startswith("application/problem+json"), (case.method, case.path, content_type)


def fuzz(
    url: str,
    headers: dict[str, str],
    examples: int,
    targets: tuple[str, list[str]] = ("actie_id", REAL_ACTIES),
    counted: Counter[str] = CASES,
) -> None:
    """Every operation of the service at `url`, positive and negative cases, as the caller `headers` says."""
    parameter, real = targets
    schema = schemathesis.openapi.from_url(f"{url}/api/v1/openapi.json")
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # the document itself must be valid
        operation = result.ok()
        cases = st.one_of(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        )

        @settings(
            max_examples=examples,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        @given(case=cases, target=st.sampled_from([None, *real]))
        def run(case: Case, target: str | None) -> None:
            case = _aimed(case, target, parameter)
            response = case.call(base_url=f"{url}/api/v1", headers=headers, timeout=30)
            case.validate_response(response, checks=CHECKS, headers=headers)
            check_problem_json(case, response)
            counted[f"{response.status_code // 100}xx"] += 1

        run()
        counted["operations"] += 1


@pytest.fixture(scope="module", autouse=True)
def _report() -> Any:
    yield
    print(f"\nschemathesis (tracker): {dict(CASES)}")


def _tracker(tracker_url: str, services: Any) -> tuple[Any, EventStore]:
    store = EventStore(make_engine(tracker_url))
    load_catalogue(store, HENGELO)
    # The feed's long-poll would make each case wait (its limits are fuzzed, not its waiting); the write
    # rate limit has tests of its own and would only turn later cases into 429s.
    env = {
        "TRACKER_DATABASE_URL": tracker_url,
        "TRACKER_ADMIN_TOKEN": ADMIN,
        "TRACKER_FEED_MAX_WAIT": "0",
        "TRACKER_WRITE_RATE_PER_MINUTE": "0",
    }
    return services("tracker", env), store


# The short run on every CI run; the long one, on both databases, with --run-slow.
RUNS = [
    pytest.param("sqlite", 25, id="sqlite-25"),
    pytest.param("sqlite", 150, id="sqlite-150", marks=pytest.mark.slow),
    pytest.param("postgresql", 150, id="postgresql-150", marks=[pytest.mark.slow, pytest.mark.postgres]),
]


@pytest.mark.parametrize(("backend", "examples"), RUNS)
@pytest.mark.parametrize("role", ROLES)
def test_every_operation_answers_as_documented_for_every_role(
    tracker_url: str, services: Any, role: str, examples: int
) -> None:
    tracker, store = _tracker(tracker_url, services)
    fuzz(tracker.url, _headers(store, role), examples=examples)
    assert tracker.process.poll() is None
    assert store.verify().ok
    store.engine.dispose()
