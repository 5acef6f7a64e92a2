"""Each service's Alembic history builds exactly the tables its tables.py describes, on both databases,
and readiness, which knows the newest revision without Alembic, expects the head of the scripts."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, text

from koers.db import make_engine
from koers.service import Migrations
from notifier.migrate import MIGRATIONS as NOTIFIER
from notifier.tables import metadata as notifier_metadata
from tests.conftest import Databases
from tracker.migrate import MIGRATIONS as TRACKER
from tracker.tables import TrackerTable


@pytest.mark.parametrize(
    ("service", "migrations", "metadata"),
    [("tracker", TRACKER, TrackerTable.metadata), ("notifier", NOTIFIER, notifier_metadata)],
    ids=["tracker", "notifier"],
)
def test_the_migrated_schema_matches_the_tables(
    databases: Databases, backend: str, service: str, migrations: Migrations, metadata: MetaData
) -> None:
    engine = make_engine(databases.fresh(backend, service, migrations.upgrade))
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "version_table": migrations.version_table}
        )
        assert compare_metadata(context, metadata) == []
    assert migrations.behind(engine) is None
    engine.dispose()


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
