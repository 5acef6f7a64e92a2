"""The checks a green test run would not otherwise show: lint, format, types, and no high-severity
security findings. (pip-audit needs a vulnerability database these machines cannot reach; see
docs/RELIABILITY.md.)"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

CHECKS = {
    "ruff lint": ["ruff", "check", "."],
    "ruff format": ["ruff", "format", "--check", "."],
    "mypy": ["mypy", "services"],
    "bandit, high severity": ["bandit", "-q", "-r", "services", "-lll"],
}


@pytest.mark.parametrize("command", CHECKS.values(), ids=CHECKS.keys())
def test_the_code_passes(command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
