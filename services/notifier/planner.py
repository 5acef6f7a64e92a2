"""Every so often: deliveries for overdue updates and for the weekly digest that is due."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import anyio

from notifier import store
from notifier.recipients import alle_voorkeuren, projectleiders
from notifier.schedule import Weekmoment, achterstallig, weekoverzicht

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from notifier.settings import NotifierSettings

log = logging.getLogger("notifier.planner")


def plan(engine: Engine, moment: Weekmoment, now: datetime) -> None:
    """Enqueue what is due now; the keys make a second run (or a second process) add nothing."""
    with store.writing(engine) as conn:
        kennis = store.load_kennis(conn)
        notes = achterstallig(kennis, projectleiders(conn), now) + weekoverzicht(kennis, now, moment)
        store.enqueue(conn, notes, alle_voorkeuren(conn), now)


async def run(engine: Engine, settings: NotifierSettings, clock: Callable[[], datetime]) -> None:
    moment = Weekmoment(settings.digest_weekday, settings.digest_time, settings.timezone)
    while True:
        try:
            await anyio.to_thread.run_sync(plan, engine, moment, clock())
        except Exception as exc:  # the database is away: try again next round
            log.warning("planning mislukt: %s: %s", type(exc).__name__, exc)
        await asyncio.sleep(settings.planner_interval)
