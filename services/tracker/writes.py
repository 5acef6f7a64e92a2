"""The write side: load a stream's state, decide, append the events with their projection."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from tracker import projections

if TYPE_CHECKING:
    from tracker.domain import State
    from tracker.events import Event, Recorded
    from tracker.store import EventStore, Idempotency, Transaction


class PreconditionFailed(Exception):
    """The client's If-Match names a version that is no longer current."""

    def __init__(self, current: int) -> None:
        super().__init__(f"current version is {current}")
        self.current = current


Decision = Callable[["State | None"], "list[Event]"]
P = ParamSpec("P")
R = TypeVar("R")


def execute_in(
    tx: Transaction,
    stream: str,
    decide: Decision,
    metadata: dict[str, Any],
    if_match: int | None = None,
    idempotency: Idempotency | None = None,
) -> list[Recorded]:
    """Load the stream's state, decide and append, inside a transaction the caller holds: several streams
    then commit, or fail, together.

    Deciding under the lock costs microseconds (decide is pure) and saves the round trips of a separate
    read and a version re-check; request parsing, authorisation and rendering stay outside it."""
    seen = tx.seen(stream, idempotency)
    if seen.earlier is not None:
        return seen.earlier
    state = projections.parse_state(projections.kind_of(stream), seen.state) if seen.state else None
    version = state.version if state else 0
    if if_match is not None and if_match != version:
        raise PreconditionFailed(version)
    events = decide(state)
    if not events:
        return []
    return tx.append(stream, version, events, metadata, lambda rec: projections.rows(state, rec), idempotency)


@dataclass(frozen=True, slots=True)
class StreamWrite:
    """`execute_in` on one stream as a value, whose stream and key the group commit can read ahead."""

    stream: str
    decide: Decision
    metadata: dict[str, Any] = field(default_factory=dict)
    if_match: int | None = None
    idempotency: Idempotency | None = None

    def __call__(self, tx: Transaction) -> list[Recorded]:
        return execute_in(tx, self.stream, self.decide, self.metadata, self.if_match, self.idempotency)

    @property
    def reads(self) -> tuple[str, str | None]:
        return self.stream, self.idempotency.key if self.idempotency else None


def _in_own_transaction(
    write: Callable[Concatenate[Transaction, P], R],
) -> Callable[Concatenate[EventStore, P], R]:
    def run(store: EventStore, *args: P.args, **kwargs: P.kwargs) -> R:
        with store.transaction() as tx:
            return write(tx, *args, **kwargs)

    return run


execute = _in_own_transaction(execute_in)
"""`execute_in` for one stream, in a transaction of its own."""
