"""The README's run command: migrate, load the catalogue, start both services, print where to look."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from tracker.auth import NewToken, Rol, create_token
from tracker.catalogue.loader import load_catalogue
from tracker.migrate import upgrade
from tracker.settings import TrackerSettings
from tracker.store import EventStore, utcnow

from koers.db import make_engine

DATA = Path("data")


def _wait(url: str, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not come up; see the log above")


def main() -> None:
    host, port = os.environ.get("KOERS_HOST", "127.0.0.1"), int(os.environ.get("KOERS_PORT", "8000"))
    base = f"http://{host}:{port}"
    env = {
        **os.environ,
        "TRACKER_DATABASE_URL": os.environ.get("TRACKER_DATABASE_URL", f"sqlite:///{DATA / 'tracker.db'}"),
        "TRACKER_BASE_URL": base,
    }
    os.environ.update(env)
    settings = TrackerSettings()
    upgrade(settings.database_url)
    store = EventStore(make_engine(settings.database_url))
    loaded = load_catalogue(store, settings.catalogue)
    _, demo = create_token(store.engine, NewToken(rol=Rol.beheer, omschrijving="demo"), utcnow())
    tracker = subprocess.Popen(
        [sys.executable, "-m", "tracker", "serve", "--host", host, "--port", str(port)], env=env
    )
    _wait(base + "/healthz", tracker)
    print(
        f"""
Koersmonitor draait.
  Dashboard:   {base}/
  API:         {base}/api/v1/opgaven   (OpenAPI: {base}/api/v1/openapi.json)
  Catalogus:   {settings.catalogue.name}, {loaded.entries} onderdelen ({loaded.events} nieuwe events)
  Demo-token (beheer): {demo}
    curl -H 'Authorization: Bearer {demo}' {base}/api/v1/acties/wilderinkshoek
Stoppen: Ctrl-C
""",
        flush=True,
    )
    processes = [tracker]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(10)


if __name__ == "__main__":
    main()
