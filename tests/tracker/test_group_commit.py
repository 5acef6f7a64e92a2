"""Writes queued together commit together, each decided as if alone, none failing for another's sake."""

from __future__ import annotations

import asyncio
import gc
import sqlite3
from typing import Any

import pytest

from tests.tracker.factories import new_store, register_actie
from tracker.domain import MeldVoortgang, meld
from tracker.domain_errors import ActieOnbekend
from tracker.events import Recorded, VoortgangGemeld
from tracker.group_commit import GroupCommit, Write
from tracker.projections import parse_state, rows
from tracker.store import EventStore, Idempotency, IdempotencyMismatch, Transaction, VersionConflict
from tracker.writes import PreconditionFailed, StreamWrite

ACTIES = ("wilderinkshoek", "twentekanaal", "isolatiesubsidie")


@pytest.fixture
def store(tracker_url: str) -> EventStore:
    store: EventStore = new_store(tracker_url)
    for actie in ACTIES:
        register_actie(store, actie)
    return store


def update(actie: str, voortgang: int, **options: Any) -> Write:
    command = MeldVoortgang(status="op_koers", voortgang=voortgang)
    return write(actie, lambda state: meld(state, command), **options)


def write(actie: str, decide: Any, **options: Any) -> Write:
    return StreamWrite(f"actie/{actie}", decide, {"actor": "test"}, **options)


class Broken(Exception):
    """Neither a refusal nor anything the store raises: a fault of this one write."""


def broken(_state: object) -> list[Any]:
    raise Broken


def commits_of(store: EventStore) -> list[int]:
    heads: list[int] = []
    store.listeners.append(heads.append)
    return heads


async def run_all(group: GroupCommit, *writes: Write) -> list[list[Recorded] | BaseException]:
    return await asyncio.gather(*(group.execute(one) for one in writes), return_exceptions=True)


async def test_writes_queued_together_share_one_commit_and_keep_the_log_whole(store: EventStore) -> None:
    commits, before = commits_of(store), store.head()

    outcomes = await run_all(GroupCommit(store), *(update(ACTIES[i % 3], i) for i in range(30)))

    assert all(isinstance(outcome, list) and len(outcome) == 1 for outcome in outcomes)
    assert commits == [before + 30]  # one transaction for all thirty
    positions = [outcome[0].position for outcome in outcomes if isinstance(outcome, list)]
    assert positions == list(range(before + 1, before + 31))  # in the order they queued
    assert [r.event.voortgang for r in store.read_stream("actie/twentekanaal")[1:]] == list(range(1, 30, 3))
    assert store.verify().ok


async def test_a_later_write_on_a_stream_sees_what_an_earlier_one_in_its_transaction_wrote(
    store: EventStore,
) -> None:
    stale, current = update("wilderinkshoek", 20, if_match=1), update("wilderinkshoek", 30, if_match=2)

    first, second, third = await run_all(GroupCommit(store), update("wilderinkshoek", 10), stale, current)

    assert isinstance(first, list) and first[0].version == 2
    assert isinstance(second, PreconditionFailed) and second.current == 2
    assert isinstance(third, list) and third[0].version == 3
    assert [r.event.voortgang for r in store.read_stream("actie/wilderinkshoek")[1:]] == [10, 30]


async def test_a_write_the_domain_refuses_leaves_the_others_of_its_transaction_in(store: EventStore) -> None:
    commits, before = commits_of(store), store.head()

    first, refused, last = await run_all(
        GroupCommit(store),
        update("wilderinkshoek", 10),
        update("bestaat-niet", 10),
        update("twentekanaal", 10),
    )

    assert isinstance(refused, ActieOnbekend)
    assert isinstance(first, list) and isinstance(last, list)
    assert commits == [before + 2]
    assert store.verify().ok


async def test_an_idempotency_key_repeated_in_one_transaction_records_once(store: EventStore) -> None:
    key = Idempotency(key="test:1", fingerprint="same")

    first, again = await run_all(
        GroupCommit(store),
        update("wilderinkshoek", 10, idempotency=key),
        update("wilderinkshoek", 10, idempotency=key),
    )

    assert isinstance(first, list) and isinstance(again, list)
    assert [r.event_id for r in again] == [r.event_id for r in first]
    assert len(store.read_stream("actie/wilderinkshoek")) == 2


@pytest.mark.parametrize(
    ("second", "refusal"),
    [
        (
            update("wilderinkshoek", 20, if_match=1, idempotency=Idempotency("test:3", "own")),
            PreconditionFailed,
        ),
        (
            update("twentekanaal", 10, idempotency=Idempotency("test:2", "another request")),
            IdempotencyMismatch,
        ),
    ],
    ids=["its stream, with a key of its own", "its key, on another stream"],
)
async def test_a_write_sees_what_an_earlier_one_in_its_transaction_wrote_though_it_was_read_ahead(
    store: EventStore, second: Write, refusal: type[Exception]
) -> None:
    commits, before = commits_of(store), store.head()

    first, refused, last = await run_all(
        GroupCommit(store),
        update("wilderinkshoek", 10, idempotency=Idempotency("test:2", "one request")),
        second,
        update("isolatiesubsidie", 10),
    )

    assert isinstance(first, list) and isinstance(refused, refusal) and isinstance(last, list)
    assert commits == [before + 2]  # refused before it wrote anything: the others in one transaction
    written = [row.stream for row in store.read_rows(before, 10)]
    assert written == ["actie/wilderinkshoek", "actie/isolatiesubsidie"]  # nothing of the refused write
    assert store.verify().ok


async def test_a_write_that_fails_otherwise_fails_alone_and_the_rest_commit_without_it(
    store: EventStore,
) -> None:
    commits, before = commits_of(store), store.head()
    failing = write("wilderinkshoek", broken)

    first, failed, last = await run_all(
        GroupCommit(store), update("wilderinkshoek", 10), failing, update("twentekanaal", 10)
    )

    assert isinstance(failed, Broken)
    assert isinstance(first, list) and isinstance(last, list)
    assert commits == [before + 1, before + 2]  # the transaction rolled back; each other write alone
    assert [outcome[0].position for outcome in (first, last) if isinstance(outcome, list)] == [
        before + 1,
        before + 2,
    ]
    assert store.verify().ok


def taken_version(tx: Transaction) -> list[Recorded]:
    """Appends at a version the stream already has: only the database's unique key refuses it."""
    state = parse_state("actie", tx.seen("actie/isolatiesubsidie").state or "")
    event = [VoortgangGemeld(status="op_koers", voortgang=5)]
    return tx.append("actie/isolatiesubsidie", state.version - 1, event, {}, lambda rec: rows(state, rec))


@pytest.mark.parametrize("place", [1, 2], ids=["with the next write's statement", "with the commit"])
async def test_a_write_the_database_refuses_fails_alone_wherever_its_statement_went(
    store: EventStore, place: int
) -> None:
    commits, before = commits_of(store), store.head()
    writes = [update("wilderinkshoek", 10), update("twentekanaal", 10)]
    writes.insert(place, taken_version)

    outcomes = await run_all(GroupCommit(store), *writes)

    refused = outcomes.pop(place)
    assert isinstance(refused, VersionConflict) and refused.stream == "actie/isolatiesubsidie"
    assert commits == [before + 1, before + 2]  # the transaction rolled back; each other write alone
    assert [o[0].event.voortgang for o in outcomes if isinstance(o, list)] == [10, 10]
    assert len(store.read_stream("actie/isolatiesubsidie")) == 1
    assert store.verify().ok


async def test_a_write_whose_request_is_cancelled_is_still_committed_and_nothing_waits(
    store: EventStore,
) -> None:
    group = GroupCommit(store)
    cancelled = asyncio.create_task(group.execute(update("wilderinkshoek", 10)))
    await asyncio.sleep(0)  # queued, its transaction begun

    cancelled.cancel()
    later = await group.execute(update("wilderinkshoek", 20))

    assert cancelled.cancelled()
    assert later[0].version == 3
    assert [r.event.voortgang for r in store.read_stream("actie/wilderinkshoek")[1:]] == [10, 20]


@pytest.mark.parametrize(("decide", "logged"), [("refused", []), ("broken", ["Broken"])])
async def test_the_outcome_of_a_cancelled_request_is_logged_only_when_it_is_a_fault(
    store: EventStore, caplog: pytest.LogCaptureFixture, decide: str, logged: list[str]
) -> None:
    reported: list[dict[str, Any]] = []
    asyncio.get_running_loop().set_exception_handler(lambda _loop, context: reported.append(context))
    group = GroupCommit(store)
    failing = update("bestaat-niet", 10) if decide == "refused" else write("wilderinkshoek", broken)
    cancelled = asyncio.create_task(group.execute(failing))
    await asyncio.sleep(0)

    cancelled.cancel()
    await group.execute(update("wilderinkshoek", 20))  # its transaction ends after the failing one
    del cancelled
    gc.collect()  # a future whose exception nobody retrieved reports it when it is collected

    assert reported == []  # never an exception "never retrieved" from the event loop
    faults = [r for r in caplog.records if r.name == "tracker.group_commit"]
    assert [type(r.exc_info[1]).__name__ for r in faults if r.exc_info] == logged


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_on_sqlite_a_write_waits_for_another_process_holding_the_lock_without_holding_up_the_loop(
    store: EventStore, tracker_url: str
) -> None:
    other = sqlite3.connect(tracker_url.removeprefix("sqlite:///"), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # the write lock, as another process's writer (an import) holds it
    try:
        waiting = asyncio.create_task(GroupCommit(store).execute(update("wilderinkshoek", 10)))
        for _ in range(5):
            await asyncio.sleep(0)  # the loop goes on: were it stuck in SQLite's busy wait, the write failed

        assert not waiting.done()
    finally:
        other.execute("ROLLBACK")
        other.close()
    recorded = await waiting

    assert recorded[0].version == 2
    assert store.verify().ok
