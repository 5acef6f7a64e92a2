"""Notifier test plumbing: a fresh, migrated notifier database per test."""

from __future__ import annotations

import pytest

from tests.conftest import Databases


@pytest.fixture
def notifier_url(databases: Databases, backend: str) -> str:
    from notifier.migrate import upgrade

    return databases.fresh(backend, "notifier", upgrade)
