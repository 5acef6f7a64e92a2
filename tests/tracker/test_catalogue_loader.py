"""Loading an agenda file as events: idempotent, only changes appended, nothing from a malformed file."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml

from tests.tracker.factories import new_store
from tracker import projections
from tracker.catalogue.bestand import CatalogueError
from tracker.catalogue.loader import load_catalogue
from tracker.domain import ActieState
from tracker.settings import HENGELO


def test_loading_the_hengelo_agenda_registers_every_entry_once(tracker_url: str) -> None:
    store = new_store(tracker_url)
    first = load_catalogue(store, HENGELO)
    assert first.events == first.entries >= 5 + 6 + 25
    assert load_catalogue(store, HENGELO).events == 0
    assert store.head() == first.events


def test_a_changed_file_appends_only_the_change(tracker_url: str, tmp_path: Path) -> None:
    store = new_store(tracker_url)
    load_catalogue(store, HENGELO)
    agenda = yaml.safe_load(HENGELO.read_text())
    actie = next(a for a in agenda["acties"] if a["id"] == "wilderinkshoek")
    actie["portefeuillehouders"] = ["gerard-gerrits"]  # a new college after the elections
    changed = tmp_path / "hengelo-2026.yaml"
    changed.write_text(yaml.safe_dump(agenda, allow_unicode=True))
    head = store.head()
    assert load_catalogue(store, changed).events == 1
    last = store.read_rows(head, 10)
    assert [(r.stream, r.type) for r in last] == [("actie/wilderinkshoek", "ActieGewijzigd")]
    state = projections.current_one(store.engine, "actie/wilderinkshoek")
    assert isinstance(state, ActieState) and state.definitie.portefeuillehouders == ("gerard-gerrits",)


def test_a_malformed_file_is_refused_naming_file_line_and_field_and_loads_nothing(
    tracker_url: str, tmp_path: Path
) -> None:
    store = new_store(tracker_url)
    text = HENGELO.read_text().replace("doel: 5300", "doel: veel", 1)
    broken = tmp_path / "kapot.yaml"
    broken.write_text(text)
    with pytest.raises(CatalogueError) as refused:
        load_catalogue(store, broken)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "doel: veel" in row)
    assert (refused.value.file.name, refused.value.line) == ("kapot.yaml", line)
    assert "kpi.doel" in refused.value.field
    assert store.head() == 0


def test_another_municipality_loads_its_own_agenda(tracker_url: str, tmp_path: Path) -> None:
    agenda = {
        "gemeente": "Teststad",
        "bron": "Begroting 2027",
        "jaar": 2027,
        "portefeuillehouders": [{"id": "a-wethouder", "naam": "A. Wethouder"}],
        "opgaven": [
            {
                "id": "groen",
                "nummer": 1,
                "titel": "Groene stad",
                "dwarsthema": False,
                "coordinerend": None,
                "programmalijnen": [
                    {"naam": "Groen", "programma": "1", "portefeuillehouders": ["a-wethouder"]}
                ],
            }
        ],
        "acties": [
            {
                "id": "bomen",
                "opgave": "groen",
                "titel": "Bomenplan",
                "omschrijving": "We planten bomen.",
                "portefeuillehouders": ["a-wethouder"],
                "programmalijn": "Groen",
                "kpi": {"omschrijving": "bomen", "eenheid": "bomen", "doel": 1000, "streefdatum": None},
                "begrotingscode": None,
                "einddatum": date(2027, 12, 31),
                "update_interval_dagen": 14,
            }
        ],
    }
    path = tmp_path / "teststad.yaml"
    path.write_text(yaml.safe_dump(agenda))
    store = new_store(tracker_url)
    assert load_catalogue(store, path).events == 3
    state = projections.current_one(store.engine, "actie/bomen")
    assert isinstance(state, ActieState) and state.definitie.update_interval_dagen == 14


class PowerCut(Exception):
    """What stops a load midway in this test, and nothing else raises."""


def test_a_load_that_fails_midway_leaves_no_entry_behind(tracker_url: str) -> None:
    store = new_store(tracker_url)
    appends = 0

    def clock() -> datetime:  # every entry asks the time once; the tenth finds the power gone
        nonlocal appends
        appends += 1
        if appends == 10:
            raise PowerCut
        return datetime.now(UTC)

    store.clock = clock
    with pytest.raises(PowerCut):
        load_catalogue(store, HENGELO)
    assert appends == 10
    assert store.head() == 0
    assert list(projections.current(store.engine, "portefeuillehouder")) == []
    store.clock = lambda: datetime.now(UTC)
    assert load_catalogue(store, HENGELO).events == store.head() >= 5 + 6 + 25
