"""The shell both services share: the /api/v1 sub-app, health, readiness, metrics, logs, limits."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.telemetry import TelemetryConfig
from sqlalchemy import Engine, MetaData, column, inspect, select, table, text
from starlette.responses import Response

from koers.db import make_engine
from koers.http import RequestGuard
from koers.observability import metrics_response
from koers.openapi import nl_openapi
from koers.problems import ErrorPage, ProblemError, install_problem_handlers

API_VERSION = "1.0.0"
CONTACT = {"name": "Koersmonitor", "email": "koersmonitor@hengelo.nl", "url": "https://www.hengelo.nl"}
# We export Prometheus metrics, not OpenTelemetry. FastAPI's own telemetry, left on, asks for the three
# global OpenTelemetry providers (reading the environment) in each of our two apps on every request.
NO_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


@dataclass(frozen=True)
class Migrations:
    """One service's Alembic history: its alembic.ini, its own version table and its newest revision."""

    ini: Path
    version_table: str
    # Readiness compares the database with this rather than ask Alembic, whose import and reading of the
    # scripts cost a serving process 10 MB; a test keeps it equal to the head of the scripts.
    head: str

    def upgrade(self, database_url: str) -> None:
        from alembic import command
        from alembic.config import Config

        config = Config(str(self.ini))
        config.attributes["database_url"] = database_url
        command.upgrade(config, "head")

    def behind(self, engine: Engine) -> str | None:
        """Why the database is not at the newest schema, or None when it is."""
        with engine.connect() as conn:
            versions = table(self.version_table, column("version_num"))
            stamped = inspect(conn).has_table(self.version_table)
            current = sorted(conn.execute(select(versions.c.version_num)).scalars()) if stamped else []
        return (
            None if current == [self.head] else f"database op {current or 'leeg'}, nieuwste is {[self.head]}"
        )


def run_alembic_env(
    context: Any, metadata: MetaData, version_table: str, default_url: Callable[[], str]
) -> None:
    """The body of each service's migrations/<service>/env.py: its metadata, its own version table."""
    url = context.config.attributes.get("database_url") or default_url()
    options = {
        "target_metadata": metadata,
        "version_table": version_table,
        "render_as_batch": True,
        "compare_type": True,
    }
    if context.is_offline_mode():
        context.configure(url=url, literal_binds=True, **options)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def api_app(title: str, description: str, base_url: str, routers: Iterable[APIRouter]) -> FastAPI:
    """The /api/v1 sub-application with its own OpenAPI document, shaped to the NL API Design Rules."""
    api = FastAPI(
        title=title,
        version=API_VERSION,
        description=description,
        servers=[{"url": base_url.rstrip("/") + "/api/v1"}],
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        telemetry=NO_TELEMETRY,
    )
    for router in routers:
        api.include_router(router)
    install_problem_handlers(api)
    api.openapi = lambda: nl_openapi(api, CONTACT)  # type: ignore[method-assign]
    return api


ReadyCheck = Callable[[FastAPI], "str | None"]


def service_app(
    name: str,
    api: FastAPI,
    lifespan: Any,
    ready: Iterable[ReadyCheck],
    max_body_bytes: int,
    install: Callable[[FastAPI], None] = lambda _: None,
    page: ErrorPage | None = None,
) -> FastAPI:
    """The outer app: /api/v1, /healthz, /readyz (503 with the reason), /metrics, and the request guard."""
    app = FastAPI(
        title=f"Koersmonitor {name}",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        telemetry=NO_TELEMETRY,
    )
    app.mount("/api/v1", api)
    checks = list(ready)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    def readyz() -> dict[str, str]:
        reasons = [reason for check in checks if (reason := check(app))]
        if reasons:
            raise ProblemError(503, "; ".join(reasons), title="Niet gereed")
        return {"status": "ready"}

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        return metrics_response()

    install(app)
    install_problem_handlers(app, page)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET"],
        allow_headers=["*"],
        expose_headers=["API-Version", "ETag", "Location"],
    )
    app.add_middleware(
        RequestGuard, api_version=API_VERSION, max_body_bytes=max_body_bytes, service=name, page=page
    )
    return app


def database_ready(engine_of: Callable[[FastAPI], Engine], migrations: Migrations) -> ReadyCheck:
    def check(app: FastAPI) -> str | None:
        try:
            with engine_of(app).connect() as conn:
                conn.execute(text("SELECT 1"))
            return migrations.behind(engine_of(app))
        except Exception as exc:  # readiness reports any failure to reach the database as a reason
            return f"de database is niet bereikbaar ({type(exc).__name__})"

    return check
