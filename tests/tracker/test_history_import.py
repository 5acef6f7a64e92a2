"""`koers-tracker import`: earlier status updates from a CSV file, decided like live ones, all or none."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select

from tests.tracker.factories import new_store, report
from tests.tracker.test_cli import koers_tracker
from tracker import projections
from tracker.catalogue.loader import load_catalogue
from tracker.domain import ActieState
from tracker.events import VoortgangGeimporteerd
from tracker.geschiedenis import importeren
from tracker.geschiedenis.bestand import BestandOnbruikbaar
from tracker.geschiedenis.importeren import ImportGeweigerd, importeer_bestand
from tracker.rebuild import rebuild
from tracker.settings import HENGELO
from tracker.tables import EVENT, STATE, STATE_HISTORY

if TYPE_CHECKING:
    from pathlib import Path

    from tracker.store import EventStore

META = {"actor": "import", "correlation_id": None}
BURAP = """actie;peildatum;status;voortgang;toelichting;oorzaak;gevolg;bijsturing;kpi_waarde
wilderinkshoek;31-03-2026;op_koers;10;Planvorming gestart;;;;120,5
wilderinkshoek;2026-06-30;risico;25;;Stikstofvergunning later;Start bouw schuift;Overleg provincie;
twentekanaal;30-06-2026;op_koers;40;"Kade; fase 1";;;;
"""


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 9, 1, 10, tzinfo=UTC))


@pytest.fixture
def store(tracker_url: str, clock: Clock) -> EventStore:
    """The catalogue loaded on 1 September 2026; the import comes later, on 1 November."""
    store = new_store(tracker_url, clock)
    load_catalogue(store, HENGELO)
    clock.now = datetime(2026, 11, 1, 10, tzinfo=UTC)
    return store


def write(tmp_path: Path, text: str, name: str = "burap.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8-sig")
    return path


def actie(store: EventStore, actie_id: str, dag: date | None = None) -> ActieState:
    stream = f"actie/{actie_id}"
    state = (
        projections.as_of_one(store.engine, stream, dag)
        if dag
        else projections.current_one(store.engine, stream)
    )
    assert isinstance(state, ActieState)
    return state


def test_a_burap_file_becomes_updates_dated_by_their_peildatum(store: EventStore, tmp_path: Path) -> None:
    head = store.head()
    result = importeer_bestand(store, write(tmp_path, BURAP), date(2026, 11, 1), META)

    assert (result.regels, result.eerste, result.laatste, result.eerder) == (3, head + 1, head + 3, False)
    imported = store.read_stream("actie/wilderinkshoek")[-2:]
    assert [type(r.event) for r in imported] == [VoortgangGeimporteerd, VoortgangGeimporteerd]
    assert imported[0].event.kpi_waarde == 120.5 and imported[1].event.bron == "burap.csv:3"
    assert store.read_stream("actie/twentekanaal")[-1].event.toelichting == "Kade; fase 1"
    assert store.verify().ok
    now = actie(store, "wilderinkshoek")
    assert (now.status.value, now.melding and now.melding.voortgang) == ("risico", 25)
    assert now.gemeld_at is not None and projections.dag_of(now.gemeld_at) == date(2026, 6, 30)


def test_the_peildata_answer_from_the_imported_history(store: EventStore, tmp_path: Path) -> None:
    importeer_bestand(store, write(tmp_path, BURAP), date(2026, 11, 1), META)

    assert projections.as_of_one(store.engine, "actie/wilderinkshoek", date(2026, 3, 30)) is None
    assert actie(store, "wilderinkshoek", date(2026, 4, 15)).status.value == "op_koers"
    # 1 September, when the catalogue was loaded, showed the actie without any update before the import.
    assert actie(store, "wilderinkshoek", date(2026, 9, 15)).status.value == "risico"
    assert actie(store, "wilderinkshoek", date(2026, 11, 1)).status.value == "risico"
    assert actie(store, "twentekanaal", date(2026, 7, 1)).melding.voortgang == 40  # type: ignore[union-attr]
    assert actie(store, "isolatiesubsidie", date(2026, 9, 15)).status.value == "niet_gestart"


def test_an_import_in_many_batches_leaves_the_projections_a_rebuild_writes(
    store: EventStore, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importeren, "BATCH", 4)  # batches written while the next is chained
    clock.now = datetime(2026, 9, 15, 10, tzinfo=UTC)
    report(store, "dalmeden", voortgang=5)  # a live update between the catalogue and the import
    clock.now = datetime(2026, 11, 1, 10, tzinfo=UTC)
    kop = "actie;peildatum;status;voortgang;toelichting;oorzaak;gevolg;bijsturing\n"
    dagen = ["20-08-2026", "20-09-2026", "01-10-2026", "2026-10-15", "31-10-2026", "01-11-2026"]
    acties = ("dalmeden", "twentekanaal", "spoorzone")  # the last two from before the catalogue's load
    regels = [
        f"{actie};{dag};{'risico' if n % 3 == 0 else 'op_koers'};{10 + n};;x;y;z\n"
        for n, (dag, actie) in enumerate(itertools.product(dagen, acties))
        if (dag, actie) != ("20-08-2026", "dalmeden")
    ]
    importeer_bestand(store, write(tmp_path, kop + "".join(regels)), date(2026, 11, 1), META)
    imported = _projections(store)

    rebuild(store)

    assert _projections(store) == imported
    assert store.verify().ok


def test_the_same_file_twice_is_imported_once(store: EventStore, tmp_path: Path) -> None:
    path = write(tmp_path, BURAP)
    first = importeer_bestand(store, path, date(2026, 11, 1), META)
    head = store.head()

    again = importeer_bestand(store, path, date(2026, 11, 1), META)

    assert again.eerder and (again.eerste, again.laatste) == (first.eerste, first.laatste)
    assert store.head() == head


def test_every_fault_is_named_by_line_and_field_and_nothing_is_imported(
    store: EventStore, tmp_path: Path
) -> None:
    report(store, "isolatiesubsidie", voortgang=5)  # a live update, 1 November
    faulty = BURAP + (
        "onbekend;01-07-2026;op_koers;30;;;;;\n"
        "twentekanaal;15-07-2026;vertraagd;120;;;;;12x\n"
        "isolatiesubsidie;01-10-2026;op_koers;50;;;;;\n"
        "twentekanaal;01-12-2026;klaar;50;;;;;\n"
        "twentekanaal;01-07-2026;op_koers;60;;;;;\n"
    )
    head = store.head()

    with pytest.raises(ImportGeweigerd) as refused:
        importeer_bestand(store, write(tmp_path, faulty), date(2026, 11, 1), META)

    fouten = {(f.regel, f.veld) for f in refused.value.fouten}
    assert fouten == {
        (5, "actie"),
        (6, "kpi_waarde"),
        (6, "voortgang"),
        (7, "peildatum"),  # before the live update of 1 November
        (8, "peildatum"),  # in the future
        (8, "status"),
    }  # line 9 follows line 4, the last line of twentekanaal that was accepted: it is fine
    assert refused.value.totaal == len(refused.value.fouten)
    assert store.head() == head
    with store.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(EVENT)) == head


def test_a_line_out_of_order_for_its_actie_is_refused(store: EventStore, tmp_path: Path) -> None:
    text = BURAP + "wilderinkshoek;2026-06-30;op_koers;30;;;;;\n"

    with pytest.raises(ImportGeweigerd) as refused:
        importeer_bestand(store, write(tmp_path, text), date(2026, 11, 1), META)

    [fout] = refused.value.fouten
    assert (fout.regel, fout.veld) == (5, "peildatum") and "2026-06-30" in fout.reden


def test_short_and_blank_lines_are_read_and_a_line_too_long_is_named(
    store: EventStore, tmp_path: Path
) -> None:
    kop = "actie;peildatum;status;voortgang;toelichting\n"
    regels = "wilderinkshoek;31-03-2026;op_koers;10\n\ntwentekanaal;30-06-2026;op_koers;40;Kade\n"
    te_lang = write(tmp_path, kop + regels + "dalmeden;30-06-2026;op_koers;5;;x\n", "lang.csv")

    with pytest.raises(ImportGeweigerd) as refused:
        importeer_bestand(store, te_lang, date(2026, 11, 1), META)
    result = importeer_bestand(store, write(tmp_path, kop + regels), date(2026, 11, 1), META)

    assert [(f.regel, f.veld, f.reden) for f in refused.value.fouten] == [(5, "", "meer velden dan kolommen")]
    assert result.regels == 2
    assert store.read_stream("actie/twentekanaal")[-1].event.bron == "burap.csv:4"  # the blank line counts
    ids = [(r.event_id, uuid.UUID(r.event_id)) for r in store.read_stream("actie/wilderinkshoek")]
    assert all((str(u), u.version, u.variant) == (text, 7, uuid.RFC_4122) for text, u in ids)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("actie;datum;status;voortgang\n", "onbekende kolom 'datum'"),
        ("actie,status,voortgang\n", "kolom 'peildatum' ontbreekt"),
        ("actie;peildatum;status;voortgang;status\n", "dubbel"),
    ],
)
def test_a_file_with_a_wrong_header_is_refused_whole(
    store: EventStore, tmp_path: Path, text: str, reason: str
) -> None:
    with pytest.raises(BestandOnbruikbaar, match=reason):
        importeer_bestand(store, write(tmp_path, text), date(2026, 11, 1), META)


def test_a_file_that_is_not_utf8_is_refused_with_what_to_do(store: EventStore, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "actie;peildatum;status;voortgang;toelichting\nwilderinkshoek;31-03-2026;op_koers;10;één\n".encode(
            "cp1252"
        )
    )

    with pytest.raises(BestandOnbruikbaar, match="CSV UTF-8"):
        importeer_bestand(store, path, date(2026, 11, 1), META)


def test_koers_tracker_import_reports_and_exits_2_on_faults(tracker_url: str, tmp_path: Path) -> None:
    assert koers_tracker(tracker_url, "load-catalogue").returncode == 0
    good, bad = (
        write(tmp_path, BURAP.replace("2026", "2025")),
        write(tmp_path, "actie,peildatum,status,voortgang\nx,1-1-2025,op_koers,5\n", "fout.csv"),
    )

    imported = koers_tracker(tracker_url, "import", str(good))
    refused = koers_tracker(tracker_url, "import", str(bad))

    assert imported.returncode == 0 and "3 meldingen geïmporteerd" in imported.stderr
    assert refused.returncode == 2 and "fout.csv:2: actie: onbekende actie 'x'" in refused.stderr
    assert "niets geïmporteerd" in refused.stderr


def _projections(store: EventStore) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with store.engine.connect() as conn:
        current = conn.execute(STATE.select().order_by(STATE.c.stream)).all()
        history = conn.execute(STATE_HISTORY.select().order_by(STATE_HISTORY.c.stream, STATE_HISTORY.c.dag))
        return [tuple(r) for r in current], [tuple(r) for r in history]
