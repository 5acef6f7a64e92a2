"""Alembic environment of the tracker: URL from TRACKER_DATABASE_URL, its own version table."""

from alembic import context

from koers.service import run_alembic_env
from tracker.settings import TrackerSettings
from tracker.tables import TrackerTable

run_alembic_env(
    context, TrackerTable.metadata, "tracker_alembic_version", lambda: TrackerSettings().database_url
)
