"""Rendering a page: the templates, the security headers, the peildatum, and friendly error pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from koers.problems import ProblemError
from tracker import reads
from tracker.dashboard import charts, statussen
from tracker.dashboard.notatie import datum, datumtijd, getal

if TYPE_CHECKING:
    from tracker.api.deps import Tracker
    from tracker.reads import Moment

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
TEMPLATES.filters |= {"datum": datum, "datumtijd": datumtijd, "getal": getal}
TEMPLATES.globals |= {
    "STATUSSEN": statussen.STATUSSEN,
    "status_van": statussen.status_van,
    "charts": charts,
    "statussen": statussen,
}

# No script runs on these pages, so the policy can forbid every script; inline SVG needs no source.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
SESSIE_COOKIE = "koers_sessie"


class PaginaFout(Exception):
    """A request the dashboard answers with a friendly error page instead of the page asked for."""

    def __init__(self, status: int, titel: str, uitleg: str) -> None:
        super().__init__(uitleg)
        self.status, self.titel, self.uitleg = status, titel, uitleg


def tracker_of(request: Request) -> Tracker:
    tracker: Tracker = request.app.state.tracker
    return tracker


def peildatum_uit(tekst: str | None, veld: str = "peildatum") -> date | None:
    """An empty field means "now"; anything else must be an ISO date."""
    if not tekst:
        return None
    try:
        return date.fromisoformat(tekst)
    except ValueError:
        raise PaginaFout(
            400,
            "Ongeldige peildatum",
            f"'{tekst}' is geen datum. Vul de {veld} in als JJJJ-MM-DD, bijvoorbeeld 2026-06-30.",
        ) from None


def moment(request: Request, tekst: str | None, veld: str = "peildatum") -> Moment:
    """The state to show; a peildatum the log cannot answer becomes an error page, not a 500."""
    tracker = tracker_of(request)
    try:
        return reads.moment(tracker.engine, peildatum_uit(tekst, veld), tracker.clock())
    except ProblemError as error:
        raise PaginaFout(error.status, error.title, error.detail) from None


def link_maker(peildatum: date | None) -> Callable[..., str]:
    """`url("/acties/x", status="risico")`, keeping the page's peildatum in every link."""

    def url(path: str, **params: str | None) -> str:
        query = {"peildatum": peildatum.isoformat() if peildatum else None, **params}
        filled = urlencode({k: v for k, v in query.items() if v})
        return quote(path) + ("?" + filled if filled else "")

    return url


def render(
    request: Request, template: str, status: int = 200, peildatum: date | None = None, **context: Any
) -> HTMLResponse:
    body = TEMPLATES.get_template(template).render(
        pad=request.url.path,
        peildatum=peildatum,
        url=link_maker(peildatum),
        ingelogd=SESSIE_COOKIE in request.cookies,
        **context,
    )
    return HTMLResponse(body, status_code=status, headers=SECURITY_HEADERS)


async def fout_pagina(request: Request, exc: Exception) -> HTMLResponse:
    assert isinstance(exc, PaginaFout)
    return render(request, "fout.html", status=exc.status, titel=exc.titel, uitleg=exc.uitleg)


def probleem_pagina(request: Request, error: ProblemError) -> HTMLResponse:
    """A problem outside the dashboard's own pages (an address that does not exist, a refused request),
    for a browser: the same error page."""
    response = render(request, "fout.html", status=error.status, titel=error.title, uitleg=error.detail)
    response.headers.update(error.headers)
    return response
