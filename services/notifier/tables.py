"""The notifier's tables: its checkpoint, what it learned from the feed, recipients, deliveries, inbox."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, Index, Integer, MetaData, String, Table, Text, UniqueConstraint

from koers.db import NAMING_CONVENTION, UTCDateTime

# SQLAlchemy Core, not SQLModel classes: no table here is an API model, and SQLModel with the ORM under
# it cost each serving process 7 MB.
metadata = MetaData(naming_convention=NAMING_CONVENTION)

# How far the notifier has processed a feed; advanced in the same transaction as its deliveries.
CHECKPOINT = Table(
    "notifier_checkpoint",
    metadata,
    Column("feed", String(100), primary_key=True),
    Column("position", Integer, nullable=False),
)
PORTEFEUILLEHOUDER = Table(
    "notifier_portefeuillehouder",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("naam", String(200), nullable=False),
)
OPGAVE = Table(
    "notifier_opgave",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("titel", String(500), nullable=False),
    Column("dwarsthema", Boolean, nullable=False),
    Column("coordinerend", String(200)),
)
# An actie as the feed told it: who holds it now, its status, when it was last reported on.
ACTIE = Table(
    "notifier_actie",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("opgave", String(200), nullable=False),
    Column("titel", String(500), nullable=False),
    Column("portefeuillehouders", Text, nullable=False),
    Column("einddatum", Date, nullable=False),
    Column("update_interval_dagen", Integer, nullable=False),
    Column("geregistreerd_at", UTCDateTime, nullable=False),
    Column("status", String(40), nullable=False),
    Column("voortgang", Integer, nullable=False),
    Column("verwachte_einddatum", Date),
    Column("melding_id", String(36)),
    Column("gemeld_at", UTCDateTime),
)
# Contact data and preferences of a portefeuillehouder or projectleider; lives only here.
RECIPIENT = Table(
    "notifier_recipient",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("rol", String(40), nullable=False),
    Column("email", String(320)),
    Column("webhook_url", String(2000)),
    Column("webhook_secret", String(200)),
    Column("kanalen", Text, nullable=False),
    Column("alleen_digest", Boolean, nullable=False, default=False),
    Column("acties", Text, nullable=False, default="[]"),
    Column("inbox_token_hash", String(64), unique=True),
)
# One notification to one recipient over one channel, with the proof that it was delivered.
DELIVERY = Table(
    "notifier_delivery",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("sleutel", String(300), nullable=False),  # event_id, or the key of a scheduled notification
    Column("recipient", String(200), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("soort", String(40), nullable=False),
    Column("actie", String(200)),
    Column("bericht", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("created_at", UTCDateTime, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("claimed_until", UTCDateTime),
    Column("claimed_by", String(36)),
    Column("sent_at", UTCDateTime),
    Column("answer", Text),
    UniqueConstraint("sleutel", "recipient", "channel"),
    Index(None, "status", "next_attempt_at"),
)
INBOX = Table(
    "notifier_inbox",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("sleutel", String(300), nullable=False),
    Column("recipient", String(200), nullable=False),
    Column("soort", String(40), nullable=False),
    Column("actie", String(200)),
    Column("bericht", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("read_at", UTCDateTime),
    UniqueConstraint("sleutel", "recipient"),
    Index(None, "recipient", "created_at"),
)
