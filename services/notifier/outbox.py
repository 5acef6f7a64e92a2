"""The outbox worker: claims due deliveries, sends them, retries with backoff and jitter, then gives up."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import anyio
from prometheus_client import Counter, Gauge
from sqlalchemy import func, or_, select, update

from notifier.channels import Bezorging, Channel
from notifier.notificatie import Notificatie, Soort
from notifier.recipients import lees_voorkeuren
from notifier.store import enqueue, writing
from notifier.tables import DELIVERY
from notifier.voorkeuren import Kanaal, Voorkeuren

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine, Row

    from notifier.settings import NotifierSettings

log = logging.getLogger("notifier.outbox")
ATTEMPTS = Counter(
    "koers_notifier_delivery_attempts_total",
    "Delivery attempts by channel and outcome (sent, retry, dead).",
    ["channel", "outcome"],
)
DEAD = Gauge("koers_notifier_deliveries_dead", "Deliveries that gave up after their last attempt.")
OLDEST_PENDING = Gauge(
    "koers_notifier_outbox_oldest_pending_seconds", "Age of the oldest undelivered delivery."
)
BEHEER = "beheer"  # the recipient of notices about dead deliveries: NOTIFIER_BEHEER_EMAIL


def backoff(attempts: int, base: float, cap: float, rnd: random.Random) -> timedelta:
    """Exponential in the number of attempts, capped, with jitter so failed sends do not retry in step."""
    return timedelta(seconds=min(cap, base * 2 ** (attempts - 1)) * rnd.uniform(0.5, 1.0))


@dataclass
class Outbox:
    engine: Engine
    channels: Mapping[str, Channel]
    settings: NotifierSettings
    clock: Callable[[], datetime]
    worker: str = field(default_factory=lambda: str(uuid.uuid4()))
    rnd: random.Random = field(default_factory=random.Random)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    stopping: bool = False

    def stop(self) -> None:
        """Claim nothing more; the deliveries in hand are finished."""
        self.stopping = True
        self.wake.set()

    async def run(self) -> None:
        while not self.stopping:
            try:
                rows = await anyio.to_thread.run_sync(self.claim)
                await asyncio.gather(*(self.deliver(row) for row in rows))
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database is away: claims expire, nothing is lost
                rows = []
                log.warning("outbox: %s; opnieuw na een pauze", type(exc).__name__)  # SQL may hold addresses
            if not rows:
                await self._idle()

    async def _idle(self) -> None:
        """Wait for the consumer's wake-up, or a poll interval: another process may have enqueued."""
        with contextlib.suppress(Exception):  # the gauges wait for the database like everything else
            await anyio.to_thread.run_sync(self._measure)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.wake.wait(), self.settings.outbox_poll)
        self.wake.clear()

    def _measure(self) -> None:
        with self.engine.connect() as conn:
            dead = select(func.count()).select_from(DELIVERY).where(DELIVERY.c.status == "dead")
            DEAD.set(conn.scalar(dead) or 0)
            oldest = conn.scalar(
                select(func.min(DELIVERY.c.created_at)).where(DELIVERY.c.status == "pending")
            )
        OLDEST_PENDING.set((self.clock() - oldest).total_seconds() if oldest else 0)

    def claim(self, limit: int = 20) -> list[Row[Any]]:
        """Take due deliveries for a while; SKIP LOCKED on PostgreSQL, the write lock on SQLite."""
        now = self.clock()
        due = (
            select(DELIVERY.c.id)
            .where(
                DELIVERY.c.status == "pending",
                DELIVERY.c.next_attempt_at <= now,
                or_(DELIVERY.c.claimed_until.is_(None), DELIVERY.c.claimed_until < now),
            )
            .order_by(DELIVERY.c.next_attempt_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        with writing(self.engine) as conn:
            ids = list(conn.execute(due).scalars())
            if not ids:
                return []
            hold = now + timedelta(seconds=self.settings.claim_seconds)
            conn.execute(
                update(DELIVERY)
                .where(DELIVERY.c.id.in_(ids))
                .values(claimed_until=hold, claimed_by=self.worker)
            )
            return list(conn.execute(select(DELIVERY).where(DELIVERY.c.id.in_(ids))))

    async def deliver(self, row: Row[Any]) -> None:
        bezorging = Bezorging(
            row.id,
            row.recipient,
            Notificatie.from_json(json.loads(row.bericht)),
            await anyio.to_thread.run_sync(self._voorkeuren, row.recipient),
        )
        try:
            answer = await self.channels[row.channel].send(bezorging)
        except Exception as exc:
            await anyio.to_thread.run_sync(self._failed, row, f"{exc}"[:1000])
            return
        await anyio.to_thread.run_sync(self._sent, row, answer[:2000])

    def _voorkeuren(self, recipient: str) -> Voorkeuren | None:
        if recipient == BEHEER:
            return Voorkeuren(
                email=self.settings.beheer_email, kanalen={Kanaal.webhook: False, Kanaal.inbox: False}
            )
        return lees_voorkeuren(self.engine, recipient)

    def _mine(self, row: Row[Any]) -> Any:
        return update(DELIVERY).where(DELIVERY.c.id == row.id, DELIVERY.c.claimed_by == self.worker)

    def _sent(self, row: Row[Any], answer: str) -> None:
        ATTEMPTS.labels(row.channel, "sent").inc()
        with writing(self.engine) as conn:
            conn.execute(
                self._mine(row).values(
                    status="sent",
                    attempts=row.attempts + 1,
                    sent_at=self.clock(),
                    answer=answer,
                    claimed_until=None,
                )
            )

    def _failed(self, row: Row[Any], error: str) -> None:
        attempts, now = row.attempts + 1, self.clock()
        # The error may name an address: it goes into the proof, not into the log.
        log.info("bezorging %s via %s mislukt (poging %d)", row.id, row.channel, attempts)
        with writing(self.engine) as conn:
            outcome = "retry" if attempts < self.settings.max_attempts else "dead"
            ATTEMPTS.labels(row.channel, outcome).inc()
            if outcome == "retry":
                later = now + backoff(attempts, self.settings.retry_base, self.settings.retry_max, self.rnd)
                conn.execute(
                    self._mine(row).values(
                        attempts=attempts, next_attempt_at=later, answer=error, claimed_until=None
                    )
                )
                return
            conn.execute(
                self._mine(row).values(status="dead", attempts=attempts, answer=error, claimed_until=None)
            )
            self._tell_beheer(conn, row, now)

    def _tell_beheer(self, conn: Connection, row: Row[Any], now: datetime) -> None:
        # The key holds the day: the unique (key, recipient, channel) allows one notice a day per recipient.
        if row.recipient == BEHEER or not self.settings.beheer_email:
            return
        note = Notificatie(
            f"storing:{row.recipient}:{now.date().isoformat()}",
            BEHEER,
            Soort.storing,
            f"Bezorging mislukt voor {row.recipient}",
            f"Een bericht via {row.channel} kwam na {row.attempts + 1} pogingen niet aan: {row.answer or ''}."
            " Zie GET /api/v1/deliveries?status=dead.",
        )
        enqueue(conn, [note], {BEHEER: self._voorkeuren(BEHEER)}, now)  # type: ignore[dict-item]


def deliveries(engine: Engine, status: str | None, limit: int) -> list[Row[Any]]:
    query = select(DELIVERY).order_by(DELIVERY.c.created_at.desc()).limit(limit)
    with engine.connect() as conn:
        return list(conn.execute(query.where(DELIVERY.c.status == status) if status else query))


def requeue(engine: Engine, delivery_id: str, now: datetime) -> bool:
    """Give a dead delivery a fresh set of attempts."""
    with writing(engine) as conn:
        moved = conn.execute(
            update(DELIVERY)
            .where(DELIVERY.c.id == delivery_id, DELIVERY.c.status == "dead")
            .values(status="pending", attempts=0, next_attempt_at=now, claimed_until=None)
        )
    return moved.rowcount == 1
