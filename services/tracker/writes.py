"""The write side: load a stream's state, decide, append the events with their projection."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tracker import projections
from tracker.metrics import CONFLICTS
from tracker.projections import Projector
from tracker.store import IdempotencyMismatch, VersionConflict

if TYPE_CHECKING:
    from tracker.domain import State
    from tracker.events import Event, Recorded
    from tracker.store import EventStore, Idempotency


class PreconditionFailed(Exception):
    """The client's If-Match names a version that is no longer current."""

    def __init__(self, current: int) -> None:
        super().__init__(f"current version is {current}")
        self.current = current


Decision = Callable[["State | None"], "list[Event]"]

# Without If-Match the writer asked for no particular version: when another append wins the race, decide
# again on the new state. Each round lets at least one writer through, so this bounds N writers per stream.
ATTEMPTS_WITHOUT_IF_MATCH = 25


def execute(
    store: EventStore,
    stream: str,
    decide: Decision,
    metadata: dict[str, Any],
    if_match: int | None = None,
    idempotency: Idempotency | None = None,
) -> list[Recorded]:
    """Decide on the current state outside the lock; the append re-checks the version under it."""
    attempts = 1 if if_match is not None else ATTEMPTS_WITHOUT_IF_MATCH
    for attempt in range(1, attempts + 1):
        try:
            recorded = _attempt(store, stream, decide, metadata, if_match, idempotency)
        except VersionConflict:
            CONFLICTS.labels("version").inc()
            if attempt == attempts:
                raise
            continue
        except PreconditionFailed:
            CONFLICTS.labels("precondition").inc()
            raise
        except IdempotencyMismatch:
            CONFLICTS.labels("idempotency").inc()
            raise
        return recorded
    raise AssertionError("unreachable")


def _attempt(
    store: EventStore,
    stream: str,
    decide: Decision,
    metadata: dict[str, Any],
    if_match: int | None,
    idempotency: Idempotency | None,
) -> list[Recorded]:
    if idempotency and (earlier := store.replay(idempotency)) is not None:
        return earlier
    state = projections.current_one(store.engine, stream)
    version = state.version if state else 0
    if if_match is not None and if_match != version:
        raise PreconditionFailed(version)
    events = decide(state)
    if not events:
        return []
    return store.append(stream, version, events, metadata, Projector(state), idempotency)
