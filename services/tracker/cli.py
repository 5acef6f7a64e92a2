"""koers-tracker: serve, migrate, load the catalogue, rebuild projections, verify the chain, make tokens."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from koers.db import make_engine
from tracker.auth import NewToken, Rol, create_token
from tracker.settings import TrackerSettings
from tracker.store import EventStore, utcnow

app = typer.Typer(help="Koersmonitor tracker", no_args_is_help=True, add_completion=False)
console = Console(stderr=True)


def _store() -> EventStore:
    return EventStore(make_engine(TrackerSettings().database_url))


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> None:
    """Start the tracker's HTTP server."""
    from koers.serve import become_server

    # On SIGTERM in-flight requests finish first; a long-poll lasts at most feed_max_wait (30 s).
    become_server(
        "tracker.main:production_app",
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        access_log=False,
        timeout_graceful_shutdown=35,
    )


@app.command()
def migrate() -> None:
    """Bring the database to the newest schema."""
    from tracker.migrate import upgrade

    upgrade(TrackerSettings().database_url)
    console.print("tracker: database is bijgewerkt")


@app.command("load-catalogue")
def load_catalogue_command() -> None:
    """Register the agenda in TRACKER_CATALOGUE as events (only what is new or changed)."""
    from tracker.catalogue.bestand import CatalogueError
    from tracker.catalogue.loader import load_catalogue

    settings = TrackerSettings()
    try:
        result = load_catalogue(_store(), settings.catalogue)
    except CatalogueError as error:
        console.print(f"[red]Catalogus geweigerd, niets geladen:[/red] {error}")
        raise typer.Exit(2) from error
    console.print(
        f"catalogus {settings.catalogue.name}: {result.entries} onderdelen, {result.events} nieuwe events"
    )


@app.command()
def rebuild() -> None:
    """Replay the whole log into fresh projection tables."""
    from tracker.rebuild import rebuild as replay

    store = _store()
    with _progress("herbouw", store.head()) as advance:
        count = replay(store, advance)
    console.print(f"{count} events opnieuw verwerkt")


@contextmanager
def _progress(label: str, total: int) -> Iterator[Callable[[int], None]]:
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task(label, total=total)
        yield lambda n: progress.advance(task, n)


def _lines(path: Path) -> int:
    """Data lines in a CSV file, for the progress bar (a quoted line break counts once too many)."""
    with path.open("rb") as handle:
        return max(0, sum(1 for _ in handle) - 1)


@app.command("import")
def import_command(
    bestand: Annotated[Path, typer.Argument(help="CSV met eerdere meldingen (kolommen: zie docs).")],
) -> None:
    """Take earlier status updates (a Burap spreadsheet as CSV) into the log: all lines or none."""
    from tracker.geschiedenis.bestand import BestandOnbruikbaar
    from tracker.geschiedenis.importeren import ImportGeweigerd, importeer_bestand
    from tracker.projections import dag_of

    store = _store()
    metadata = {"actor": "import", "correlation_id": None, "bron": bestand.name}
    try:
        with _progress("import", _lines(bestand)) as advance:
            result = importeer_bestand(store, bestand, dag_of(utcnow()), metadata, advance)
    except (BestandOnbruikbaar, OSError) as error:
        console.print(f"[red]Bestand geweigerd, niets geïmporteerd:[/red] {error}")
        raise typer.Exit(2) from error
    except ImportGeweigerd as refused:
        for fout in refused.fouten:
            console.print(fout.tekst(bestand.name), markup=False, highlight=False, soft_wrap=True)
        hidden = refused.totaal - len(refused.fouten)
        more = f" (de eerste {len(refused.fouten)} staan hierboven)" if hidden else ""
        console.print(f"[red]{refused.totaal} fouten{more}; niets geïmporteerd.[/red]")
        raise typer.Exit(2) from refused
    if result.eerder:
        console.print(f"{bestand.name} is al eerder geïmporteerd (posities {result.eerste}-{result.laatste})")
        return
    console.print(f"{result.regels} meldingen geïmporteerd (posities {result.eerste}-{result.laatste})")


@app.command()
def verify() -> None:
    """Check the hash chain; exit 1 and name the first broken position when it does not hold."""
    result = _store().verify()
    if result.ok:
        typer.echo(f"keten intact: {result.count} events, head {result.head_hash}")
        return
    typer.echo(f"keten gebroken op positie {result.broken_position}: {result.reason}", err=True)
    raise typer.Exit(1)


@app.command()
def token(
    rol: Annotated[Rol, typer.Option(help="projectleider, portefeuillehouder, raad, beheer of service")],
    actie: Annotated[
        list[str] | None, typer.Option(help="Voor een projectleider: een actie (herhaalbaar).")
    ] = None,
    portefeuillehouder: str | None = None,
    omschrijving: str | None = None,
    verloopt: Annotated[datetime | None, typer.Option(help="Verloopt op (ISO 8601).")] = None,
) -> None:
    """Make a token and print its secret once."""
    new = NewToken(
        rol=rol,
        acties=tuple(actie or ()),
        portefeuillehouder=portefeuillehouder,
        omschrijving=omschrijving,
        expires_at=verloopt,
    )
    token_id, secret = create_token(_store().engine, new, utcnow())
    console.print(f"token {token_id} ({rol.value})")
    typer.echo(secret)
