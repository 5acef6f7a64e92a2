"""koers-notifier: migrate, inbox tokens, deliveries and re-queueing from the command line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from koers.db import make_engine
from notifier.cli import app
from notifier.recipients import token_owner


def test_migrate_then_make_a_token_and_list_deliveries(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'notifier.db'}"
    runner, env = CliRunner(), {"NOTIFIER_DATABASE_URL": url}
    assert runner.invoke(app, ["migrate"], env=env).exit_code == 0
    made = runner.invoke(app, ["inbox-token", "annemieke-traag"], env=env)
    assert made.exit_code == 0 and token_owner(make_engine(url), made.stdout.strip()) == "annemieke-traag"
    listed = runner.invoke(app, ["deliveries", "--status", "dead"], env=env)
    assert listed.exit_code == 0 and "recipient" in listed.stdout
    assert runner.invoke(app, ["requeue", "onbekend"], env=env).exit_code == 1
