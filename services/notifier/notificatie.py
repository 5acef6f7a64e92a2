"""A notification: what one recipient must hear about one event or moment, before any channel is chosen."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class Soort(StrEnum):
    alert = "alert"
    informatie = "informatie"
    herinnering = "herinnering"
    weekoverzicht = "weekoverzicht"
    storing = "storing"


STATUS_LABELS = {
    "niet_gestart": "niet gestart",
    "op_koers": "op koers",
    "risico": "risico",
    "vertraagd": "vertraagd",
    "afgerond": "afgerond",
    "gestopt": "gestopt",
}


@dataclass(frozen=True, slots=True)
class Notificatie:
    sleutel: str  # the event_id, or the key of a scheduled moment: one delivery per key, recipient, channel
    ontvanger: str
    soort: Soort
    onderwerp: str
    samenvatting: str
    details: tuple[tuple[str, str], ...] = ()
    actie: str | None = None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Notificatie:
        details = tuple((label, waarde) for label, waarde in data.get("details", ()))
        return cls(**{**data, "soort": Soort(data["soort"]), "details": details})


def status_label(status: str | None) -> str:
    return STATUS_LABELS.get(status or "", status or "onbekend")
