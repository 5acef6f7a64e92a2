"""The catalogue loader under mutated agenda files: it loads fully, or says where the file is wrong and
loads nothing. Never another exception."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from koers.db import make_engine
from tracker import projections
from tracker.catalogue.bestand import CatalogueError, parse_catalogue
from tracker.catalogue.loader import definitions, load_catalogue
from tracker.migrate import upgrade
from tracker.settings import HENGELO
from tracker.store import EventStore

if TYPE_CHECKING:
    from tests.conftest import Databases

LINES = HENGELO.read_bytes().splitlines(keepends=True)
SCALARS = [
    "123",
    "-1",
    "0",
    "1.5",
    ".nan",
    "true",
    "null",
    "~",
    "[]",
    "{}",
    "[a, b]",
    "{a: 1}",
    "2026-02-30",
    "2026-12-31",
    "''",
    "'x'",
    "a" * 250,
    "&anker x",
    "*anker",
    "!!binary aGFsbG8=",
    "!!python/object:os.system x",
    "|",
    ">-",
    '"\\x00"',
]
RUNS = {"examples": 0, "loaded": 0, "refused": 0}


def _line(text: list[bytes], i: int) -> int:
    return i % len(text) if text else 0


def delete_line(text: list[bytes], i: int, _: Any) -> list[bytes]:
    return text[: _line(text, i)] + text[_line(text, i) + 1 :]


def duplicate_line(text: list[bytes], i: int, _: Any) -> list[bytes]:
    return text[: _line(text, i) + 1] + text[_line(text, i) :]


def swap_lines(text: list[bytes], i: int, j: Any) -> list[bytes]:
    a, b = _line(text, i), _line(text, int(j))
    text = list(text)
    if text:
        text[a], text[b] = text[b], text[a]
    return text


def change_scalar(text: list[bytes], i: int, value: Any) -> list[bytes]:
    # The next line (from i on) that has a `key: value`: its value becomes something of another type.
    for k in range(len(text)):
        n = _line(text, i + k)
        key, colon, rest = text[n].partition(b":")
        if colon and rest.strip() and not key.lstrip().startswith(b"#"):
            return [
                *text[:n],
                key + b": " + SCALARS[int(value) % len(SCALARS)].encode() + b"\n",
                *text[n + 1 :],
            ]
    return text


def indent(text: list[bytes], i: int, by: Any) -> list[bytes]:
    n, by = _line(text, i), int(by) % 7 - 3
    if not text:
        return text
    line = text[n]
    changed = b" " * by + line if by > 0 else line[min(-by, len(line) - len(line.lstrip(b" "))) :]
    return [*text[:n], changed, *text[n + 1 :]]


def insert_bytes(text: list[bytes], i: int, data: Any) -> list[bytes]:
    n = _line(text, i)
    return [*text[:n], bytes(data) + (text[n] if text else b""), *text[n + 1 :]]


def truncate(text: list[bytes], i: int, _: Any) -> list[bytes]:
    return text[: _line(text, i)]


MUTATIONS = {
    "delete_line": (delete_line, st.none()),
    "duplicate_line": (duplicate_line, st.none()),
    "swap_lines": (swap_lines, st.integers(0, 10_000)),
    "change_scalar": (change_scalar, st.integers(0, 10_000)),
    "indent": (indent, st.integers(0, 6)),
    "insert_bytes": (insert_bytes, st.binary(min_size=1, max_size=12)),
    "truncate": (truncate, st.none()),
}
mutation = st.sampled_from(sorted(MUTATIONS)).flatmap(
    lambda name: st.tuples(st.just(name), st.integers(0, 10_000), MUTATIONS[name][1])
)


def mutated(mutations: list[tuple[str, int, Any]]) -> bytes:
    text = list(LINES)
    for name, i, arg in mutations:
        text = MUTATIONS[name][0](text, i, arg)
    return b"".join(text)


def check_loads_fully_or_refuses_cleanly(store: EventStore, path: Path) -> None:
    head = store.head()
    try:
        load_catalogue(store, path)
    except CatalogueError as error:
        assert error.file.name == path.name and error.line >= 1, error
        assert str(error).startswith(f"{path.name}:{error.line}: ")
        assert store.head() == head, "a refused catalogue wrote events"
        RUNS["refused"] += 1
        return
    # Loaded: every entry of the file is now exactly what the projections hold.
    for stream, definitie in definitions(parse_catalogue(path)):
        state = projections.current_one(store.engine, stream)
        assert state is not None and state.definitie == definitie, stream
    assert store.verify().ok
    RUNS["loaded"] += 1


def _run(store: EventStore, mutations: list[tuple[str, int, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "agenda-fuzz.yaml"
        path.write_bytes(mutated(mutations))
        check_loads_fully_or_refuses_cleanly(store, path)
    RUNS["examples"] += 1


SUPPRESS = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
MUTATION_LISTS = st.lists(mutation, min_size=1, max_size=4)


@pytest.fixture(scope="module", autouse=True)
def _report() -> Any:
    yield
    print(f"\ncatalogue fuzz: {RUNS}")


@pytest.fixture
def store(databases: Databases, backend: str) -> Any:
    store = EventStore(make_engine(databases.fresh(backend, "tracker", upgrade)))
    load_catalogue(store, HENGELO)  # a mutated file then changes a loaded agenda, as in real life
    yield store
    store.engine.dispose()


@settings(max_examples=300, deadline=None, suppress_health_check=SUPPRESS)
@given(mutations=MUTATION_LISTS)
def test_a_mutated_agenda_loads_fully_or_is_refused_with_its_line(
    store: EventStore, mutations: list[tuple[str, int, Any]]
) -> None:
    _run(store, mutations)


@pytest.mark.slow
@settings(max_examples=3000, deadline=None, suppress_health_check=SUPPRESS)
@given(mutations=st.lists(mutation, min_size=1, max_size=10))
def test_many_mutated_agendas_load_fully_or_are_refused_with_their_line(
    store: EventStore, mutations: list[tuple[str, int, Any]]
) -> None:
    _run(store, mutations)
