"""The write side: load a stream's state, decide, append the events with their projection."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tracker import projections
from tracker.projections import Projector

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


def execute(
    store: EventStore,
    stream: str,
    decide: Decision,
    metadata: dict[str, Any],
    if_match: int | None = None,
    idempotency: Idempotency | None = None,
) -> list[Recorded]:
    """Decide on the current state outside the lock; the append re-checks the version under it."""
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
