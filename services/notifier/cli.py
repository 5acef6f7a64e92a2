"""koers-notifier: serve, migrate, list and re-queue deliveries, make inbox tokens."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from koers.db import make_engine
from notifier.settings import NotifierSettings

app = typer.Typer(help="Koersmonitor notifier", no_args_is_help=True, add_completion=False)
console = Console(stderr=True)


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8001) -> None:
    """Start the notifier: its API, and the consumer, outbox and planner beside it."""
    from koers.serve import become_server

    # asyncio's own event loop, not uvloop: the notifier follows one feed and answers a few requests.
    # Catching up on PostgreSQL it peaked 2.2 MB lower (98.4 against 100.6 MB), in the same time; an
    # alert took 1-3 ms longer of 25-35 (docs/PERFORMANCE.md).
    become_server("notifier.main:production_app", one_arena=True, host=host, port=port, loop="asyncio")


@app.command()
def migrate() -> None:
    """Bring the database to the newest schema."""
    from notifier.migrate import upgrade

    upgrade(NotifierSettings().database_url)
    console.print("notifier: database is bijgewerkt")


@app.command()
def deliveries(
    status: Annotated[str | None, typer.Option(help="pending, sent of dead")] = None, limit: int = 50
) -> None:
    """List deliveries with their proof, newest first."""
    from notifier.outbox import deliveries as list_deliveries

    table = Table("id", "recipient", "kanaal", "soort", "status", "pogingen", "verzonden", "antwoord")
    for d in list_deliveries(make_engine(NotifierSettings().database_url), status, limit):
        sent = d.sent_at.isoformat(timespec="seconds") if d.sent_at else ""
        table.add_row(
            d.id, d.recipient, d.channel, d.soort, d.status, str(d.attempts), sent, (d.answer or "")[:60]
        )
    Console().print(table)


@app.command()
def requeue(delivery_id: str) -> None:
    """Give a dead delivery a fresh set of attempts."""
    from notifier.main import utcnow
    from notifier.outbox import requeue as requeue_delivery

    if not requeue_delivery(make_engine(NotifierSettings().database_url), delivery_id, utcnow()):
        console.print(f"bezorging {delivery_id} bestaat niet of is niet dood")
        raise typer.Exit(1)
    console.print(f"bezorging {delivery_id} staat weer in de rij")


@app.command("inbox-token")
def inbox_token(portefeuillehouder: str) -> None:
    """Make a new inbox token for a recipient (the old one stops working) and print it once."""
    from notifier.recipients import new_inbox_token

    typer.echo(new_inbox_token(make_engine(NotifierSettings().database_url), portefeuillehouder))
