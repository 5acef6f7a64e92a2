"""What every route needs: the notifier's parts and who is calling.

Who may call: NOTIFIER_ADMIN_TOKEN is beheer. A portefeuillehouder uses an inbox token the notifier
itself makes (POST .../inbox-token or `koers-notifier inbox-token`; shown once, stored as SHA-256). The
notifier does not ask the tracker to check tokens: its API must keep working while the tracker is down.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine

from koers.problems import ProblemError
from notifier import recipients
from notifier.settings import NotifierSettings

BEHEER = "beheer"


@dataclass
class Notifier:
    settings: NotifierSettings
    engine: Engine
    clock: Callable[[], datetime]


def get_notifier(request: Request) -> Notifier:
    notifier: Notifier = request.app.state.notifier
    return notifier


NotifierDep = Annotated[Notifier, Depends(get_notifier)]
_bearer = HTTPBearer(auto_error=False, description="NOTIFIER_ADMIN_TOKEN (beheer) of een inbox-token.")


def get_caller(
    notifier: NotifierDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> str:
    """`beheer`, or the id of the recipient whose inbox token this is."""
    if credentials is None:
        raise ProblemError(
            401, "Stuur een token mee: Authorization: Bearer <token>.", headers={"WWW-Authenticate": "Bearer"}
        )
    admin = notifier.settings.admin_token
    if admin and hmac.compare_digest(credentials.credentials.encode(), admin.get_secret_value().encode()):
        return BEHEER
    owner = recipients.token_owner(notifier.engine, credentials.credentials)
    if owner is None:
        raise ProblemError(401, "Het token is onbekend.", headers={"WWW-Authenticate": "Bearer"})
    return owner


CallerDep = Annotated[str, Depends(get_caller)]


def require(caller: str, *allowed: str) -> None:
    if caller not in (BEHEER, *allowed):
        raise ProblemError(403, "Dit token hoort bij iemand anders.")
