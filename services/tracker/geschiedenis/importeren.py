"""Take a file of earlier status updates into the log: every line decided like a live update, all
lines in one transaction, so a file with any fault changes nothing and names every fault."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any

from tracker.domain import ActieState, evolve, importeer, stream_of
from tracker.domain_errors import DomainError
from tracker.geschiedenis.bestand import Fout, Regel, regels
from tracker.projections import dagen, history_row, parse_state, row, vervalt
from tracker.store import Bulk, Idempotency

if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path

    from tracker.events import Recorded
    from tracker.store import EventStore, Transaction

BATCH = 5_000  # lines per bulk write: memory holds three batches at most, whatever the file's length
MAX_FOUTEN = 100


class ImportGeweigerd(Exception):
    """The file has faults; nothing was imported."""

    def __init__(self, fouten: list[Fout], totaal: int) -> None:
        super().__init__(f"{totaal} fouten")
        self.fouten, self.totaal = fouten, totaal


@dataclass(frozen=True, slots=True)
class Resultaat:
    regels: int
    eerste: int  # the positions the file's events took, now or when it was imported before
    laatste: int
    eerder: bool  # True when this very file was imported before and nothing was done now


@dataclass
class _Stand:
    """Per actie while the file is read: its state, and the history rows the current batch changes."""

    state: ActieState
    batch: list[Recorded] = field(default_factory=list)
    dagen: dict[date, tuple[Recorded, ActieState]] = field(default_factory=dict)


def importeer_bestand(
    store: EventStore,
    path: Path,
    vandaag: date,
    metadata: dict[str, Any],
    voortgang: Callable[[int], None] = lambda _: None,
) -> Resultaat:
    """Import the file, or raise ImportGeweigerd listing its faults (at most MAX_FOUTEN of them)."""
    vingerafdruk = hashlib.sha256(path.read_bytes()).hexdigest()
    sleutel = Idempotency(f"import:{vingerafdruk}", vingerafdruk)
    with store.transaction() as tx, _zonder_gc(), _Schrijver(tx) as schrijver:
        if eerder := tx.done_before(sleutel):
            return Resultaat(0, *eerder, eerder=True)
        standen = {stream: _Stand(_actie(text)) for stream, text in tx.heads("actie").items()}
        eerste = tx.position + 1
        fouten: list[Fout] = []
        totaal = aantal = 0
        for batch in _batches(regels(path, vandaag)):
            bulk = Bulk()
            for regel in batch:
                if regel_fouten := regel.fouten or _verwerk(tx, standen, regel, metadata, bulk):
                    totaal += len(regel_fouten)
                    fouten += regel_fouten[: MAX_FOUTEN - len(fouten)]
            aantal += len(batch)
            if not fouten:
                _projecteer(standen.values(), bulk)
                schrijver.schrijf(bulk)
            voortgang(len(batch))
        if fouten:
            raise ImportGeweigerd(fouten, totaal)
        if aantal:
            key = {"key": sleutel.key, "fingerprint": vingerafdruk, "first_position": eerste}
            schrijver.schrijf(Bulk(keys=[key | {"last_position": tx.position}]))
    return Resultaat(aantal, eerste, tx.position, eerder=False)


@contextlib.contextmanager
def _zonder_gc() -> Iterator[None]:
    """The import keeps a batch of objects alive at a time, none of them in a cycle: the cycle collector
    would walk them again and again, for a quarter of the import's time."""
    aan = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if aan:
            gc.enable()


class _Schrijver:
    """Writes the batches in a thread of its own: the database stores one batch while Python chains the
    next. From the first batch on, only this thread uses the connection, until it has stopped."""

    def __init__(self, tx: Transaction) -> None:
        self.tx = tx
        self.wachtrij: queue.Queue[Bulk | None] = queue.Queue(maxsize=1)
        self.fout: BaseException | None = None
        self.draad = threading.Thread(target=self._schrijf, name="koers-import")

    def __enter__(self) -> _Schrijver:
        self.draad.start()
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        self.wachtrij.put(None)
        self.draad.join()
        if exc_type is None and self.fout is not None:
            raise self.fout

    def schrijf(self, bulk: Bulk) -> None:
        if self.fout is not None:
            raise self.fout
        self.wachtrij.put(bulk)

    def _schrijf(self) -> None:
        while (bulk := self.wachtrij.get()) is not None:
            if self.fout is None:  # after a failure the batches still queued are taken, not written
                try:
                    self.tx.write_many(bulk)
                except BaseException as exc:  # raised again in the importing thread
                    self.fout = exc


def _batches(lines: Iterable[Regel]) -> Iterator[list[Regel]]:
    iterator = iter(lines)
    while batch := list(islice(iterator, BATCH)):
        yield batch


def _verwerk(
    tx: Transaction, standen: dict[str, _Stand], regel: Regel, metadata: dict[str, Any], bulk: Bulk
) -> list[Fout]:
    """Decide one line like a live update; on success its event joins the bulk write."""
    assert regel.melding is not None, "a line without faults has its command"
    stream = stream_of("actie", regel.actie)
    if (stand := standen.get(stream)) is None:
        return [Fout(regel.nummer, "actie", f"onbekende actie {regel.actie!r}")]
    try:
        events = importeer(stand.state, regel.melding)
    except DomainError as error:
        if not error.fouten:
            return [Fout(regel.nummer, "actie", error.detail)]
        return [Fout(regel.nummer, veld, reden) for veld, reden in error.fouten]
    rows, recorded = tx.chain(stream, stand.state.version, events, metadata)
    bulk.events += rows
    for rec in recorded:
        stand.state = _actie(evolve(stand.state, rec))
        stand.batch.append(rec)
        for dag in dagen(rec):
            stand.dagen[dag] = (rec, stand.state)
    return []


def _actie(state: object) -> ActieState:
    if isinstance(state, str):
        state = parse_state("actie", state)
    assert isinstance(state, ActieState), "an actie stream folds to an actie"
    return state


def _projecteer(standen: Iterable[_Stand], bulk: Bulk) -> None:
    """The batch's projection rows, as the live append writes them: current state and each day's last."""
    for stand in standen:
        if not stand.batch:
            continue
        stream = stand.batch[-1].stream
        bulk.current.append(row(stream, stand.batch[-1], stand.state))
        bulk.history += [history_row(stream, rec, state, dag) for dag, (rec, state) in stand.dagen.items()]
        if dagen_weg := vervalt(stand.batch):
            bulk.superseded.append((stream, *dagen_weg))
        stand.batch, stand.dagen = [], {}
