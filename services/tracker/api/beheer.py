"""Administration: tokens, and the audit of the hash chain."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from koers.problems import ProblemError, problems
from tracker.api.deps import BeheerderDep, ReaderDep, TrackerDep
from tracker.auth import NewToken, Rol, create_token, revoke_token

router = APIRouter(tags=["beheer"])


class TokenAanvraag(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    rol: Rol = Field(strict=False)
    acties: list[str] = Field(
        default=[], description="Alleen voor projectleider: de acties die het mag bijwerken."
    )
    portefeuillehouder: str | None = Field(None, description="Voor rol portefeuillehouder: wie.")
    omschrijving: str | None = Field(None, max_length=200)
    verloopt_at: AwareDatetime | None = Field(None, strict=False)

    @model_validator(mode="after")
    def _acties_voor_projectleider(self) -> TokenAanvraag:
        if self.rol == Rol.projectleider and not self.acties:
            raise ValueError("een projectleider-token noemt de acties die het mag bijwerken")
        if self.rol != Rol.projectleider and self.acties:
            raise ValueError("alleen een projectleider-token noemt acties")
        return self


class NieuwToken(BaseModel):
    id: str
    token: str = Field(description="Het geheim; wordt alleen nu getoond.")
    rol: Rol
    acties: list[str]
    verloopt_at: datetime | None


class Verificatie(BaseModel):
    intact: bool
    aantal_events: int
    head_hash: str
    gebroken_positie: int | None
    reden: str | None


@router.post("/tokens", status_code=201, responses=problems(400, 401, 403, 413, 415))
def post_token(tracker: TrackerDep, _: BeheerderDep, body: TokenAanvraag) -> NieuwToken:
    """Maak een token aan; het geheim wordt één keer getoond en alleen als hash bewaard."""
    new = NewToken(
        rol=body.rol,
        acties=tuple(body.acties),
        portefeuillehouder=body.portefeuillehouder,
        omschrijving=body.omschrijving,
        expires_at=body.verloopt_at,
    )
    token_id, secret = create_token(tracker.engine, new, tracker.clock())
    return NieuwToken(
        id=token_id, token=secret, rol=body.rol, acties=body.acties, verloopt_at=body.verloopt_at
    )


@router.delete("/tokens/{token_id}", status_code=204, responses=problems(400, 401, 403, 404))
def delete_token(tracker: TrackerDep, _: BeheerderDep, token_id: str) -> Response:
    """Trek een token in."""
    if not revoke_token(tracker.engine, token_id, tracker.clock()):
        raise ProblemError(404, f"Er is geen actief token '{token_id}'.")
    return Response(status_code=204)


@router.get("/audit/verify", responses=problems(401, 403))
def verify_chain(tracker: TrackerDep, _: ReaderDep) -> Verificatie:
    """Controleer of de hashketen van het hele log klopt."""
    result = tracker.store.verify()
    return Verificatie(
        intact=result.ok,
        aantal_events=result.count,
        head_hash=result.head_hash,
        gebroken_positie=result.broken_position,
        reden=result.reason,
    )
