"""Structured JSON logs with the correlation id, and Prometheus metrics that both services share."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

import orjson
import structlog
from prometheus_client import CONTENT_TYPE_LATEST, Histogram, generate_latest
from starlette.responses import Response

correlation_id: ContextVar[str] = ContextVar("correlation_id", default="")
REQUEST_SECONDS = Histogram(
    "koers_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template (never by id).",
    ["service", "method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


def _add_correlation_id(_logger: Any, _name: str, event: dict[str, Any]) -> dict[str, Any]:
    if cid := correlation_id.get():
        event.setdefault("correlation_id", cid)
    return event


def _add_service(_logger: Any, _name: str, event: dict[str, Any], service: str) -> dict[str, Any]:
    event.pop("color_message", None)  # uvicorn repeats its message with terminal colours: once is enough
    event["service"] = service
    return event


def _json(event: dict[str, Any], default: Callable[[Any], Any]) -> str:
    # orjson rather than json.dumps: a fifth of a line's cost (27 -> 21 µs in-process). No spaces after
    # separators; the same JSON otherwise.
    return orjson.dumps(event, default=default).decode()


def configure_logging(service: str, level: str = "INFO") -> None:
    """Every log line, ours and the libraries', as one JSON object on stderr."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.ExtraAdder(),
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _add_correlation_id,
        functools.partial(_add_service, service=service),
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                structlog.processors.JSONRenderer(serializer=_json),
            ],
        )
    )
    # A record's caller, thread and process cost a fifth of a log line and no processor above shows them.
    logging._srcfile = None  # the logging docs' way to skip the caller lookup
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # Its lines carry the client's address; ours (koers.access) carry what an operator needs and no person.
    logging.getLogger("uvicorn.access").disabled = True


def metrics_response() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
