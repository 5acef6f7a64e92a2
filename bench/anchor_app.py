"""The anchor's application: an aggregate per actie with one kind of update, in eventsourcing's own idiom."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event


class Actie(Aggregate):
    @event("Geregistreerd")
    def __init__(self, naam: str) -> None:
        self.naam = naam
        self.status = "niet_gestart"
        self.voortgang = 0

    @event("VoortgangGemeld")
    def meld(self, status: str, voortgang: int, toelichting: str) -> None:
        self.status, self.voortgang, self.toelichting = status, voortgang, toelichting


class Voortgang(Application[UUID]):
    ids: list[UUID]

    def register(self, naam: str) -> UUID:
        actie = Actie(naam)
        self.save(actie)
        return actie.id

    def meld(self, actie_id: UUID, i: int) -> None:
        actie: Actie = self.repository.get(actie_id)
        actie.meld(
            status="risico" if i % 5 == 4 else "op_koers", voortgang=i % 101, toelichting=f"meting {i}"
        )
        self.save(actie)
