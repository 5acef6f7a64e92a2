"""The README's run command: migrate, load the catalogue, start both services, print where to look."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from koers.db import make_engine
from koers.processes import wait_ready
from notifier.migrate import upgrade as upgrade_notifier
from notifier.settings import NotifierSettings
from tracker.auth import NewToken, Rol, create_token
from tracker.catalogue.loader import load_catalogue
from tracker.migrate import upgrade
from tracker.settings import TrackerSettings
from tracker.store import EventStore, utcnow

DATA = Path("data")
EXAMPLE_RECIPIENTS = Path(__file__).resolve().parents[1] / "notifier" / "recipients-hengelo.example.yaml"


def _wait(url: str, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    if reason := wait_ready(url, process, timeout):
        raise SystemExit(f"{url} did not come up ({reason}); see the log above")


def _refuse_taken(host: str, *ports: int) -> None:
    """Stop before anything is done when a port is taken: the process listening there would answer the
    readiness check in place of ours, and ours would fail to bind after the banner was printed."""
    for port in ports:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn: TIME_WAIT is no owner
            try:
                probe.bind((host, port))
            except OSError:
                raise SystemExit(
                    f"Poort {port} op {host} is al in gebruik (draait Koersmonitor al?). "
                    "Stop dat proces, of kies andere poorten met KOERS_PORT (de notifier neemt de volgende)."
                ) from None


def main() -> None:
    host, port = os.environ.get("KOERS_HOST", "127.0.0.1"), int(os.environ.get("KOERS_PORT", "8000"))
    _refuse_taken(host, port, port + 1)
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
    notifier, notifier_url, mail = _notifier(store, host, port + 1, base)
    print(
        f"""
Koersmonitor draait.
  Dashboard:   {base}/
  API:         {base}/api/v1/opgaven   (OpenAPI: {base}/api/v1/openapi.json)
  Catalogus:   {settings.catalogue.name}, {loaded.entries} onderdelen ({loaded.events} nieuwe events)
  Demo-token (beheer): {demo}
    curl -H 'Authorization: Bearer {demo}' {base}/api/v1/acties/wilderinkshoek
  Notifier:    {notifier_url}/api/v1/openapi.json   (demo-ontvangers: {EXAMPLE_RECIPIENTS.name})
  Mail:        {mail}
Stoppen: Ctrl-C
""",
        flush=True,
    )
    processes = [notifier, tracker]  # the notifier first: its long-poll would hold up the tracker's shutdown
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
            process.wait(35)  # a long-poll in flight ends within its wait (at most 30 s)


def _notifier(store: EventStore, host: str, port: int, base: str) -> tuple[subprocess.Popen[bytes], str, str]:
    """Migrate and start the notifier, reading the feed with a service token of its own."""
    _, token = create_token(store.engine, NewToken(rol=Rol.service, omschrijving="notifier"), utcnow())
    defaults = {
        "NOTIFIER_DATABASE_URL": f"sqlite:///{DATA / 'notifier.db'}",
        "NOTIFIER_RECIPIENTS": str(EXAMPLE_RECIPIENTS),
    }
    env = {
        **defaults,
        **os.environ,
        "NOTIFIER_TRACKER_URL": base,
        "NOTIFIER_TRACKER_TOKEN": token,
        "NOTIFIER_DASHBOARD_URL": base,
    }
    os.environ.update(env)
    settings = NotifierSettings()
    upgrade_notifier(settings.database_url)
    url = f"http://{host}:{port}"
    notifier = subprocess.Popen(
        [sys.executable, "-m", "notifier", "serve", "--host", host, "--port", str(port)], env=env
    )
    _wait(url + "/healthz", notifier)
    mail = (
        f"SMTP {settings.smtp_host}:{settings.smtp_port}"
        if settings.smtp_host
        else f"{settings.mail_folder.resolve()}/*.eml"
    )
    return notifier, url, mail


if __name__ == "__main__":
    main()
