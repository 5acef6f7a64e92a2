"""For any sequence of commands, the projections are the fold of the log and a rebuild reproduces them."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlalchemy import select

from koers.db import make_engine
from tests.tracker.factories import actie_definitie
from tracker import writes
from tracker.domain import (
    CorrigeerVoortgang,
    HeropenActie,
    MeldVoortgang,
    corrigeer,
    fold,
    heropen,
    meld,
    registreer,
)
from tracker.domain_errors import DomainError
from tracker.events import Kpi, PortefeuillehouderDefinitie, Status
from tracker.migrate import upgrade
from tracker.projections import dag_of, kind_of, parse_state
from tracker.rebuild import rebuild
from tracker.store import EventStore
from tracker.tables import STATE, STATE_HISTORY

if TYPE_CHECKING:
    from tests.conftest import Databases
    from tracker.events import Recorded

ACTIES = ("wilderinkshoek", "twentekanaal", "groot-driene")  # the last is registered only by a command
HOLDERS = ("annemieke-traag", "gerard-gerrits", "benno-brand")
T0 = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
STEP = timedelta(hours=5)  # late in the day: the first steps already cross midnight
REFUSALS: dict[str, int] = {}
RUNS = {"examples": 0, "commands": 0, "accepted": 0, "refused": 0, "most_days": 0}


class Clock:
    """A clock the test moves forward by hand."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


# --- commands ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Meld:
    actie: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class Corrigeer:
    actie: str
    target: int | None  # index into the events recorded so far, None for an id nobody ever issued
    fields: dict[str, Any]
    reden: str


@dataclass(frozen=True)
class Heropen:
    actie: str
    reden: str


@dataclass(frozen=True)
class Registreer:
    actie: str
    holders: tuple[str, ...]
    kpi: bool


@dataclass(frozen=True)
class Wacht:
    hours: float


Command = Meld | Corrigeer | Heropen | Registreer | Wacht

texts = st.sampled_from([None, "", "  ", "Het subsidiebesluit is laat", "<script>x</script>"])
answer = st.sampled_from(
    ["Het subsidiebesluit is laat", "De aannemer is failliet", "Overleg met de provincie"]
)
nonfinite = st.sampled_from([math.nan, math.inf, -math.inf])
kpi_values = st.integers(0, 5).flatmap(
    lambda i: nonfinite if i == 0 else st.one_of(st.none(), st.floats(0, 1e4))
)
# Mostly well-formed reports, so that most of a script lands and the fold has something to fold ...
OPEN = [Status.niet_gestart, Status.op_koers, Status.op_koers, Status.risico, Status.vertraagd]
valid_fields = st.fixed_dictionaries(
    {
        "status": st.sampled_from([*OPEN, *OPEN, Status.afgerond, Status.gestopt]),
        "voortgang": st.integers(0, 100),
        "oorzaak": answer,
        "gevolg": answer,
        "bijsturing": answer,
    },
    optional={
        "toelichting": texts,
        "kpi_waarde": kpi_values,
        "verwachte_einddatum": st.sampled_from(["2026-12-31", "2027-06-30"]),
    },
)
# ... and some with anything a client could get wrong.
any_fields = st.fixed_dictionaries(
    {
        "status": st.sampled_from([*Status, "groen"]),
        "voortgang": st.one_of(st.integers(-5, 105), st.just("10"), st.just(35.5)),
    },
    optional={
        "toelichting": texts,
        "oorzaak": texts,
        "gevolg": texts,
        "bijsturing": texts,
        "kpi_waarde": kpi_values,
        "verwachte_einddatum": st.sampled_from(["2026-12-31", "2026-02-30", 20260230]),
        "kleur": st.just("rood"),
    },
)
melding_fields = st.integers(0, 3).flatmap(lambda i: any_fields if i == 0 else valid_fields)
actie_ids = st.sampled_from(ACTIES)
holder_lists = st.lists(st.sampled_from(HOLDERS), min_size=1, max_size=2, unique=True).map(tuple)
other_commands: st.SearchStrategy[Command] = st.one_of(
    st.builds(Meld, actie_ids, melding_fields),
    st.builds(
        Corrigeer, actie_ids, st.one_of(st.none(), st.integers(0, 99)), melding_fields, st.just("typo")
    ),
    st.builds(Corrigeer, actie_ids, st.none(), melding_fields, st.sampled_from(["", "typo", "typo"])),
    st.builds(Heropen, actie_ids, st.sampled_from(["", "toch niet klaar", "toch niet klaar"])),
    st.builds(Registreer, actie_ids, holder_lists, st.booleans()),
    st.builds(Wacht, st.floats(0, 40)),
)
reports = st.builds(Meld, actie_ids, melding_fields)
commands = st.integers(0, 2).flatmap(lambda i: reports if i else other_commands)  # most commands are reports


def _decision(store: EventStore, cmd: Command) -> writes.Decision:
    """Build the domain command the way the API does; pydantic refusals count as refused commands."""
    match cmd:
        case Meld():
            body = MeldVoortgang.model_validate(cmd.fields)
            return lambda state: meld(state, body)
        case Corrigeer():
            # An odd index names a report (perhaps of another actie), an even one any event at all.
            rows = store.read_rows(0, 10_000)
            reports = (
                [r for r in rows if r.type == "VoortgangGemeld"] if cmd.target and cmd.target % 2 else []
            )
            candidates = reports or rows
            target = (
                candidates[cmd.target % len(candidates)].event_id
                if cmd.target is not None
                else str(uuid.uuid4())
            )
            correctie = CorrigeerVoortgang.model_validate(
                {**cmd.fields, "corrigeert": target, "reden": cmd.reden}
            )
            doel = store.get(target)
            return lambda state: corrigeer(state, correctie, doel)
        case Heropen():
            reopen = HeropenActie(reden=cmd.reden)
            return lambda state: heropen(state, reopen)
        case Registreer():
            kpi = Kpi(omschrijving="woningen", eenheid="woningen", doel=5300) if cmd.kpi else None
            definitie = actie_definitie(cmd.actie, portefeuillehouders=cmd.holders, kpi=kpi)
            return lambda state: registreer(state, definitie)
    raise AssertionError(cmd)


def apply(store: EventStore, clock: Clock, cmd: Command) -> bool:
    """Apply one command; return whether it was accepted. A refusal must leave the log as it was."""
    if isinstance(cmd, Wacht):
        clock.now += timedelta(hours=cmd.hours)
        return True
    clock.now += STEP  # every command a little later, so that a script spans several days
    head, before = store.head(), _snapshot(store)
    try:
        writes.execute(store, f"actie/{cmd.actie}", _decision(store, cmd), {"actor": "hypothesis"})
    except (ValidationError, DomainError) as exc:
        reason = f"{type(cmd).__name__}: {type(exc).__name__}"
        REFUSALS[reason] = REFUSALS.get(reason, 0) + 1
        assert store.head() == head and _snapshot(store) == before, f"refused {cmd} but wrote"
        return False
    return True


# --- checks --------------------------------------------------------------------------------------------


def _snapshot(store: EventStore) -> dict[str, list[tuple[Any, ...]]]:
    with store.engine.connect() as conn:
        return {
            table.name: sorted(tuple(row) for row in conn.execute(select(table)))
            for table in (STATE, STATE_HISTORY)
        }


def check_invariants(store: EventStore) -> None:
    rows = store.read_rows(0, 100_000)
    assert [r.position for r in rows] == list(range(1, len(rows) + 1)), "positions have a gap"
    assert store.verify().ok
    log = [store.get(r.event_id) for r in rows]
    streams = {rec.stream for rec in log if rec}
    snapshot = _snapshot(store)
    _check_current(store, streams)
    _check_history(store, streams)
    rebuild(store)
    assert _snapshot(store) == snapshot, "a rebuild does not reproduce the projections"


def _check_current(store: EventStore, streams: set[str]) -> None:
    with store.engine.connect() as conn:
        current = {row.stream: row for row in conn.execute(select(STATE))}
    assert set(current) == streams
    for stream in streams:
        events = store.read_stream(stream)
        row = current[stream]
        assert parse_state(kind_of(stream), row.state) == fold(events), stream
        assert (row.version, row.position) == (events[-1].version, events[-1].position)


def _check_history(store: EventStore, streams: set[str]) -> None:
    with store.engine.connect() as conn:
        history = {(row.stream, row.dag): row for row in conn.execute(select(STATE_HISTORY))}
    expected_keys = set()
    for stream in streams:
        events = store.read_stream(stream)
        for dag in sorted({dag_of(e.recorded_at) for e in events}):
            expected_keys.add((stream, dag))
            by_then: list[Recorded] = [e for e in events if dag_of(e.recorded_at) <= dag]
            row = history[(stream, dag)]
            assert parse_state(kind_of(stream), row.state) == fold(by_then), (stream, dag)
            assert (row.version, row.position) == (by_then[-1].version, by_then[-1].position)
    assert set(history) == expected_keys
    RUNS["most_days"] = max(RUNS["most_days"], len({dag for _, dag in history}))


# --- the properties ------------------------------------------------------------------------------------


def _run(databases: Databases, backend: str, script: list[Command]) -> None:
    clock = Clock()
    store = EventStore(make_engine(databases.fresh(backend, "tracker", upgrade)), clock)
    try:
        for holder in HOLDERS:
            definitie = PortefeuillehouderDefinitie(id=holder, naam=holder.replace("-", " ").title())
            writes.execute(store, f"portefeuillehouder/{holder}", lambda s, d=definitie: registreer(s, d), {})
        for actie in ACTIES[:2]:
            writes.execute(store, f"actie/{actie}", lambda s, a=actie: registreer(s, actie_definitie(a)), {})
        for cmd in script:
            accepted = apply(store, clock, cmd)
            if not isinstance(cmd, Wacht):
                RUNS["commands"] += 1
                RUNS["accepted" if accepted else "refused"] += 1
        check_invariants(store)
        RUNS["examples"] += 1
    finally:
        store.engine.dispose()


SCRIPTS = st.lists(commands, min_size=3, max_size=40)
SUPPRESS = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


@pytest.fixture(scope="module", autouse=True)
def _report() -> Any:
    yield
    print(f"\nhypothesis (tracker domain + projections): {RUNS} {REFUSALS}")


@pytest.mark.parametrize("backend", ["sqlite"])
@settings(max_examples=150, deadline=None, suppress_health_check=SUPPRESS)
@given(script=SCRIPTS)
def test_projections_are_the_fold_of_the_log_and_a_rebuild_reproduces_them(
    databases: Databases, backend: str, script: list[Command]
) -> None:
    _run(databases, backend, script)


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"])
@settings(max_examples=20, deadline=None, suppress_health_check=SUPPRESS)
@given(script=SCRIPTS)
def test_projections_are_the_fold_of_the_log_on_postgresql_too(
    databases: Databases, backend: str, script: list[Command]
) -> None:
    _run(databases, backend, script)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite"])
@settings(max_examples=1500, deadline=None, suppress_health_check=SUPPRESS)
@given(script=st.lists(commands, min_size=1, max_size=80))
def test_many_long_command_sequences_keep_projections_and_log_in_step(
    databases: Databases, backend: str, script: list[Command]
) -> None:
    _run(databases, backend, script)
