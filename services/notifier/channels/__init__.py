"""The ways a notification reaches someone, behind one small Protocol."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from notifier.notificatie import Notificatie
    from notifier.voorkeuren import Voorkeuren


class DeliveryFailed(Exception):
    """The channel could not deliver; the outbox tries again later."""


@dataclass(frozen=True, slots=True)
class Bezorging:
    id: str
    recipient: str
    notificatie: Notificatie
    voorkeuren: Voorkeuren | None


class Channel(Protocol):
    async def send(self, bezorging: Bezorging) -> str:
        """Deliver, and return the receiving side's answer: the proof that it was delivered."""
        ...
