"""Shared test plumbing: fresh, migrated databases on SQLite and PostgreSQL; services as real processes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from koers.processes import free_port, wait_ready

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_URL = os.environ.get("KOERS_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REQUIRE_POSTGRES = os.environ.get("KOERS_REQUIRE_POSTGRES") == "1"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", help="also run the long variants")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="long variant: run with --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def _postgres_available() -> bool:
    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=3).close()
    except psycopg.OperationalError:
        return False
    return True


def _with_database(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


class Databases:
    """Makes a fresh, migrated database per test from a template migrated once per session."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.templates: dict[tuple[str, str], str] = {}
        self.created: list[str] = []
        self.postgres_checked = False

    def fresh(self, backend: str, service: str, migrate: Callable[[str], None]) -> str:
        template = self.templates.get((backend, service)) or self._template(backend, service, migrate)
        name = f"koers_{service}_{uuid.uuid4().hex[:12]}"
        if backend == "sqlite":
            path = self.tmp / f"{name}.db"
            shutil.copy(template, path)
            return f"sqlite:///{path}"
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        self.created.append(name)
        return _with_database(POSTGRES_URL, name)

    def _template(self, backend: str, service: str, migrate: Callable[[str], None]) -> str:
        if backend == "sqlite":
            path = self.tmp / f"template_{service}.db"
            migrate(f"sqlite:///{path}")
            self.templates[(backend, service)] = str(path)
            return str(path)
        self._require_postgres()
        name = f"koers_template_{service}_{uuid.uuid4().hex[:8]}"
        self._admin(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        migrate(_with_database(POSTGRES_URL, name))
        self.templates[(backend, service)] = name
        return name

    def _require_postgres(self) -> None:
        if self.postgres_checked or _postgres_available():
            self.postgres_checked = True
            return
        if REQUIRE_POSTGRES:
            pytest.fail(
                f"PostgreSQL is required here (KOERS_REQUIRE_POSTGRES=1) but {POSTGRES_URL} is unreachable"
            )
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}")

    def _admin(self, sql: str) -> None:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def drop_all(self) -> None:
        for name in reversed(self.created):
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    dbs = Databases(tmp_path_factory.mktemp("databases"))
    yield dbs
    dbs.drop_all()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def tracker_url(databases: Databases, backend: str) -> str:
    from tracker.migrate import upgrade

    return databases.fresh(backend, "tracker", upgrade)


# --- real processes ------------------------------------------------------------------------------------


class Service:
    """A service started as a real process (`python -m <cli> serve`), stopped at the end of the test."""

    def __init__(self, module: str, env: dict[str, str], log: Path) -> None:
        self.module, self.env, self.log = module, env, log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, ready_path: str = "/healthz", timeout: float = 30) -> Service:
        command = [
            sys.executable,
            "-m",
            self.module,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
        ]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, env={**os.environ, **self.env}, stdout=log, stderr=log, cwd=ROOT
            )
        if reason := wait_ready(self.url + ready_path, self.process, timeout):
            raise RuntimeError(f"{self.module} {reason}:\n{self.log.read_text()[-3000:]}")
        return self

    def kill(self) -> None:
        """SIGKILL: no goodbye, like a crash."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Callable[[str, dict[str, str]], Service]]:
    started: list[Service] = []

    def start(module: str, env: dict[str, str]) -> Service:
        service = Service(module, env, tmp_path / f"{module.replace('.', '_')}_{len(started)}.log")
        started.append(service)
        return service.start()

    yield start
    for service in started:
        service.stop()
