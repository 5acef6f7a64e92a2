"""A rebuild replays the log into exactly the projections the appends wrote, per-day history included."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from tests.tracker.factories import RISICO, actie_definitie, new_store, recorded, report
from tracker import rebuild as rebuild_module
from tracker import writes
from tracker.catalogue.loader import load_catalogue
from tracker.domain import (
    VERVANGT_VORIGE,
    ActieState,
    CorrigeerVoortgang,
    HeropenActie,
    corrigeer,
    evolve,
    heropen,
    registreer,
)
from tracker.events import ActieGeregistreerd, VoortgangGecorrigeerd, VoortgangGemeld
from tracker.geschiedenis.importeren import importeer_bestand
from tracker.rebuild import rebuild
from tracker.settings import HENGELO
from tracker.tables import STATE, STATE_HISTORY

if TYPE_CHECKING:
    from pathlib import Path

    from tracker.store import EventStore

META = {"actor": "test"}
BURAP = """actie;peildatum;status;voortgang;toelichting;oorzaak;gevolg;bijsturing;kpi_waarde
dalmeden;15-02-2026;op_koers;5;Verkenning;;;;
dalmeden;2026-06-30;risico;25;;Grond later;Start schuift;Overleg eigenaar;
"""


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_a_rebuild_writes_the_projections_the_appends_wrote(
    tracker_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rebuild_module, "PAGE", 7)  # pages that end inside a stream's day
    clock = Clock(datetime(2026, 3, 1, 9, tzinfo=UTC))
    store = new_store(tracker_url, clock)
    load_catalogue(store, HENGELO)
    for voortgang in (10, 20, 30):  # one day: only the last counts
        report(store, "wilderinkshoek", voortgang=voortgang)
    report(store, "twentekanaal", **RISICO)
    clock.now = datetime(2026, 3, 1, 22, 30, tzinfo=UTC)  # 23:30 in Hengelo: still 1 March
    report(store, "wilderinkshoek", voortgang=35)
    clock.now = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # 00:30 on 2 March in Hengelo
    first = report(store, "wilderinkshoek", voortgang=40)[0].event_id
    latest = report(store, "wilderinkshoek", voortgang=45)[0].event_id
    clock.now += timedelta(days=1)
    _correct(store, "wilderinkshoek", latest, voortgang=44)
    _correct(store, "wilderinkshoek", first, voortgang=41)  # an older melding: only counted
    report(store, "wilderinkshoek", voortgang=50)
    report(store, "twentekanaal", status="afgerond", voortgang=100)
    writes.execute(store, "actie/twentekanaal", lambda s: heropen(s, HeropenActie(reden="nazorg")), META)
    report(store, "twentekanaal", voortgang=90)
    clock.now += timedelta(days=1)
    writes.execute(store, "actie/spoorzone", _renamed("Spoorzone, fase 2"), META)
    writes.execute(store, "actie/dalmeden", _renamed("Dalmeden, deel 2"), META)
    clock.now += timedelta(days=1)
    writes.execute(store, "actie/dalmeden", _renamed("Dalmeden, deel 3"), META)
    for voortgang in range(91, 100):  # more than a page: the rows above are in the table before the import
        report(store, "twentekanaal", voortgang=voortgang)
    clock.now = datetime(
        2026, 11, 1, 10, tzinfo=UTC
    )  # earlier reports replace dalmeden's rows since February
    (tmp_path / "burap.csv").write_text(BURAP, encoding="utf-8")
    importeer_bestand(store, tmp_path / "burap.csv", date(2026, 11, 1), META)
    report(store, "dalmeden", voortgang=30)
    clock.now += timedelta(days=1)
    report(store, "dalmeden", voortgang=35)
    before = _projections(store)

    assert rebuild(store) == store.head()
    assert _projections(store) == before


def test_a_melding_directly_after_another_leaves_no_trace_of_the_first() -> None:
    """What lets a rebuild skip the first of two meldingen in a row (domain.VERVANGT_VORIGE)."""
    assert {"VoortgangGemeld"} == VERVANGT_VORIGE
    start = evolve(None, recorded(ActieGeregistreerd(**dict(actie_definitie())), 1))
    corrected = evolve(
        evolve(start, recorded(VoortgangGemeld(status="op_koers", voortgang=10), 2)),
        recorded(VoortgangGecorrigeerd(status="op_koers", voortgang=12, corrigeert="x", reden="tikfout"), 3),
    )
    first = recorded(VoortgangGemeld(**RISICO, kpi_waarde=100.0, toelichting="eerst"), 4)
    second = recorded(
        VoortgangGemeld(status="op_koers", voortgang=60), 5, first.recorded_at + timedelta(hours=1)
    )
    for state in (start, corrected):
        assert evolve(evolve(state, first), second) == evolve(state, second)


def _correct(store: EventStore, actie: str, melding: str, **fields: Any) -> None:
    cmd = CorrigeerVoortgang(**({"status": "op_koers", "corrigeert": melding, "reden": "tikfout"} | fields))
    writes.execute(store, f"actie/{actie}", lambda s: corrigeer(s, cmd, store.get(melding)), META)


def _renamed(titel: str) -> Any:
    def decide(state: Any) -> Any:
        return registreer(state, state.definitie.model_copy(update={"titel": titel}))

    return decide


def _projections(store: EventStore) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with store.engine.connect() as conn:
        current = conn.execute(STATE.select().order_by(STATE.c.stream)).all()
        history = conn.execute(STATE_HISTORY.select().order_by(STATE_HISTORY.c.stream, STATE_HISTORY.c.dag))
        return [tuple(r) for r in current], [tuple(r) for r in history]


def test_the_history_keeps_each_day_s_last_state(tracker_url: str) -> None:
    clock = Clock(datetime(2026, 5, 4, 9, tzinfo=UTC))
    store = new_store(tracker_url, clock)
    load_catalogue(store, HENGELO)
    for day in range(3):
        clock.now = datetime(2026, 5, 5 + day, 9, tzinfo=UTC)
        report(store, "wilderinkshoek", voortgang=10 * day)
        report(store, "wilderinkshoek", voortgang=10 * day + 5)

    rebuild(store)

    with store.engine.connect() as conn:
        history = conn.execute(STATE_HISTORY.select().where(STATE_HISTORY.c.stream == "actie/wilderinkshoek"))
        states = {r.dag: ActieState.model_validate_json(r.state) for r in history}
    voortgang = {dag: s.melding.voortgang if s.melding else None for dag, s in states.items()}
    assert voortgang == {
        date(2026, 5, 4): None,
        date(2026, 5, 5): 5,
        date(2026, 5, 6): 15,
        date(2026, 5, 7): 25,
    }
