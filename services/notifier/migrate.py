"""Run the notifier's Alembic migrations programmatically (CLI `migrate`, tests, the run command)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "migrations" / "notifier" / "alembic.ini"


def upgrade(database_url: str) -> None:
    config = Config(str(ALEMBIC_INI))
    config.attributes["database_url"] = database_url
    command.upgrade(config, "head")
