"""Both services' OpenAPI documents pass the official NL API Design Rules linter (Spectral): zero errors."""

from __future__ import annotations

import importlib
import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

RULESET = ROOT / "tests" / "adr" / "linter.yaml"
SHARED_RULESET = ROOT.parent / "shared" / "adr" / "linter.yaml"
SPECTRAL = ROOT / ".tools" / "node_modules" / ".bin" / "spectral"


def openapi_of(service: str) -> dict[str, object]:
    """The document the service publishes at /api/v1/openapi.json."""
    module = importlib.import_module(f"{service}.main")
    app = module.create_app()
    api = next(route.app for route in app.routes if getattr(route, "path", "") == "/api/v1")
    return api.openapi()  # type: ignore[no-any-return]


@pytest.mark.parametrize("service", ["tracker", "notifier"])
def test_the_openapi_document_has_zero_errors_under_the_nl_api_design_rules(
    service: str, tmp_path: Path
) -> None:
    assert SPECTRAL.exists(), "Spectral is missing: run scripts/setup --for-tests"
    document = tmp_path / "openapi.json"
    document.write_text(json.dumps(openapi_of(service)))
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


@pytest.mark.skipif(not SHARED_RULESET.exists(), reason=f"no workplace copy at {SHARED_RULESET} to compare")
def test_the_ruleset_is_the_one_the_workplace_hands_out() -> None:
    assert RULESET.read_bytes() == SHARED_RULESET.read_bytes()
