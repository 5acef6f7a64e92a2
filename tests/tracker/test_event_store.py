"""The event log on real SQLite and PostgreSQL: positions, versions, idempotency, the hash chain."""

from __future__ import annotations

import gc
import json
import sqlite3
import uuid
import weakref
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from koers.db import BUSY_TIMEOUT_MS
from tests.conftest import POSTGRES_URL, Databases
from tests.tracker.factories import RISICO, new_store, register_actie, report
from tracker import projections, upcasting, writes
from tracker.domain import ActieState, MeldVoortgang, meld
from tracker.events import VoortgangGemeld
from tracker.migrate import upgrade
from tracker.rebuild import rebuild
from tracker.store import Idempotency, IdempotencyMismatch, VersionConflict, WouldWait
from tracker.tables import STATE, STATE_HISTORY


def test_positions_are_gap_free_and_versions_count_per_stream(tracker_url: str) -> None:
    store = new_store(tracker_url)
    register_actie(store, "a")
    register_actie(store, "b")
    report(store, "a")
    rows = store.read_rows(0, 100)
    assert [r.position for r in rows] == [1, 2, 3]
    assert [(r.stream, r.version) for r in rows] == [("actie/a", 1), ("actie/b", 1), ("actie/a", 2)]


def test_the_database_refuses_a_second_event_at_the_same_stream_version(tracker_url: str) -> None:
    store = new_store(tracker_url)
    register_actie(store)
    stale = _state(store)
    report(store)
    event = [VoortgangGemeld(status="op_koers", voortgang=20)]
    with pytest.raises(VersionConflict), store.transaction() as tx:
        tx.seen("actie/wilderinkshoek")
        tx.append("actie/wilderinkshoek", stale.version, event, {}, lambda rec: projections.rows(stale, rec))
    assert store.head() == 2 and store.verify().ok


def _meld(store: object, voortgang: int, key: Idempotency) -> list[object]:
    cmd = MeldVoortgang(status="op_koers", voortgang=voortgang)
    return writes.execute(store, "actie/wilderinkshoek", lambda s: meld(s, cmd), {}, None, key)  # type: ignore[arg-type]


def test_two_stores_on_one_database_appending_at_once_each_read_the_head_under_the_lock(
    tracker_url: str,
) -> None:
    """As two tracker replicas do: a writer that read the head before the other's commit would take a
    position or a version already taken, and fail."""
    stores = [new_store(tracker_url), new_store(tracker_url)]
    register_actie(stores[0])

    def append_many(store: object) -> int:
        return sum(len(report(store, voortgang=i % 101)) for i in range(60))

    with ThreadPoolExecutor(max_workers=2) as pool:
        assert list(pool.map(append_many, stores)) == [60, 60]
    rows = stores[0].read_rows(0, 200)
    assert [r.position for r in rows] == list(range(1, 122))
    assert [r.version for r in rows] == list(range(1, 122))
    assert stores[1].verify().ok and _state(stores[1]).version == 121


def test_the_same_idempotency_key_returns_the_first_result_and_records_once(tracker_url: str) -> None:
    store = new_store(tracker_url)
    register_actie(store)
    first = _meld(store, 20, Idempotency(key="pl:k1", fingerprint="f1"))
    again = _meld(store, 20, Idempotency(key="pl:k1", fingerprint="f1"))
    assert [r.event_id for r in again] == [r.event_id for r in first]  # type: ignore[attr-defined]
    assert store.head() == 2


def test_an_idempotency_key_reused_for_another_request_is_refused(tracker_url: str) -> None:
    store = new_store(tracker_url)
    register_actie(store)
    _meld(store, 20, Idempotency("pl:k", "f1"))
    with pytest.raises(IdempotencyMismatch):
        _meld(store, 30, Idempotency("pl:k", "f2"))
    assert store.head() == 2


def test_the_chain_verifies_and_names_the_first_row_changed_by_hand(tracker_url: str) -> None:
    store = new_store(tracker_url)
    register_actie(store)
    for voortgang in (10, 20, 30):
        report(store, voortgang=voortgang)
    assert store.verify().ok and store.verify().count == 4
    _tamper(
        store,
        "UPDATE tracker_event SET data = replace(data, '\"voortgang\":20', '\"voortgang\":90') "
        "WHERE position = 3",
    )
    result = store.verify()
    assert (result.ok, result.broken_position, result.count) == (False, 3, 2)


def test_a_deleted_row_breaks_the_chain_at_the_gap(tracker_url: str) -> None:
    store = new_store(tracker_url)
    register_actie(store)
    report(store)
    report(store)
    _tamper(store, "DELETE FROM tracker_event WHERE position = 2")
    assert store.verify().broken_position == 3


@pytest.mark.parametrize("statement", ["UPDATE tracker_event SET type = 'X'", "DELETE FROM tracker_event"])
def test_the_database_refuses_to_update_or_delete_events(tracker_url: str, statement: str) -> None:
    store = new_store(tracker_url)
    register_actie(store)
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(text(statement))
    assert store.verify().ok and store.head() == 1


def test_old_event_shapes_are_upcast_when_read(tracker_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store = new_store(tracker_url)
    register_actie(store)
    report(store, voortgang=10)
    with store.engine.begin() as conn:  # pretend position 2 was written before 'toelichting' existed
        meta = json.dumps({"schema_version": 0})
        row = conn.execute(text("SELECT data FROM tracker_event WHERE position = 2")).scalar_one()
    old = json.loads(row)
    old["opmerking"] = old.pop("toelichting")
    monkeypatch.setitem(
        upcasting.UPCASTERS,
        ("VoortgangGemeld", 0),
        lambda d: {**{k: v for k, v in d.items() if k != "opmerking"}, "toelichting": d["opmerking"]},
    )
    _tamper(
        store, f"UPDATE tracker_event SET data = '{json.dumps(old)}', metadata = '{meta}' WHERE position = 2"
    )
    event = store.read_stream("actie/wilderinkshoek")[1].event
    assert isinstance(event, VoortgangGemeld) and event.voortgang == 10


def test_rebuild_gives_the_same_projections_as_the_append_transactions(tracker_url: str) -> None:
    days = iter(datetime(2026, 1, 5, 10, tzinfo=UTC) + timedelta(days=d // 2) for d in range(100))
    store = new_store(tracker_url, clock=lambda: next(days))
    register_actie(store, "a")
    register_actie(store, "b", kpi=None)
    for voortgang in (10, 20, 30):
        report(store, "a", voortgang=voortgang)
        report(store, "b", **{**RISICO, "voortgang": voortgang})
    before = _projection_rows(store)
    assert rebuild(store) == 8
    assert _projection_rows(store) == before


def test_the_state_at_a_peildatum_is_what_was_recorded_by_the_end_of_that_day(tracker_url: str) -> None:
    moments = iter(
        [
            datetime(2026, 6, 30, 8, tzinfo=UTC),
            datetime(2026, 6, 30, 21, 59, tzinfo=UTC),
            datetime(2026, 6, 30, 22, 1, tzinfo=UTC),
        ]
    )  # 22:01 UTC is already 1 July in Hengelo
    store = new_store(tracker_url, clock=lambda: next(moments))
    register_actie(store)
    report(store, voortgang=30)
    report(store, voortgang=50)
    juni = projections.as_of_one(store.engine, "actie/wilderinkshoek", date(2026, 6, 30))
    juli = projections.as_of_one(store.engine, "actie/wilderinkshoek", date(2026, 7, 1))
    assert isinstance(juni, ActieState) and isinstance(juli, ActieState)
    assert (juni.melding.voortgang, juli.melding.voortgang) == (30, 50)  # type: ignore[union-attr]
    assert projections.as_of_one(store.engine, "actie/wilderinkshoek", date(2026, 6, 29)) is None


def test_recorded_time_never_runs_backwards_in_the_log(tracker_url: str) -> None:
    moments = iter([datetime(2026, 6, 30, 8, tzinfo=UTC), datetime(2026, 6, 29, 8, tzinfo=UTC)])
    store = new_store(tracker_url, clock=lambda: next(moments))
    register_actie(store)
    report(store)
    first, second = store.read_rows(0, 10)
    assert second.recorded_at >= first.recorded_at


def test_event_ids_are_uuid7_ordered_by_their_time_of_recording(tracker_url: str) -> None:
    """Time-ordered ids are what keeps an append on a long log as fast as on a short one."""
    store = new_store(tracker_url)
    register_actie(store)
    for _ in range(20):
        report(store)
    ids = [uuid.UUID(r.event_id) for r in store.read_rows(0, 100)]
    assert {(u.version, u.variant) for u in ids} == {(7, uuid.RFC_4122)}
    milliseconds = [u.int >> 80 for u in ids]
    assert milliseconds == sorted(milliseconds)
    assert len(set(ids)) == len(ids) == 21


def test_statements_through_sqlalchemy_share_the_transaction_and_its_rollback(tracker_url: str) -> None:
    store = new_store(tracker_url)
    register_actie(store)
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.seen("actie/wilderinkshoek")
        tx.conn.execute(STATE.delete())
        raise RuntimeError("refused after the delete")
    assert _state(store).version == 1
    with store.transaction() as tx:
        tx.conn.execute(STATE.delete())
    assert projections.current_one(store.engine, "actie/wilderinkshoek") is None


def test_a_connection_used_by_appends_runs_whole_transactions_afterwards(tracker_url: str) -> None:
    store = new_store(tracker_url)
    register_actie(store)
    with pytest.raises(RuntimeError), store.transaction():
        raise RuntimeError("an append that is refused")
    with pytest.raises(RuntimeError), store.engine.begin() as conn:  # the pool lends the same connection
        conn.execute(STATE.delete())
        raise RuntimeError("rolled back, so the delete is undone")
    assert _state(store).version == 1


def test_after_a_lost_connection_the_next_append_goes_through_a_new_one(tracker_url: str) -> None:
    store = new_store(tracker_url)
    register_actie(store)
    lost = psycopg.OperationalError if store.postgres else sqlite3.OperationalError
    with pytest.raises(lost), store.transaction() as tx:
        tx.cursor.connection.close()  # as when the server or the disk goes away mid-transaction
        raise lost("the connection is gone")
    report(store)
    assert store.head() == 2 and store.verify().ok


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_transaction_that_may_not_wait_gives_way_to_another_writer_and_the_next_one_waits_again(
    tracker_url: str,
) -> None:
    store = new_store(tracker_url)
    register_actie(store)
    other = sqlite3.connect(tracker_url.removeprefix("sqlite:///"), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process's writer
    with pytest.raises(WouldWait), store.transaction(wait=False):
        pass  # entering gives way at once, rather than wait in SQLite's busy handler
    with store.local_lock, pytest.raises(WouldWait), store.transaction(wait=False):
        pass  # a writer of this process holds the log

    other.execute("ROLLBACK")
    other.close()

    with store.transaction() as tx:  # the next transaction waits as long as ever for another writer
        assert tx.cursor.execute("PRAGMA busy_timeout").fetchone() == (BUSY_TIMEOUT_MS,)
    report(store)
    assert store.head() == 2 and store.verify().ok


@pytest.mark.postgres
def test_a_kept_writer_connection_whose_backend_was_terminated_is_replaced_before_the_next_append(
    databases: Databases,
) -> None:
    store = new_store(databases.fresh("postgresql", "tracker", upgrade))
    register_actie(store)
    with store.transaction() as tx:  # the writer connection is kept between transactions
        backend = tx.cursor.execute("SELECT pg_backend_pid()").fetchone()[0]
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s, 10000)", (backend,)).fetchone() == (True,)
    report(store)
    with store.transaction() as tx:
        assert tx.cursor.execute("SELECT pg_backend_pid()").fetchone()[0] != backend
    assert store.head() == 2 and store.verify().ok


def test_a_store_no_longer_used_is_freed_at_once_and_with_it_its_writer_connection(tracker_url: str) -> None:
    gc.disable()  # freed by its reference count, not by a later collection of cycles
    try:
        store = new_store(tracker_url)
        register_actie(store)
        freed = weakref.ref(store)
        del store
        assert freed() is None
    finally:
        gc.enable()


def test_disposing_the_engine_closes_the_sqlite_file_and_a_later_append_opens_it_again(
    databases: Databases,
) -> None:
    url = databases.fresh("sqlite", "tracker", upgrade)
    store = new_store(url)
    register_actie(store)
    wal = Path(f"{store.engine.url.database}-wal")
    assert wal.exists()
    store.engine.dispose()
    assert not wal.exists()  # SQLite folds the WAL back and removes it when its last connection closes
    report(store)
    assert store.head() == 2


def _state(store: object) -> ActieState:
    state = projections.current_one(store.engine, "actie/wilderinkshoek")  # type: ignore[attr-defined]
    assert isinstance(state, ActieState)
    return state


def _projection_rows(store: object) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with store.engine.connect() as conn:  # type: ignore[attr-defined]
        current = conn.execute(STATE.select().order_by(STATE.c.stream)).all()
        history = conn.execute(
            STATE_HISTORY.select().order_by(STATE_HISTORY.c.stream, STATE_HISTORY.c.dag)
        ).all()
    return [tuple(r) for r in current], [tuple(r) for r in history]


def _tamper(store: object, statement: str) -> None:
    """Change the log by hand, as an insider with database rights would: past the append-only guard."""
    engine = store.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE tracker_event DISABLE TRIGGER tracker_event_append_only"))
            conn.exec_driver_sql(statement)
            conn.execute(text("ALTER TABLE tracker_event ENABLE TRIGGER tracker_event_append_only"))
        else:
            conn.execute(text("DROP TRIGGER tracker_event_no_update"))
            conn.execute(text("DROP TRIGGER tracker_event_no_delete"))
            conn.exec_driver_sql(statement)
