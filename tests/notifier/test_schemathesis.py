"""Schemathesis over every operation of the notifier's OpenAPI document, as beheer, as a
portefeuillehouder with an inbox token, and as nobody: never a 5xx, every response as documented."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
import pytest

from tests.notifier.stack import ADMIN, Stack, eventually
from tests.reliability.test_schemathesis import fuzz

HOLDERS = ["annemieke-traag", "benno-brand"]
CASES: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _report() -> Any:
    yield
    print(f"\nschemathesis (notifier): {dict(CASES)}")


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("role", ["beheer", "portefeuillehouder", "anoniem"])
def test_every_notifier_operation_answers_as_documented(stack: Stack, backend: str, role: str) -> None:
    notifier = stack.start_notifier()
    eventually(
        lambda: stack.voorkeuren("annemieke-traag", {"email": "a@example.org"}).status_code == 200,
        "the holders known from the feed",
    )
    headers = {
        "beheer": {"Authorization": f"Bearer {ADMIN}"},
        "portefeuillehouder": {"Authorization": f"Bearer {stack.inbox_token('annemieke-traag')}"},
        "anoniem": {},
    }[role]
    fuzz(notifier.url, headers, examples=25, targets=("portefeuillehouder", HOLDERS), counted=CASES)
    assert notifier.process is not None and notifier.process.poll() is None
    assert httpx.get(notifier.url + "/healthz").status_code == 200
