"""Who may see the dashboard: everyone when reading is public, otherwise a token's session cookie."""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Annotated
from urllib.parse import parse_qs, urlencode

import anyio
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from tracker.auth import ANONIEM, Principal, Rol, authenticate, authenticate_digest, hash_secret
from tracker.dashboard.pagina import SESSIE_COOKIE, PaginaFout, render, tracker_of

router = APIRouter(include_in_schema=False)
LEESROLLEN = frozenset({Rol.raad, Rol.portefeuillehouder, Rol.projectleider, Rol.beheer})
SESSIE_SECONDEN = 8 * 3600
_EIGEN_PAD = re.compile(r"/(?![/\\])[^\s\\]*")


class InloggenNodig(Exception):
    """No session yet: send the reader to the login form, and back afterwards."""

    def __init__(self, terug: str) -> None:
        super().__init__(terug)
        self.terug = terug


def lezer(request: Request) -> Principal:
    tracker = tracker_of(request)
    if tracker.settings.public_read:
        return ANONIEM
    digest = _unsigned(tracker.session_key, request.cookies.get(SESSIE_COOKIE, ""))
    principal = (
        authenticate_digest(tracker.engine, digest, tracker.configured, tracker.clock()) if digest else None
    )
    if principal is None:
        raise InloggenNodig(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    return _leesrol(principal)


LezerDep = Annotated[Principal, Depends(lezer)]


def _signed(key: bytes, digest: str) -> str:
    # The token's hash alone would let anyone who can read the database forge a session: sign it.
    return f"{digest}.{hmac.new(key, digest.encode(), hashlib.sha256).hexdigest()}"


def _unsigned(key: bytes, cookie: str) -> str | None:
    digest, _, _mac = cookie.partition(".")
    return digest if digest and hmac.compare_digest(_signed(key, digest), cookie) else None


def _leesrol(principal: Principal) -> Principal:
    if principal.rol not in LEESROLLEN:
        raise PaginaFout(403, "Geen toegang", "Met dit token kunt u het dashboard niet bekijken.")
    return principal


def _veilig_terug(terug: str | None) -> str:
    # Only a path on this site: a login must never redirect to someone else's page. Browsers drop
    # tabs and newlines from URLs and read a backslash as a slash, so "/\t/evil" would be "//evil".
    return terug if terug and _EIGEN_PAD.fullmatch(terug) else "/"


async def naar_inloggen(request: Request, exc: Exception) -> RedirectResponse:
    assert isinstance(exc, InloggenNodig)
    return RedirectResponse(f"/inloggen?{urlencode({'terug': exc.terug})}", status_code=303)


@router.get("/inloggen")
def inlogformulier(request: Request, terug: str | None = None) -> HTMLResponse:
    """Het inlogformulier."""
    return render(request, "inloggen.html", terug=_veilig_terug(terug), melding=None)


@router.post("/inloggen", response_model=None)
async def inloggen(request: Request) -> HTMLResponse | RedirectResponse:
    """Log in with a token; the cookie holds only the token's hash, signed, never the token."""
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    token, terug = (form.get("token") or [""])[0].strip(), _veilig_terug((form.get("terug") or ["/"])[0])
    tracker = tracker_of(request)
    # The body needs an async handler; the token lookup is blocking I/O, so it runs in the thread pool.
    principal = (
        await anyio.to_thread.run_sync(
            authenticate, tracker.engine, token, tracker.configured, tracker.clock()
        )
        if token
        else None
    )
    if principal is None:
        return render(
            request,
            "inloggen.html",
            status=401,
            terug=terug,
            melding="Dit token is onbekend, ingetrokken of verlopen.",
        )
    _leesrol(principal)
    response = RedirectResponse(terug, status_code=303)
    response.set_cookie(
        SESSIE_COOKIE,
        _signed(tracker.session_key, hash_secret(token)),
        max_age=SESSIE_SECONDEN,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/uitloggen")
def uitloggen() -> RedirectResponse:
    """Log out: forget the session cookie."""
    response = RedirectResponse("/inloggen", status_code=303)
    response.delete_cookie(SESSIE_COOKIE, httponly=True, samesite="lax")
    return response
