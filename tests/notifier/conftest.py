"""Notifier test plumbing: a fresh, migrated notifier database per test; the whole stack as real processes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from koers.db import make_engine
from tests.conftest import Databases
from tests.notifier.stack import ADMIN, TRACKER_ADMIN, MailServer, Stack, WebhookReceiver


@pytest.fixture
def notifier_url(databases: Databases, backend: str) -> str:
    from notifier.migrate import upgrade

    return databases.fresh(backend, "notifier", upgrade)


@pytest.fixture
def stack(tracker_url: str, notifier_url: str, services: Any) -> Iterator[Stack]:
    """The tracker with the Hengelo catalogue, an SMTP server, a webhook receiver; notifiers on demand."""
    from tracker.auth import NewToken, Rol, create_token
    from tracker.catalogue.loader import load_catalogue
    from tracker.settings import HENGELO
    from tracker.store import EventStore, utcnow

    store = EventStore(make_engine(tracker_url))
    load_catalogue(store, HENGELO)
    _, service_token = create_token(
        store.engine, NewToken(rol=Rol.service, omschrijving="notifier"), utcnow()
    )
    store.engine.dispose()
    tracker = services("tracker", {"TRACKER_DATABASE_URL": tracker_url, "TRACKER_ADMIN_TOKEN": TRACKER_ADMIN})
    mail, webhook = MailServer().start(), WebhookReceiver().start()
    env = {
        "NOTIFIER_DATABASE_URL": notifier_url,
        "NOTIFIER_TRACKER_URL": tracker.url,
        "NOTIFIER_TRACKER_TOKEN": service_token,
        "NOTIFIER_ADMIN_TOKEN": ADMIN,
        "NOTIFIER_SMTP_HOST": "127.0.0.1",
        "NOTIFIER_SMTP_PORT": str(mail.port),
        "NOTIFIER_SMTP_TIMEOUT": "2",
        "NOTIFIER_DASHBOARD_URL": "https://koers.example.org",
        "NOTIFIER_WEBHOOK_ALLOW_PRIVATE": "true",
        "NOTIFIER_WEBHOOK_TIMEOUT": "1",
        "NOTIFIER_FEED_WAIT": "1",
        "NOTIFIER_FEED_RETRY_MAX": "0.5",
        "NOTIFIER_RETRY_BASE": "0.2",
        "NOTIFIER_RETRY_MAX": "0.5",
        "NOTIFIER_MAX_ATTEMPTS": "3",
        "NOTIFIER_OUTBOX_POLL": "0.1",
        "NOTIFIER_CLAIM_SECONDS": "5",
        "NOTIFIER_PLANNER_INTERVAL": "0",
        "NOTIFIER_BEHEER_EMAIL": "beheer@example.org",
    }
    stack = Stack(tracker, tracker_url, env, services, mail, webhook)
    yield stack
    for notifier in stack.notifiers:  # first, so the tracker need not wait out their long-polls
        notifier.stop()
    mail.stop()
    webhook.stop()
