"""Alembic environment of the tracker: URL from TRACKER_DATABASE_URL, its own version table."""

from __future__ import annotations

from alembic import context

from koers.db import make_engine
from tracker.settings import TrackerSettings
from tracker.tables import TrackerTable

config = context.config
url = config.attributes.get("database_url") or TrackerSettings().database_url
options = {
    "target_metadata": TrackerTable.metadata,
    "version_table": "tracker_alembic_version",
    "render_as_batch": True,
    "compare_type": True,
}

if context.is_offline_mode():
    context.configure(url=url, literal_binds=True, **options)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
