"""Alembic environment of the notifier: URL from NOTIFIER_DATABASE_URL, its own version table."""

from alembic import context

from koers.service import run_alembic_env
from notifier.settings import NotifierSettings
from notifier.tables import metadata

run_alembic_env(context, metadata, "notifier_alembic_version", lambda: NotifierSettings().database_url)
