"""The canonical JSON and the hash chain: the text and hashes of events already in logs never change."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.chain import canonical_json, chain_hash

AT = datetime(2026, 3, 1, 9, 0, 0, 123456, tzinfo=UTC)
EVENT_ID = "8a2f6c1e-0000-4000-8000-000000000007"


def _json_dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"voortgang": 40, "status": "risico", "toelichting": 'Één "citaat"\n\u2028 😀\x7f', "x": None},
            "104b077dc5c8cd3497a5c5b2b0360159d0f39106bf49a53f0591c9160393772f",
        ),
        (
            {"kpi_waarde": 1e-05, "voortgang": 40},
            "bb6a91d86295a9cedf47c642d32f49c4babcd6f1a8ca4f9942e0e03414272beb",
        ),
    ],
)
def test_an_event_hashes_as_it_did_when_the_log_began(data: dict[str, Any], expected: str) -> None:
    meta = canonical_json({"actor": "pl", "correlation_id": None, "schema_version": 1})
    hash_ = chain_hash("0" * 64, 7, EVENT_ID, "actie/x", 3, "VoortgangGemeld", canonical_json(data), meta, AT)
    assert hash_ == expected


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(JSON_VALUES)
def test_canonical_json_is_the_text_json_dumps_writes(value: Any) -> None:
    assert canonical_json(value) == _json_dumps(value)


@pytest.mark.parametrize("value", [2**64, {"a": "\ud800"}, (1, "b"), {"n": float("nan"), "i": float("-inf")}])
def test_canonical_json_writes_what_orjson_refuses_or_writes_otherwise_as_json_dumps_does(value: Any) -> None:
    assert canonical_json(value) == _json_dumps(value)
