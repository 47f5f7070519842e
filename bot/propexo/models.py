"""What the Propexo client's calls return: typed answers read from Propexo's JSON."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, Literal, TypeVar

from bot.propexo.reading import text_at, time_at

T = TypeVar("T")
SETTLED_STATUSES = frozenset({"SUCCESS", "PARTIAL_SUCCESS", "FAILURE"})
OutcomeStatus = Literal["NO_SHOW", "COMPLETE"]


@dataclass(frozen=True)
class CreatedAppointment:
    """Propexo accepted a create (that is not yet a booking: watch `job_id`'s write status).

    `appointment_id` is set only if Propexo's answer carried one; its docs do not promise it.
    `job_id` is None only if the answer had none, in which case the write cannot be followed.
    """

    job_id: str | None
    appointment_id: str | None
    result: Mapping[str, object]


@dataclass(frozen=True)
class WriteStatus:
    job_id: str
    status: str  # PENDING, SUCCESS, PARTIAL_SUCCESS, FAILURE (or whatever Propexo adds)
    errors: tuple[str, ...] = ()
    created_record_id: str | None = None

    @property
    def settled(self) -> bool:
        """Finished one way or the other; an unknown status counts as still running."""
        return self.status in SETTLED_STATUSES

    @property
    def succeeded(self) -> bool:
        return self.status in ("SUCCESS", "PARTIAL_SUCCESS")

    @property
    def failed(self) -> bool:
        return self.status == "FAILURE"


@dataclass(frozen=True)
class UpdatedAppointment:
    job_id: str | None
    appointment_id: str
    status: str
    outcome_time: str | None
    unit_ids: tuple[str, ...]
    result: Mapping[str, object]


@dataclass(frozen=True)
class Community:
    id: str
    name: str | None
    integration_id: str | None
    timezone: str | None
    updated_at: datetime | None
    raw: Mapping[str, object] = field(repr=False)

    @classmethod
    def from_record(cls, record: Mapping[str, object]) -> Community:
        return cls(
            id=text_at(record, "id") or "",
            name=text_at(record, "name"),
            integration_id=text_at(record, "integration_id"),
            timezone=text_at(record, "timezone", "time_zone"),
            updated_at=time_at(record, "updated_at"),
            raw=record,
        )


@dataclass(frozen=True)
class Prospect:
    id: str
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    community_id: str | None
    integration_id: str | None
    updated_at: datetime | None
    raw: Mapping[str, object] = field(repr=False)

    @classmethod
    def from_record(cls, record: Mapping[str, object]) -> Prospect:
        return cls(
            id=text_at(record, "id") or "",
            first_name=text_at(record, "first_name"),
            last_name=text_at(record, "last_name"),
            email=text_at(record, "email_1", "email", "primary_email"),
            phone=text_at(record, "phone_1", "phone", "primary_phone", "phone_2"),
            community_id=text_at(record, "community_id", "crm_community_id"),
            integration_id=text_at(record, "integration_id"),
            updated_at=time_at(record, "updated_at"),
            raw=record,
        )

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list read in order of `updated_at`, as an incremental sync reads it.

    - `records`: the page's records of the integration asked for (others are dropped).
    - `has_more`: Propexo's `meta.hasMore`; without it, whether the page came back full.
    - `next_offset`: where the next page starts (dropped records count: they took places).
    - `newest_update`: the newest `updated_at` the page covered, dropped records included, so
      a cursor kept from it moves past them too; None when no record carried one.

    Propexo's list `meta` documents no total count, so a page has none.
    """

    records: list[T]
    has_more: bool
    next_offset: int
    newest_update: datetime | None
