"""Every log line is one JSON object: the message once, the service, the correlation id, text as written."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from koers.observability import configure_logging, correlation_id


@pytest.fixture
def root_restored() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_a_library_line_becomes_one_json_object_with_service_and_correlation_id(
    root_restored: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("tracker")
    token = correlation_id.set("abc-123")
    try:
        logging.getLogger("uvicorn.error").info(
            "Wethouder %s — €5", "Traag", extra={"color_message": "\x1b[1mWethouder\x1b[0m", "route": "/"}
        )
    finally:
        correlation_id.reset(token)

    (line,) = capsys.readouterr().err.splitlines()
    logged = json.loads(line)
    assert logged["event"] == "Wethouder Traag — €5"
    assert logged["service"] == "tracker" and logged["correlation_id"] == "abc-123"
    assert logged["level"] == "info" and logged["logger"] == "uvicorn.error" and logged["route"] == "/"
    assert "color_message" not in logged


def test_an_exception_is_logged_with_its_traceback_in_the_same_line(
    root_restored: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("notifier")
    try:
        raise ValueError("kapot")
    except ValueError:
        logging.getLogger("notifier.outbox").exception("bezorging mislukt")

    (line,) = capsys.readouterr().err.splitlines()
    logged = json.loads(line)
    assert logged["event"] == "bezorging mislukt" and logged["level"] == "error"
    assert "ValueError: kapot" in logged["exception"]
