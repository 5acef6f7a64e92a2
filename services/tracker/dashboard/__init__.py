"""The council's dashboard: server-rendered pages on the tracker's read side."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import RedirectResponse


def install(app: FastAPI) -> None:
    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/api/v1/opgaven")
