"""The council's dashboard: server-rendered pages on the tracker's read side."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from tracker.dashboard import rapportage, routes, sessie, vergelijk
from tracker.dashboard.pagina import PaginaFout, fout_pagina, probleem_pagina

__all__ = ["install", "probleem_pagina"]


def install(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    for module in (routes, rapportage, vergelijk, sessie):
        app.include_router(module.router)
    app.add_exception_handler(PaginaFout, fout_pagina)
    app.add_exception_handler(sessie.InloggenNodig, sessie.naar_inloggen)
