"""Both services' OpenAPI documents pass the official NL API Design Rules linter (Spectral): zero errors."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

RULESET = ROOT.parent / "shared" / "adr" / "linter.yaml"
SPECTRAL = ROOT / ".tools" / "node_modules" / ".bin" / "spectral"


def tracker_openapi() -> dict[str, object]:
    from tracker.main import create_app

    api = next(route.app for route in create_app().routes if getattr(route, "path", "") == "/api/v1")  # type: ignore[attr-defined]
    return api.openapi()  # type: ignore[no-any-return]


@pytest.mark.parametrize("openapi", [tracker_openapi], ids=["tracker"])
def test_the_openapi_document_has_zero_errors_under_the_nl_api_design_rules(openapi, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert RULESET.exists(), f"the NL API Design Rules ruleset is missing at {RULESET}"
    assert SPECTRAL.exists(), "Spectral is missing: run scripts/setup --for-tests"
    document = tmp_path / "openapi.json"
    document.write_text(json.dumps(openapi()))
    result = subprocess.run(
        [
            str(SPECTRAL),
            "lint",
            "--ruleset",
            str(RULESET),
            "--format",
            "json",
            "--quiet",
            "--fail-severity",
            "error",
            str(document),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    findings = json.loads(result.stdout or "[]")
    errors = [
        f"{'.'.join(map(str, f['path']))}: {f['code']}: {f['message']}"
        for f in findings
        if f["severity"] == 0
    ]
    assert errors == [], "\n".join(errors)
    assert result.returncode == 0, result.stderr
