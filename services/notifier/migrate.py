"""The notifier's Alembic history (CLI `migrate`, readiness, tests, the run command)."""

from __future__ import annotations

from pathlib import Path

from koers.service import Migrations

MIGRATIONS = Migrations(
    Path(__file__).resolve().parents[2] / "migrations" / "notifier" / "alembic.ini",
    "notifier_alembic_version",
    "974a97bcc39f",
)


def upgrade(database_url: str) -> None:
    MIGRATIONS.upgrade(database_url)
