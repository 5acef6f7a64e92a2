"""The served process: the same process id as the command that started it; without the libraries that
only a terminal needs, though the libraries a service imports would load them; nothing from its working
directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from koers.processes import free_port, wait_ready

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

TERMINAL_ONLY = ("rich", "pygments", "typer")
ROOT = Path(__file__).resolve().parents[1]  # not from conftest: the served probe must not import pytest


def probe() -> ASGIApp:
    """An app factory that answers with its process id and which terminal-only libraries it has loaded."""
    import httpx  # noqa: F401 -- both import rich and pygments when they can: the services import them
    import structlog  # noqa: F401

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        loaded = [name for name in TERMINAL_ONLY if sys.modules.get(name) is not None]
        body = json.dumps({"pid": os.getpid(), "loaded": loaded}).encode()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"json")]})
        await send({"type": "http.response.body", "body": body})

    return app


def test_the_server_keeps_the_commands_process_id_and_loads_only_what_serving_needs(tmp_path: Path) -> None:
    port = free_port()
    start = (
        "import rich, typer; from koers.serve import become_server; "  # as a command line would have them
        f"become_server('tests.test_serve:probe', one_arena=True, host='127.0.0.1', port={port}, "
        "lifespan='off')"
    )
    # A file in the working directory must not stand in for an installed module.
    (tmp_path / "uvicorn.py").write_text("raise ImportError('the working directory was on the module path')")
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    command, log = [sys.executable, "-c", start], tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=out, stderr=out)
    try:
        url = f"http://127.0.0.1:{port}/"
        assert wait_ready(url, process, 30) is None, log.read_text()
        answer = httpx.get(url).json()
    finally:
        process.terminate()
        process.wait(10)
    assert answer == {"pid": process.pid, "loaded": []}
