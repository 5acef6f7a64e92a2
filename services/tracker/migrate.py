"""The tracker's Alembic history (CLI `migrate`, readiness, tests, the run command)."""

from __future__ import annotations

from pathlib import Path

from koers.service import Migrations

MIGRATIONS = Migrations(
    Path(__file__).resolve().parents[2] / "migrations" / "tracker" / "alembic.ini",
    "tracker_alembic_version",
    "e1636494bbeb",
)


def upgrade(database_url: str) -> None:
    MIGRATIONS.upgrade(database_url)
