"""koers-tracker as an operator runs it: migrate, load, verify (and fail loudly), rebuild, make tokens."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from tests.tracker.factories import new_store, report
from tracker import projections
from tracker.auth import authenticate
from tracker.store import utcnow


def koers_tracker(url: str, *args: str, catalogue: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRACKER_DATABASE_URL": url}
    if catalogue:
        env["TRACKER_CATALOGUE"] = str(catalogue)
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_an_operator_migrates_loads_and_verifies_a_new_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert koers_tracker(url, "migrate").returncode == 0
    loaded = koers_tracker(url, "load-catalogue")
    assert loaded.returncode == 0 and "hengelo-2026.yaml" in loaded.stderr
    verified = koers_tracker(url, "verify")
    assert verified.returncode == 0 and "keten intact" in verified.stdout


def test_verify_exits_1_and_names_the_first_broken_position(tracker_url: str) -> None:
    store = new_store(tracker_url)
    assert koers_tracker(tracker_url, "load-catalogue").returncode == 0
    report(store, voortgang=20)
    position = store.head()
    with store.engine.begin() as conn:
        if store.postgres:
            conn.execute(text("ALTER TABLE tracker_event DISABLE TRIGGER tracker_event_append_only"))
        else:
            conn.execute(text("DROP TRIGGER tracker_event_no_update"))
        conn.execute(
            text("UPDATE tracker_event SET stream = 'actie/twentekanaal' WHERE position = :p"),
            {"p": position},
        )
    result = koers_tracker(tracker_url, "verify")
    assert result.returncode == 1 and f"positie {position}" in result.stderr


def test_a_malformed_catalogue_is_refused_and_nothing_loaded(tracker_url: str, tmp_path: Path) -> None:
    broken = tmp_path / "kapot.yaml"
    broken.write_text("gemeente: Teststad\nopgaven: [\n")
    result = koers_tracker(tracker_url, "load-catalogue", catalogue=broken)
    assert result.returncode == 2 and "kapot.yaml" in result.stderr
    assert new_store(tracker_url).head() == 0


def test_rebuild_replays_the_log_and_reports_the_count(tracker_url: str) -> None:
    assert koers_tracker(tracker_url, "load-catalogue").returncode == 0
    store = new_store(tracker_url)
    report(store, voortgang=40)
    rebuilt = koers_tracker(tracker_url, "rebuild")
    assert rebuilt.returncode == 0 and f"{store.head()} events" in rebuilt.stderr
    state = projections.current_one(store.engine, "actie/wilderinkshoek")
    assert state is not None and state.melding.voortgang == 40  # type: ignore[union-attr]


def test_token_prints_a_secret_that_authenticates_with_its_role(tracker_url: str) -> None:
    made = koers_tracker(tracker_url, "token", "--rol", "projectleider", "--actie", "wilderinkshoek")
    assert made.returncode == 0
    principal = authenticate(new_store(tracker_url).engine, made.stdout.strip(), {}, utcnow())
    assert principal is not None and principal.acties == frozenset({"wilderinkshoek"})
