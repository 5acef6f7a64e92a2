"""Response shapes of the API that are not domain views: a recorded event as the API shows it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from tracker.events import Recorded


class RecordedEvent(BaseModel):
    event_id: str
    position: int
    stream: str
    version: int
    type: str
    recorded_at: datetime
    data: dict[str, Any]
    metadata: dict[str, Any]


def recorded_event(rec: Recorded) -> RecordedEvent:
    return RecordedEvent(
        event_id=rec.event_id,
        position=rec.position,
        stream=rec.stream,
        version=rec.version,
        type=rec.event.type,
        recorded_at=rec.recorded_at,
        data=rec.event.model_dump(mode="json", exclude={"type"}),
        metadata=rec.metadata,
    )
