"""The tracker's tables: the append-only event log, its idempotency keys, projections and tokens."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, Index, MetaData, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from koers.db import NAMING_CONVENTION, UTCDateTime


class TrackerTable(SQLModel):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class EventRow(TrackerTable, table=True):
    """One recorded event. Rows are only ever inserted."""

    __tablename__ = "tracker_event"
    __table_args__ = (UniqueConstraint("stream", "version"),)

    position: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    event_id: str = Field(max_length=36, unique=True)
    stream: str = Field(max_length=200)
    version: int
    type: str = Field(max_length=100)
    data: str = Field(sa_column=Column(Text, nullable=False))
    meta: str = Field(sa_column=Column("metadata", Text, nullable=False))
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class IdempotencyRow(TrackerTable, table=True):
    """A client's Idempotency-Key and the events its first request recorded."""

    __tablename__ = "tracker_idempotency"

    key: str = Field(primary_key=True, max_length=300)
    fingerprint: str = Field(max_length=64)
    first_position: int
    last_position: int


class StateRow(TrackerTable, table=True):
    """Current state of each stream (projection), folded in the append transaction."""

    __tablename__ = "tracker_state"

    stream: str = Field(primary_key=True, max_length=200)
    kind: str = Field(max_length=40, index=True)
    version: int
    position: int
    state: str = Field(sa_column=Column(Text, nullable=False))


class StateHistoryRow(TrackerTable, table=True):
    """State of each stream at the end of each day it changed: the temporal read model for peildatum."""

    __tablename__ = "tracker_state_history"
    __table_args__ = (Index(None, "kind", "dag"),)

    stream: str = Field(primary_key=True, max_length=200)
    dag: date = Field(sa_column=Column(Date, primary_key=True))
    kind: str = Field(max_length=40)
    version: int
    position: int
    state: str = Field(sa_column=Column(Text, nullable=False))


class TokenRow(TrackerTable, table=True):
    """A bearer token; only the SHA-256 of its secret is kept."""

    __tablename__ = "tracker_token"

    id: str = Field(primary_key=True, max_length=36)
    secret_hash: str = Field(max_length=64, unique=True)
    rol: str = Field(max_length=40)
    acties: str = Field(sa_column=Column(Text, nullable=False, default="[]"))
    portefeuillehouder: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    omschrijving: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    expires_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


_tables = TrackerTable.metadata.tables
EVENT = _tables[EventRow.__tablename__]
IDEMPOTENCY = _tables[IdempotencyRow.__tablename__]
STATE = _tables[StateRow.__tablename__]
STATE_HISTORY = _tables[StateHistoryRow.__tablename__]
TOKEN = _tables[TokenRow.__tablename__]
