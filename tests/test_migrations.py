"""Readiness knows each service's newest revision without Alembic, so it must be the head of the scripts."""

from __future__ import annotations

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text

from koers.db import make_engine
from koers.service import Migrations
from notifier.migrate import MIGRATIONS as NOTIFIER
from tracker.migrate import MIGRATIONS as TRACKER


@pytest.mark.parametrize("migrations", [TRACKER, NOTIFIER], ids=["tracker", "notifier"])
def test_the_revision_readiness_expects_is_the_head_of_the_scripts(migrations: Migrations) -> None:
    assert ScriptDirectory.from_config(Config(str(migrations.ini))).get_heads() == [migrations.head]


def test_readiness_names_a_database_without_or_behind_the_schema(tracker_url: str) -> None:
    engine = make_engine(tracker_url)
    assert TRACKER.behind(engine) is None
    assert NOTIFIER.behind(engine) == f"database op leeg, nieuwste is ['{NOTIFIER.head}']"
    with engine.begin() as conn:
        conn.execute(text("UPDATE tracker_alembic_version SET version_num = 'ouder'"))
    assert TRACKER.behind(engine) == f"database op ['ouder'], nieuwste is ['{TRACKER.head}']"
    engine.dispose()
