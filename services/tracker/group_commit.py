"""Writes of concurrent requests committed together: one lock, one commit and one thread hop for them all.

Requests that arrive while a commit is under way queue; the next transaction takes the queue. Each write
is decided in turn against what the writes before it in that transaction wrote, exactly as if it ran
alone after them, and its request is answered only once the transaction is committed. A write the domain
refuses touches nothing and leaves the others in; any other failure rolls the transaction back and each
of its writes runs again in a transaction of its own, so no write fails for another's sake.

Where the transaction runs differs by database. PostgreSQL's statements are round trips to a server:
the whole transaction runs in a worker thread. SQLite's statements are work in this process, and a worker
thread has to win the interpreter's lock back from the busy event loop after each of them (under the HTTP
bench, half of every group commit's time went to those waits): the writes run on the event loop, and only
the commit, which waits for the disk (and now and then for a WAL checkpoint), runs in a thread. When
another process holds SQLite's write lock, the transaction goes to a thread after all, so that the event
loop never waits for it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

import anyio
import psycopg

from tracker.domain_errors import DomainError
from tracker.store import IdempotencyMismatch, WouldWait
from tracker.writes import PreconditionFailed, StreamWrite

if TYPE_CHECKING:
    from tracker.events import Recorded
    from tracker.store import EventStore, Transaction

log = logging.getLogger("tracker.group_commit")
Write = Callable[["Transaction"], "list[Recorded]"]
Outcome: TypeAlias = "list[Recorded] | BaseException"

# Raised by `execute_in` before it writes anything: the transaction is as it was, the next write goes on.
REFUSALS = (DomainError, PreconditionFailed, IdempotencyMismatch)


class GroupCommit:
    def __init__(self, store: EventStore, most: int = 64) -> None:
        self.store = store
        self.most = most  # writes per transaction at most, which bounds how long the lock is held
        self._queue: list[tuple[Write, asyncio.Future[list[Recorded]]]] = []
        self._draining: asyncio.Task[None] | None = None

    async def execute(self, write: Write) -> list[Recorded]:
        """Run `write` in a transaction with the writes of other requests that queued with it; its result
        once that transaction is committed. A `writes.StreamWrite` names what it will read: on PostgreSQL
        the reads of all of a transaction's writes go to the server together, with its BEGIN."""
        future: asyncio.Future[list[Recorded]] = asyncio.get_running_loop().create_future()
        self._queue.append((write, future))
        if self._draining is None:
            self._draining = asyncio.create_task(self._drain())
        # A request that is cancelled (its client left) does not take its write out of the transaction.
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            future.add_done_callback(_unawaited)
            raise

    async def _drain(self) -> None:
        batch: list[tuple[Write, asyncio.Future[list[Recorded]]]] = []
        try:
            while self._queue:
                batch, self._queue = self._queue[: self.most], self._queue[self.most :]
                outcomes = await self._commit([write for write, _ in batch])
                _settle(batch, outcomes)
        except BaseException as exc:  # cancelled when the loop stops: nobody is left waiting for ever
            _settle(batch + self._queue, [exc] * (len(batch) + len(self._queue)))
            raise
        finally:
            self._draining = None

    async def _commit(self, writes: list[Write]) -> list[Outcome]:
        try:
            return await self._together(writes)
        except _WriteFailed as failed:
            if len(writes) == 1:
                return [failed.cause]
            return [outcome for write in writes for outcome in await self._commit([write])]
        except Exception as exc:  # beginning or committing failed, for every write alike
            return [exc] * len(writes)

    async def _together(self, writes: list[Write]) -> list[Outcome]:
        if not self.store.postgres:
            with contextlib.suppress(WouldWait), self.store.transaction(wait=False) as tx:
                outcomes = _each(tx, writes)
                await anyio.to_thread.run_sync(tx.commit)
                return outcomes
        return await anyio.to_thread.run_sync(self._in_thread, writes)

    def _in_thread(self, writes: list[Write]) -> list[Outcome]:
        with self.store.transaction() as tx:
            tx.read_ahead([write.reads for write in writes if isinstance(write, StreamWrite)])
            outcomes = _each(tx, writes)
            # The last write's statement goes with the COMMIT. A failure other than a lost connection, after
            # which nobody knows whether the commit took, left nothing behind: each write runs again alone.
            try:
                tx.commit()
            except psycopg.OperationalError:
                raise
            except Exception as exc:
                raise _WriteFailed(exc) from exc
            return outcomes


def _each(tx: Transaction, writes: list[Write]) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for write in writes:
        try:
            outcomes.append(write(tx))
        except REFUSALS as refused:
            outcomes.append(refused)
        except Exception as exc:
            raise _WriteFailed(exc) from exc  # out of the `with`: the transaction rolls back
    return outcomes


class _WriteFailed(Exception):
    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause


def _unawaited(future: asyncio.Future[list[Recorded]]) -> None:
    """The outcome of a write whose request was cancelled: nobody awaits it any more. A refusal is an
    answer, not a fault, and is dropped; a fault is logged here rather than by the event loop as an
    exception "never retrieved"."""
    if future.cancelled():
        return
    if (exc := future.exception()) is not None and not isinstance(exc, REFUSALS):
        log.error("schrijven zonder wachtend verzoek mislukt", exc_info=exc)


def _settle(batch: list[tuple[Write, asyncio.Future[list[Recorded]]]], outcomes: list[Outcome]) -> None:
    for (_, future), outcome in zip(batch, outcomes, strict=True):
        if future.done():
            continue
        if isinstance(outcome, BaseException):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)
