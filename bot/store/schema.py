"""The database tables Tourbot keeps its bookings and cached time zones in.

One `MetaData` (`metadata`) holds them all, so a migration tool can target it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Dialect,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class BookingState(StrEnum):
    """Where a booking stands; the allowed moves between states are in `bot.store.TRANSITIONS`."""

    ACCEPTED = "accepted"  # stored, not sent yet (or certainly not received: send again)
    SENDING = "sending"  # a worker has claimed it and is calling Propexo
    SUBMITTED = "submitted"  # Propexo accepted the request and gave a job id
    CONFIRMED = "confirmed"  # Propexo's write finished: the tour is in EliseAI
    FAILED = "failed"  # Propexo refused it, or its write failed
    UNKNOWN = "unknown"  # the request may have reached Propexo: an agent has to check


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always stored as UTC and always read back timezone-aware.

    SQLite keeps no offset, so values go in as naive UTC and come back with UTC attached.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            # A naive time is exactly how a tour ends up at the wrong hour: refuse it.
            raise ValueError(f"naive datetime {value.isoformat()}: pass a timezone-aware one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# JSONB on PostgreSQL (indexable, compact); SQLite stores JSON as text.
JSONValue = JSON().with_variant(JSONB(), "postgresql")

# Named constraints, so migrations can refer to (and drop) them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


metadata = Base.metadata


class BookingRow(Base):
    """One tour booking, from the moment the bot accepted it to its outcome."""

    __tablename__ = "bookings"
    __table_args__ = (
        CheckConstraint(
            "state IN ({})".format(", ".join(f"'{state.value}'" for state in BookingState)),
            name="state",
        ),
        Index(None, "state", "next_attempt_at"),  # the worker's "what is due" query
        Index(None, "user_id", "created_at"),  # an agent's own bookings, newest first
        Index(None, "user_id", "starts_at"),  # an agent's upcoming tours, soonest first
        Index(None, "prospect_key", "starts_at"),  # same prospect, same time: a likely double
        Index(None, "thread_channel_id", "status_ts"),  # is this message a booking's?
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    request_key: Mapped[str] = mapped_column(String(255), unique=True)
    state: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    team_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str | None] = mapped_column(String(32))
    thread_channel_id: Mapped[str | None] = mapped_column(String(32))
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    response_url: Mapped[str | None] = mapped_column(Text)
    zone: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    summary: Mapped[str] = mapped_column(Text)
    form_values: Mapped[dict[str, Any]] = mapped_column(JSONValue)
    body: Mapped[dict[str, Any]] = mapped_column(JSONValue)
    prospect_key: Mapped[str | None] = mapped_column(String(255))
    job_id: Mapped[str | None] = mapped_column(Text)  # Propexo says nothing of its length
    appointment_id: Mapped[str | None] = mapped_column(Text)
    write_errors: Mapped[list[str]] = mapped_column(JSONValue)
    last_error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(32))
    outcome_by: Mapped[str | None] = mapped_column(String(32))
    # Set once Propexo has it; until then an outcome is a claim, its request under way.
    outcome_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_told: Mapped[str | None] = mapped_column(String(32))  # the last kind of update reported
    request_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the create went out
    status_ts: Mapped[str | None] = mapped_column(String(32))  # the message showing its state


class UserZoneRow(Base):
    """A Slack user's time zone as Slack last reported it, so the bot need not ask every time."""

    __tablename__ = "user_zones"

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    zone: Mapped[str] = mapped_column(String(64))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RateBudgetRow(Base):
    """The row every instance writes first when it asks for a unit of Propexo's budget: the
    write locks it (a row lock on PostgreSQL, the database on SQLite), so counting the units in
    the window and spending one are a single step across instances."""

    __tablename__ = "rate_budget"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the last time anyone asked


class RateUnitRow(Base):
    """One Propexo request's unit of the shared budget: it counts until `leaves_at`, a window
    after the request's answer (until then, a window plus the longest a request may take)."""

    __tablename__ = "rate_units"
    __table_args__ = (Index(None, "leaves_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    leaves_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DialogueState(StrEnum):
    """Where a booking conversation in a Slack thread stands."""

    OPEN = "open"  # the bot is gathering the booking's details
    BOOKED = "booked"  # it became a booking (from the thread or from the form)
    CANCELLED = "cancelled"  # the agent cancelled it
    EXPIRED = "expired"  # nobody answered for the idle time


class DialogueRow(Base):
    """A booking conversation: the details gathered so far in one Slack thread."""

    __tablename__ = "dialogues"
    __table_args__ = (
        CheckConstraint(
            "state IN ({})".format(", ".join(f"'{state.value}'" for state in DialogueState)),
            name="state",
        ),
        UniqueConstraint("channel_id", "thread_ts"),  # one conversation per thread at a time
        Index(None, "state", "expires_at"),  # the sweep for idle conversations
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    thread_ts: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16))
    form_values: Mapped[dict[str, Any]] = mapped_column(JSONValue)
    asked: Mapped[str | None] = mapped_column(String(32))  # what the last question asked for
    summary_ts: Mapped[str | None] = mapped_column(String(32))  # the message with the buttons
    booking_id: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)  # compare-and-set: one change at a time
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SeenEventRow(Base):
    """A Slack delivery already handled (an event_id, a message): retries are dropped."""

    __tablename__ = "seen_events"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


# Byte order on PostgreSQL whatever the database's collation, so "names starting with" is a range
# its index answers (the keys are lower case without accents, so the order is still a-z).
NameKey = Text().with_variant(Text(collation="C"), "postgresql")


class ProspectRow(Base):
    """A prospect as Propexo last listed it (or as Tourbot created it), searched by the agents'
    selects. `search` is what a search looks in: the name, the email and the phone's digits, in
    lower case without accents; each database indexes it for substrings (see SEARCH_INDEXES)."""

    __tablename__ = "prospects"
    __table_args__ = (
        UniqueConstraint("integration_id", "propexo_id"),
        Index(None, "integration_id", "name_key"),  # ordered results; a name's first letters
        Index(None, "integration_id", "email_key"),  # an exact email first
        Index(None, "integration_id", "phone_digits"),  # an exact phone first
    )

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    integration_id: Mapped[str] = mapped_column(String(128))
    propexo_id: Mapped[str] = mapped_column(Text)
    first_name: Mapped[str | None] = mapped_column(Text)
    last_name: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    community_id: Mapped[str | None] = mapped_column(Text)
    name_key: Mapped[str] = mapped_column(NameKey)
    email_key: Mapped[str | None] = mapped_column(Text)
    phone_digits: Mapped[str | None] = mapped_column(String(32))
    search: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # Propexo's


class CommunityRow(Base):
    """A community as Propexo last listed it: the select's options, the names the reader knows."""

    __tablename__ = "communities"
    __table_args__ = (UniqueConstraint("integration_id", "propexo_id"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    integration_id: Mapped[str] = mapped_column(String(128))
    propexo_id: Mapped[str] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)
    timezone: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # Propexo's


class PortfolioSyncRow(Base):
    """How far the copy of one Propexo list has been read, and which instance reads it now.

    Reads go in order of `updated_at`: `cursor` is the newest `updated_at` read and `at_cursor`
    how many records carrying exactly it have been read, so the next read starts right after
    them, whether it is the first read resumed after a restart or a later one asking for changes.
    """

    __tablename__ = "portfolio_sync"

    list_name: Mapped[str] = mapped_column(String(32), primary_key=True)
    integration_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    cursor: Mapped[datetime | None] = mapped_column(UTCDateTime)
    at_cursor: Mapped[int] = mapped_column(Integer)
    records_read: Mapped[int] = mapped_column(Integer)
    first_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when it was complete
    last_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the last complete round
    reader: Mapped[str | None] = mapped_column(String(64))  # the instance holding the lease
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


# Made by the migrations only, per database, so the models cannot describe them: SQLite's FTS5
# table (and the tables it keeps) and PostgreSQL's trigram index over prospects.search.
SEARCH_INDEXES = ("prospect_search", "ix_prospects_search_trigram")
