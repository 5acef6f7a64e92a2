"""Register a catalogue as events: idempotent, and a changed file appends only what changed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tracker import writes
from tracker.catalogue.bestand import parse_catalogue
from tracker.catalogue.schema import Catalogue
from tracker.domain import Definitie, registreer, stream_of
from tracker.events import ActieDefinitie, OpgaveDefinitie, PortefeuillehouderDefinitie

if TYPE_CHECKING:
    from pathlib import Path

    from tracker.store import EventStore


@dataclass(frozen=True, slots=True)
class LoadResult:
    entries: int
    events: int


def definitions(catalogue: Catalogue) -> Iterator[tuple[str, Definitie]]:
    """Holders first, then opgaven, then acties: each names only what came before it."""
    for holder in catalogue.portefeuillehouders:
        yield stream_of("portefeuillehouder", holder.id), PortefeuillehouderDefinitie(**holder.model_dump())
    for opgave in catalogue.opgaven:
        yield stream_of("opgave", opgave.id), OpgaveDefinitie(**opgave.model_dump())
    for actie in catalogue.acties:
        yield stream_of("actie", actie.id), ActieDefinitie(**actie.model_dump())


def _registratie(definitie: Definitie) -> writes.Decision:
    return lambda state: registreer(state, definitie)


def load_catalogue(store: EventStore, path: Path) -> LoadResult:
    """Parse the whole file first (a malformed file loads nothing), then register every entry in one
    transaction: an agenda is never half loaded, whatever stops the load."""
    catalogue = parse_catalogue(path)
    meta = {"actor": "catalogus", "bron": path.name}
    entries = events = 0
    with store.transaction() as tx:
        for stream, definitie in definitions(catalogue):
            entries += 1
            events += len(writes.execute_in(tx, stream, _registratie(definitie), meta))
    return LoadResult(entries, events)
