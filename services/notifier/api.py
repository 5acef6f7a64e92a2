"""The notifier's API: preferences, the inbox, and the deliveries with their proof. Access: deps.py."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from koers.problems import InvalidParam, ProblemError, problems
from notifier import outbox, recipients
from notifier.channels import inbox
from notifier.channels.webhook import refused_target
from notifier.deps import CallerDep, NotifierDep, require
from notifier.notificatie import Notificatie
from notifier.settings import NotifierSettings
from notifier.voorkeuren import Voorkeuren

router = APIRouter()
DeliveryStatus = Literal["pending", "sent", "dead"]


class VoorkeurenAntwoord(Voorkeuren):
    id: str
    webhook_secret: str | None = None  # only when it was made now: it is never shown again


class InboxToken(BaseModel):
    id: str
    token: str


class InboxItem(BaseModel):
    id: str
    soort: str
    actie: str | None
    onderwerp: str
    samenvatting: str
    details: dict[str, str]
    created_at: datetime
    read_at: datetime | None


class Delivery(BaseModel):
    id: str
    sleutel: str = Field(description="event_id, or the key of a scheduled notification")
    recipient: str
    channel: str
    soort: str
    actie: str | None
    bericht: str
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    claimed_until: datetime | None
    claimed_by: str | None
    sent_at: datetime | None
    answer: str | None


@router.put(
    "/portefeuillehouders/{portefeuillehouder}/voorkeuren",
    tags=["voorkeuren"],
    responses=problems(400, 401, 403, 404),
)
def put_voorkeuren(
    notifier: NotifierDep, caller: CallerDep, portefeuillehouder: str, body: Voorkeuren
) -> VoorkeurenAntwoord:
    """Zet de contactgegevens en voorkeuren van een portefeuillehouder."""
    require(caller, portefeuillehouder)
    _check_webhook(notifier.settings, body.webhook_url)
    with notifier.engine.connect() as conn:
        if not recipients.bekend(conn, portefeuillehouder):
            raise ProblemError(404, f"Er is geen portefeuillehouder '{portefeuillehouder}'.")
    stored, made = recipients.zet_voorkeuren(notifier.engine, portefeuillehouder, body)
    return VoorkeurenAntwoord(
        **stored.model_dump(exclude={"webhook_secret"}), id=portefeuillehouder, webhook_secret=made
    )


@router.get(
    "/portefeuillehouders/{portefeuillehouder}/voorkeuren",
    tags=["voorkeuren"],
    responses=problems(401, 403, 404),
)
def get_voorkeuren(notifier: NotifierDep, caller: CallerDep, portefeuillehouder: str) -> VoorkeurenAntwoord:
    """De contactgegevens en voorkeuren van een portefeuillehouder (zonder webhook-geheim)."""
    require(caller, portefeuillehouder)
    stored = recipients.lees_voorkeuren(notifier.engine, portefeuillehouder)
    if stored is None:
        raise ProblemError(404, f"Er zijn geen voorkeuren van '{portefeuillehouder}'.")
    return VoorkeurenAntwoord(**stored.model_dump(exclude={"webhook_secret"}), id=portefeuillehouder)


def _check_webhook(settings: NotifierSettings, url: str | None) -> None:
    if url and (reason := refused_target(url, settings.webhook_allow_private)):
        invalid = [InvalidParam(name="webhook_url", code="webhook_url", reason=reason)]
        raise ProblemError(400, f"De webhook-URL {reason}.", invalid=invalid)


@router.post(
    "/portefeuillehouders/{portefeuillehouder}/inbox-token",
    status_code=201,
    tags=["voorkeuren"],
    responses=problems(401, 403, 404),
)
def post_inbox_token(notifier: NotifierDep, caller: CallerDep, portefeuillehouder: str) -> InboxToken:
    """Maak een nieuw inbox-token (het oude vervalt); het geheim wordt alleen nu getoond."""
    require(caller)
    return InboxToken(
        id=portefeuillehouder, token=recipients.new_inbox_token(notifier.engine, portefeuillehouder)
    )


@router.get("/inbox/{portefeuillehouder}", tags=["inbox"], responses=problems(400, 401, 403, 404))
def get_inbox(
    notifier: NotifierDep,
    caller: CallerDep,
    portefeuillehouder: str,
    ongelezen: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[InboxItem]:
    """De berichten van een portefeuillehouder, nieuwste eerst."""
    require(caller, portefeuillehouder)
    return [_inbox_item(row) for row in inbox.items(notifier.engine, portefeuillehouder, ongelezen, limit)]


def _inbox_item(row: Any) -> InboxItem:
    n = Notificatie.from_json(json.loads(row.bericht))
    return InboxItem(
        id=row.id,
        soort=row.soort,
        actie=row.actie,
        onderwerp=n.onderwerp,
        samenvatting=n.samenvatting,
        details=dict(n.details),
        created_at=row.created_at,
        read_at=row.read_at,
    )


@router.post(
    "/inbox/{portefeuillehouder}/{item_id}/gelezen",
    status_code=204,
    tags=["inbox"],
    responses=problems(401, 403, 404),
)
def post_gelezen(notifier: NotifierDep, caller: CallerDep, portefeuillehouder: str, item_id: str) -> Response:
    """Markeer een bericht als gelezen."""
    require(caller, portefeuillehouder)
    if not inbox.mark_read(notifier.engine, portefeuillehouder, item_id, notifier.clock()):
        raise ProblemError(404, f"Er is geen bericht '{item_id}' in deze inbox.")
    return Response(status_code=204)


@router.get("/deliveries", tags=["bezorging"], responses=problems(400, 401, 403))
async def get_deliveries(
    notifier: NotifierDep,
    caller: CallerDep,
    status: DeliveryStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[Delivery]:
    """Bezorgingen met hun bewijs (kanaal, tijd, pogingen, antwoord), nieuwste eerst."""
    require(caller)
    rows = await anyio.to_thread.run_sync(outbox.deliveries, notifier.engine, status, limit)
    return [Delivery.model_validate(dict(row._mapping)) for row in rows]


@router.post(
    "/deliveries/{delivery_id}/opnieuw",
    status_code=202,
    tags=["bezorging"],
    responses=problems(401, 403, 404, 409),
)
def post_opnieuw(notifier: NotifierDep, caller: CallerDep, delivery_id: str) -> Response:
    """Zet een dode bezorging opnieuw in de rij."""
    require(caller)
    if not outbox.requeue(notifier.engine, delivery_id, notifier.clock()):
        raise ProblemError(409, f"Bezorging '{delivery_id}' bestaat niet of is niet dood.")
    return Response(status_code=202)
