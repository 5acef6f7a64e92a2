"""The notifier's tables: its checkpoint, what it learned from the feed, recipients, deliveries, inbox."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, Index, MetaData, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from koers.db import NAMING_CONVENTION, UTCDateTime


class NotifierTable(SQLModel):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class CheckpointRow(NotifierTable, table=True):
    """How far the notifier has processed a feed; advanced in the same transaction as its deliveries."""

    __tablename__ = "notifier_checkpoint"

    feed: str = Field(primary_key=True, max_length=100)
    position: int


class PortefeuillehouderRow(NotifierTable, table=True):
    __tablename__ = "notifier_portefeuillehouder"

    id: str = Field(primary_key=True, max_length=200)
    naam: str = Field(max_length=200)


class OpgaveRow(NotifierTable, table=True):
    __tablename__ = "notifier_opgave"

    id: str = Field(primary_key=True, max_length=200)
    titel: str = Field(max_length=500)
    dwarsthema: bool
    coordinerend: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))


class ActieRow(NotifierTable, table=True):
    """An actie as the feed told it: who holds it now, its status, when it was last reported on."""

    __tablename__ = "notifier_actie"

    id: str = Field(primary_key=True, max_length=200)
    opgave: str = Field(max_length=200)
    titel: str = Field(max_length=500)
    portefeuillehouders: str = Field(sa_column=Column(Text, nullable=False))
    einddatum: date = Field(sa_column=Column(Date, nullable=False))
    update_interval_dagen: int
    geregistreerd_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    status: str = Field(max_length=40)
    voortgang: int
    verwachte_einddatum: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    melding_id: str | None = Field(default=None, sa_column=Column(String(36), nullable=True))
    gemeld_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


class RecipientRow(NotifierTable, table=True):
    """Contact data and preferences of a portefeuillehouder or projectleider; lives only here."""

    __tablename__ = "notifier_recipient"

    id: str = Field(primary_key=True, max_length=200)
    rol: str = Field(max_length=40)
    email: str | None = Field(default=None, sa_column=Column(String(320), nullable=True))
    webhook_url: str | None = Field(default=None, sa_column=Column(String(2000), nullable=True))
    webhook_secret: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    kanalen: str = Field(sa_column=Column(Text, nullable=False))
    alleen_digest: bool = False
    acties: str = Field(sa_column=Column(Text, nullable=False, default="[]"))
    inbox_token_hash: str | None = Field(default=None, sa_column=Column(String(64), unique=True))


class DeliveryRow(NotifierTable, table=True):
    """One notification to one recipient over one channel, with the proof that it was delivered."""

    __tablename__ = "notifier_delivery"
    __table_args__ = (
        UniqueConstraint("sleutel", "recipient", "channel"),
        Index(None, "status", "next_attempt_at"),
    )

    id: str = Field(primary_key=True, max_length=36)
    sleutel: str = Field(max_length=300, description="event_id, or the key of a scheduled notification")
    recipient: str = Field(max_length=200)
    channel: str = Field(max_length=20)
    soort: str = Field(max_length=40)
    actie: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    bericht: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(max_length=20)
    attempts: int = 0
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    next_attempt_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    claimed_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    claimed_by: str | None = Field(default=None, sa_column=Column(String(36), nullable=True))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    answer: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class InboxRow(NotifierTable, table=True):
    __tablename__ = "notifier_inbox"
    __table_args__ = (UniqueConstraint("sleutel", "recipient"), Index(None, "recipient", "created_at"))

    id: str = Field(primary_key=True, max_length=36)
    sleutel: str = Field(max_length=300)
    recipient: str = Field(max_length=200)
    soort: str = Field(max_length=40)
    actie: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    bericht: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    read_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


_tables = NotifierTable.metadata.tables
CHECKPOINT = _tables[CheckpointRow.__tablename__]
PORTEFEUILLEHOUDER = _tables[PortefeuillehouderRow.__tablename__]
OPGAVE = _tables[OpgaveRow.__tablename__]
ACTIE = _tables[ActieRow.__tablename__]
RECIPIENT = _tables[RecipientRow.__tablename__]
DELIVERY = _tables[DeliveryRow.__tablename__]
INBOX = _tables[InboxRow.__tablename__]
