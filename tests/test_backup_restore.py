"""A pg_dump of the tracker restored into a fresh database verifies and rebuilds to the same state."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.conftest import POSTGRES_URL, Databases
from tests.tracker.factories import RISICO, new_store, report
from tracker.catalogue.loader import load_catalogue
from tracker.migrate import upgrade
from tracker.rebuild import rebuild
from tracker.settings import HENGELO
from tracker.tables import STATE


@pytest.mark.postgres
def test_a_restored_dump_verifies_and_rebuilds_to_the_same_projections(
    databases: Databases, tmp_path: Path
) -> None:
    source = databases.fresh("postgresql", "tracker", upgrade)
    store = new_store(source)
    load_catalogue(store, HENGELO)
    report(store, "wilderinkshoek", **RISICO)
    report(store, "twentekanaal", status="op_koers", voortgang=20)
    dump = tmp_path / "tracker.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", source], check=True, timeout=120
    )

    name = f"koers_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    databases.created.append(name)
    target = POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={target}", str(dump)],
        check=True,
        timeout=120,
    )

    restored = new_store(target)
    result = restored.verify()
    assert result.ok and result.count == store.head() and result.head_hash == store.verify().head_hash
    before = _states(restored)
    assert rebuild(restored) == store.head()
    assert _states(restored) == before == _states(store)


def _states(store: object) -> list[tuple[object, ...]]:
    with store.engine.connect() as conn:  # type: ignore[attr-defined]
        return [tuple(r) for r in conn.execute(STATE.select().order_by(STATE.c.stream))]
