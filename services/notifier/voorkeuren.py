"""A recipient's preferences and, purely from them, the channels a notification goes out on."""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from notifier.notificatie import Soort

# Deliberately loose: the mail server is the judge; this only catches what is surely not an address.
EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")
WEBHOOK_SECRET = re.compile(r"^whsec_[A-Za-z0-9+/]{16,}={0,2}$")
ALTIJD_DIRECT = frozenset({Soort.weekoverzicht, Soort.storing})


class Kanaal(StrEnum):
    email = "email"
    webhook = "webhook"
    inbox = "inbox"


class Voorkeuren(BaseModel):
    """How a recipient wants to hear from Koersmonitor."""

    model_config = ConfigDict(extra="forbid")

    email: str | None = Field(None, max_length=320, description="E-mailadres.")
    webhook_url: str | None = Field(None, max_length=2000, description="http(s)-URL die berichten ontvangt.")
    webhook_secret: str | None = Field(
        None,
        description="Standard Webhooks-geheim (whsec_…); zonder wordt er één gemaakt en eenmalig getoond.",
    )
    kanalen: dict[Kanaal, bool] = Field(default_factory=dict, description="Kanaal aan/uit; ontbreekt = aan.")
    alleen_digest: bool = Field(
        False, description="Alleen het weekoverzicht per e-mail/webhook; de inbox krijgt alles."
    )

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not EMAIL.match(value):
            raise ValueError("is geen geldig e-mailadres")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret(cls, value: str | None) -> str | None:
        if value is not None and not WEBHOOK_SECRET.match(value):
            raise ValueError("moet whsec_ gevolgd door base64 zijn")
        return value

    def aan(self, kanaal: Kanaal) -> bool:
        return self.kanalen.get(kanaal, True)


def kanalen_voor(voorkeuren: Voorkeuren | None, soort: Soort) -> list[Kanaal]:
    """The channels a notification of this kind goes out on; someone we have no preferences for: the inbox."""
    if voorkeuren is None:
        return [Kanaal.inbox]
    direct = soort in ALTIJD_DIRECT or not voorkeuren.alleen_digest
    adres = {Kanaal.email: voorkeuren.email, Kanaal.webhook: voorkeuren.webhook_url, Kanaal.inbox: "inbox"}
    return [k for k in Kanaal if voorkeuren.aan(k) and adres[k] and (k == Kanaal.inbox or direct)]
