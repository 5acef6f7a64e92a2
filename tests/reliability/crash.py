"""Crash harness: a steady write load on a real tracker process that is SIGKILLed and restarted at random
moments, and the audit afterwards of what the clients were told against what the log holds."""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
from sqlalchemy import select

from tracker.rebuild import rebuild
from tracker.tables import STATE, STATE_HISTORY

if TYPE_CHECKING:
    from tests.conftest import Service
    from tracker.store import EventStore


@dataclass
class Attempt:
    """One update a client sent, and what it was told."""

    actie: str
    key: str
    body: dict[str, Any]
    outcome: str = "pending"  # acknowledged · refused · ambiguous (sent, but no answer came back)
    status: int | None = None
    event_id: str | None = None
    retried: int | None = None  # the status the retry with the same key got, for an ambiguous one

    @property
    def marker(self) -> str:
        return str(self.body["toelichting"])


@dataclass
class Tally:
    kills: int = 0
    sent: int = 0
    acknowledged: int = 0
    refused: int = 0
    ambiguous: int = 0
    ambiguous_found_before_retry: int = 0
    found: int = 0
    lost: int = 0
    duplicates: int = 0
    events: int = 0
    statuses: Counter[int] = field(default_factory=Counter)

    def line(self) -> str:
        return " ".join(f"{k}={v}" for k, v in vars(self).items())


@dataclass
class Load:
    """Client threads posting updates with unique Idempotency-Keys and unique toelichting markers."""

    url: str
    token: str
    acties: list[str]
    threads: int = 4
    invalid_share: float = 0.1
    attempts: list[Attempt] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> list[threading.Thread]:
        workers = [threading.Thread(target=self._client, args=(n,), daemon=True) for n in range(self.threads)]
        for worker in workers:
            worker.start()
        return workers

    def _client(self, n: int) -> None:
        rng = random.Random(n)
        with httpx.Client(headers={"Authorization": f"Bearer {self.token}"}, timeout=20) as client:
            while not self.stop.is_set():
                attempt = self._new(n, rng)
                send(client, self.url, attempt, until=self.stop)
                with self.lock:
                    self.attempts.append(attempt)

    def _new(self, n: int, rng: random.Random) -> Attempt:
        marker = f"crash-{uuid.uuid4().hex}"
        voortgang = 101 if rng.random() < self.invalid_share else rng.randint(0, 100)  # 101: refused, 400
        body = {"status": "op_koers", "voortgang": voortgang, "toelichting": marker}
        return Attempt(actie=self.acties[n % len(self.acties)], key=str(uuid.uuid4()), body=body)


def send(client: httpx.Client, url: str, attempt: Attempt, until: threading.Event | None = None) -> None:
    """Post once; a refused connection was never sent, so it is tried again while the server restarts."""
    while True:
        try:
            response = client.post(
                f"{url}/api/v1/acties/{attempt.actie}/updates",
                json=attempt.body,
                headers={"Idempotency-Key": attempt.key},
            )
        except httpx.ConnectError:
            if until is not None and until.is_set():
                attempt.outcome = "unsent"
                return
            time.sleep(0.05)
            continue
        except httpx.TransportError:
            attempt.outcome = "ambiguous"
            return
        attempt.status = response.status_code
        if response.status_code == 201:
            attempt.outcome, attempt.event_id = "acknowledged", response.json()["event_id"]
        else:
            attempt.outcome = "refused"
        return


def crash_loop(service: Service, kills: int, rng: random.Random, max_gap: float = 1.2) -> int:
    """SIGKILL the service at random moments and restart it each time; returns the number of kills."""
    for _ in range(kills):
        time.sleep(rng.uniform(0.1, max_gap))
        service.kill()
        time.sleep(rng.uniform(0, 0.3))
        service.start()
    return kills


def markers_in_log(store: EventStore) -> tuple[Counter[str], dict[str, str]]:
    """How often each load marker is in the log, and the event that holds it."""
    found: Counter[str] = Counter()
    ids: dict[str, str] = {}
    for row in store.iter_rows():
        toelichting = json.loads(row.data).get("toelichting") if row.type == "VoortgangGemeld" else None
        if toelichting and toelichting.startswith("crash-"):
            found[toelichting] += 1
            ids[toelichting] = row.event_id
    return found, ids


def audit(store: EventStore, attempts: list[Attempt], url: str, token: str, tally: Tally) -> Tally:
    """Check every promise against the log; retry the ambiguous updates with their own key, then again."""
    before, ids = markers_in_log(store)
    for attempt in attempts:
        count = before[attempt.marker]
        tally.sent += attempt.outcome != "unsent"
        if attempt.outcome == "acknowledged":
            tally.acknowledged += 1
            assert count == 1, f"acknowledged update {attempt.marker} is in the log {count} times"
            assert ids[attempt.marker] == attempt.event_id
        elif attempt.outcome == "refused":
            tally.refused += 1
            tally.statuses[attempt.status or 0] += 1
            assert count == 0, f"refused update ({attempt.status}) {attempt.marker} is in the log"
        elif attempt.outcome == "ambiguous":
            tally.ambiguous += 1
            tally.ambiguous_found_before_retry += count
            assert count <= 1, f"ambiguous update {attempt.marker} is in the log {count} times"
        else:
            assert count == 0, f"an update that was never sent is in the log: {attempt.marker}"
    _retry_ambiguous(store, attempts, url, token, before, ids)
    after, _ = markers_in_log(store)
    tally.found = sum(1 for a in attempts if after[a.marker] >= 1)
    tally.duplicates = sum(n - 1 for n in after.values() if n > 1)
    # Lost: acknowledged (at first, or on the retry of an ambiguous one) and yet not in the log.
    tally.lost = sum(
        1 for a in attempts if (a.outcome == "acknowledged" or a.retried == 201) and not after[a.marker]
    )
    tally.events = store.head()
    return tally


def _retry_ambiguous(
    store: EventStore,
    attempts: list[Attempt],
    url: str,
    token: str,
    before: Counter[str],
    ids: dict[str, str],
) -> None:
    with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=20) as client:
        for attempt in (a for a in attempts if a.outcome == "ambiguous"):
            retry = Attempt(attempt.actie, attempt.key, attempt.body)
            send(client, url, retry)
            attempt.retried = retry.status
            if before[attempt.marker]:
                # It had landed: the same key must give back the first result, not a second event.
                assert retry.outcome == "acknowledged" and retry.event_id == ids[attempt.marker], retry
            else:
                assert retry.outcome in ("acknowledged", "refused"), retry
                assert retry.status == 201 or attempt.body["voortgang"] == 101, retry


def check_log(store: EventStore) -> None:
    """Positions gap-free, the chain verifies, and the projections are what a rebuild makes of the log."""
    positions = [row.position for row in store.iter_rows()]
    assert positions == list(range(1, len(positions) + 1)), "positions have a gap"
    verification = store.verify()
    assert verification.ok, verification
    before = _projections(store)
    rebuild(store)
    assert _projections(store) == before, "projections differ from a rebuild of the log"


def _projections(store: EventStore) -> dict[str, list[tuple[Any, ...]]]:
    with store.engine.connect() as conn:
        return {t.name: sorted(tuple(r) for r in conn.execute(select(t))) for t in (STATE, STATE_HISTORY)}
