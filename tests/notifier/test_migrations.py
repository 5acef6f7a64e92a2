"""The notifier's Alembic history builds exactly the tables that tables.py describes, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from koers.db import make_engine
from notifier.migrate import MIGRATIONS
from notifier.tables import NotifierTable


def test_the_migrated_schema_matches_the_tables(notifier_url: str) -> None:
    engine = make_engine(notifier_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "version_table": MIGRATIONS.version_table}
        )
        assert compare_metadata(context, NotifierTable.metadata) == []
    assert MIGRATIONS.behind(engine) is None
