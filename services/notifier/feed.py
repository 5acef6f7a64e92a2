"""The tracker's feed as the notifier reads it: CloudEvents per docs/events.md, schema version 1."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

TYPE_PREFIX = "nl.koersmonitor."
SCHEMA_VERSION = 1
EVENT_TYPES = frozenset(
    {
        "PortefeuillehouderGeregistreerd",
        "PortefeuillehouderGewijzigd",
        "OpgaveGeregistreerd",
        "OpgaveGewijzigd",
        "ActieGeregistreerd",
        "ActieGewijzigd",
        "VoortgangGemeld",
        "VoortgangGeimporteerd",
        "VoortgangGecorrigeerd",
        "ActieHeropend",
    }
)


@dataclass(frozen=True, slots=True)
class FeedEvent:
    # A dataclass with slots rather than a model: a page holds a thousand, and a model instance carries a
    # dict and a set of its fields. New envelope attributes may appear in a compatible version: the page
    # reads what it knows (pydantic ignores other keys of a dataclass) and ignores the rest.
    id: str
    type: str
    subject: str
    time: datetime
    position: int
    version: int
    data: dict[str, Any]
    dataschemaversion: str = "1"

    @property
    def event_type(self) -> str:
        return self.type.removeprefix(TYPE_PREFIX)

    @property
    def stream_id(self) -> str:
        """The id after the stream's kind: `actie/wilderinkshoek` -> `wilderinkshoek`."""
        return self.subject.split("/", 1)[-1]


class FeedPage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    events: list[FeedEvent]
    last_position: int
    head_position: int | None = None  # absent from trackers older than the field


def unreadable(event: FeedEvent) -> str | None:
    """Why this notifier cannot handle the event, or None when it can."""
    if not event.type.startswith(TYPE_PREFIX) or event.event_type not in EVENT_TYPES:
        return f"onbekend type {event.type}"
    if not event.dataschemaversion.isdigit() or int(event.dataschemaversion) > SCHEMA_VERSION:
        return f"schemaversie {event.dataschemaversion} is nieuwer dan {SCHEMA_VERSION}"
    return None
