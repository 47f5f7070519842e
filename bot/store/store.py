"""The booking store: the one object the rest of Tourbot calls, made of one part per thing stored
(bookings, their intake, scheduled claims, the rate budget, time zones, conversations, and the
copy of Propexo's prospects and communities).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta
from functools import partial
from types import TracebackType
from typing import Any, Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.store.bookings import (
    OUTCOME_CLAIM_STALE,
    TRANSITIONS,
    Added,
    Booking,
    BookingNotFound,
    Bookings,
    InvalidTransition,
    NewBooking,
)
from bot.store.budget import (
    BUDGET_FLIGHT,
    BUDGET_PRUNE_EVERY,
    BUDGET_WINDOW,
    BudgetUnit,
    RateBudget,
)
from bot.store.claims import Claims
from bot.store.database import (
    MIGRATIONS,
    Clock,
    Database,
    StoreUnavailable,
    _Turns,
    database_url,
    engine_for,
    utc_now,
)
from bot.store.dialogues import Dialogues
from bot.store.intake import Intake
from bot.store.portfolio import Portfolio
from bot.store.schema import BookingState
from bot.store.zones import UserZones

# Besides `Store`, the names importers took from this module before it was split into parts.
__all__ = [
    "BUDGET_PRUNE_EVERY",
    "BUDGET_WINDOW",
    "MIGRATIONS",
    "TRANSITIONS",
    "Added",
    "Booking",
    "BookingNotFound",
    "BudgetUnit",
    "InvalidTransition",
    "NewBooking",
    "Store",
    "StoreUnavailable",
    "_Turns",
    "database_url",
]


class Store:
    """Bookings, the rate budget and cached user time zones in SQLite or PostgreSQL, through
    SQLAlchemy's asyncio engine. Every method runs in its own short transaction and returns plain
    snapshots; each is carried out by the part that owns that table (see its docstring)."""

    def __init__(self, engine: AsyncEngine, *, clock: Clock = utc_now) -> None:
        self.engine = engine
        self._db = Database(engine, clock)
        self._bookings = Bookings(self._db)
        self._intake = Intake(self._db)
        self._claims = Claims(self._db)
        self._budget = RateBudget(self._db)
        self._zones = UserZones(self._db)
        self.portfolio = Portfolio(self._db)  # prospects and communities, as Propexo lists them
        self.dialogues = Dialogues(
            self._db.transaction, clock, urgent=partial(self._db.transaction, urgent=True)
        )

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        clock: Clock = utc_now,
        connect_args: Mapping[str, Any] | None = None,
    ) -> Store:
        """A store for a DATABASE_URL: `sqlite:///relative.db`, `sqlite:////abs/path.db`,
        `sqlite://` (in memory), `postgresql://…` or `postgres://…`, or the same naming its
        async driver (`sqlite+aiosqlite`, `postgresql+asyncpg`). `connect_args` go to the driver.
        """
        return cls(engine_for(url, connect_args=connect_args), clock=clock)

    # The database itself

    async def create_schema(self) -> None:
        """Bring the schema up to date; StoreUnavailable when the database cannot be opened."""
        await self._db.create_schema()

    async def problem(self) -> str | None:
        """Why the store cannot take bookings now, in a sentence; None when it can. Quick (a
        second and a half at most), and it mends what it safely can on the way."""
        return await self._db.problem()

    async def checkpoint(self) -> None:
        """SQLite: copy the write-ahead log into the database file, holding nobody up."""
        await self._db.checkpoint()

    async def close(self) -> None:
        """Close the connections once the transactions under way are done."""
        await self._intake.close()
        await self._db.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    def _transaction(self, *, urgent: bool = False) -> AbstractAsyncContextManager[AsyncConnection]:
        """One short transaction, taking its turn on SQLite (for tests that hold one open)."""
        return self._db.transaction(urgent=urgent)

    # Adding bookings

    async def add_booking(
        self, new: NewBooking, *, within: float | None = None
    ) -> tuple[Booking, bool]:
        """Store `new` as `accepted`, or return the booking its request key stored, and False;
        NotSavedInTime if the database has not answered `within` seconds."""
        return await self._intake.add_booking(new, within=within)

    async def add_booking_unless_doubled(
        self, new: NewBooking, *, within: float | None = None
    ) -> Added:
        """As `add_booking`, unless the prospect has a live booking at that moment already."""
        return await self._intake.add_booking_unless_doubled(new, within=within)

    async def duplicates_of(
        self, prospect_key: str, starts_at: datetime, *, excluding: str | None = None
    ) -> list[Booking]:
        """Other live bookings for the same prospect at the same moment (a likely double)."""
        return await self._intake.duplicates_of(prospect_key, starts_at, excluding=excluding)

    # Reading and changing bookings

    async def get_booking(self, booking_id: str) -> Booking | None:
        return await self._bookings.get_booking(booking_id)

    async def transition(
        self,
        booking_id: str,
        to: BookingState,
        *,
        expect: Collection[BookingState] | None = None,
        attempt: int | None = None,
        unsent: bool = False,
        **fields: object,
    ) -> Booking | None:
        """Move a booking to `to` (and set `fields`) only if it is in one of `expect`; None if
        another task moved it first."""
        return await self._bookings.transition(
            booking_id, to, expect=expect, attempt=attempt, unsent=unsent, **fields
        )

    async def update_booking(self, booking_id: str, **fields: object) -> Booking:
        """Set fields other than the state (thread_ts, job_id, …)."""
        return await self._bookings.update_booking(booking_id, **fields)

    async def record_outcome(
        self,
        booking_id: str,
        outcome: str | None,
        by: str | None,
        *,
        stale: timedelta = OUTCOME_CLAIM_STALE,
    ) -> Booking | None:
        """Claim a confirmed booking's outcome once (None releases a claim not yet recorded);
        None if it has one, recorded or under way (unless that claim is `stale`)."""
        return await self._bookings.record_outcome(booking_id, outcome, by, stale=stale)

    async def outcome_recorded(self, booking_id: str, outcome: str) -> Booking | None:
        """The claimed outcome is in Propexo: recorded for good."""
        return await self._bookings.outcome_recorded(booking_id, outcome)

    async def shows_a_booking(self, channel_id: str, ts: str) -> bool:
        """Whether the message at `ts` is one that shows a booking's state."""
        return await self._bookings.shows_a_booking(channel_id, ts)

    async def holds_thread(self, channel_id: str, thread_ts: str) -> bool:
        """Whether Tourbot keeps something in this thread: a booking's messages or a
        conversation (a DM thread the bot started, for one)."""
        if await self._bookings.shows_a_booking(channel_id, thread_ts):
            return True
        return await self.dialogues.in_thread(channel_id, thread_ts) is not None

    async def bookings_for_user(self, user_id: str, *, limit: int = 20) -> list[Booking]:
        """The user's bookings, newest first."""
        return await self._bookings.bookings_for_user(user_id, limit=limit)

    async def upcoming_for_user(
        self, user_id: str, states: Collection[BookingState], *, limit: int = 15
    ) -> list[Booking]:
        """The user's bookings in `states` whose tour is still ahead, soonest first."""
        return await self._bookings.upcoming_for_user(user_id, states, limit=limit)

    async def bookings_in_state(self, *states: BookingState) -> list[Booking]:
        """Bookings in any of `states`, oldest first."""
        return await self._bookings.bookings_in_state(*states)

    # Scheduled work

    async def claim_due(
        self,
        state: BookingState,
        *,
        lease: timedelta,
        limit: int,
        to: BookingState | None = None,
        sent: bool | None = None,
    ) -> list[Booking]:
        """Take up to `limit` due bookings in `state` for `lease` (moving them `to` a state)."""
        return await self._claims.claim_due(state, lease=lease, limit=limit, to=to, sent=sent)

    async def update_claimed(
        self, booking_id: str, attempt: int, *, unsent: bool = False, **fields: object
    ) -> Booking | None:
        """Set `fields` of a claimed booking only while the claim holds; None when it was lost."""
        return await self._claims.update_claimed(booking_id, attempt, unsent=unsent, **fields)

    async def reschedule(self, booking: Booking, due: datetime | None) -> Booking | None:
        """Make a booking due at `due` if it is still as `booking` shows it; else None."""
        return await self._claims.reschedule(booking, due)

    async def next_due(self, *states: BookingState) -> datetime | None:
        """When the earliest booking in `states` is due; None when nothing is waiting."""
        return await self._claims.next_due(*states)

    # Propexo's rate budget

    async def take_budget(
        self, limit: int, *, window: timedelta = BUDGET_WINDOW, flight: timedelta = BUDGET_FLIGHT
    ) -> BudgetUnit | datetime:
        """Spend one unit of the shared budget, or learn the earliest moment one may leave."""
        return await self._budget.take_budget(limit, window=window, flight=flight)

    async def settle_budget(self, unit: BudgetUnit, *, window: timedelta = BUDGET_WINDOW) -> None:
        """The unit's request was answered: it counts for one `window` from now."""
        await self._budget.settle_budget(unit, window=window)

    async def give_back_budget(self, unit: BudgetUnit) -> None:
        """Return the unit at once: its request never reached Propexo."""
        await self._budget.give_back_budget(unit)

    async def budget_in_use(self) -> int:
        """How many units of the shared budget count now, every instance's together."""
        return await self._budget.budget_in_use()

    # Users' time zones

    async def user_zone(self, user_id: str, *, max_age: timedelta) -> str | None:
        """The user's cached time zone, or None if unknown or older than `max_age`."""
        return await self._zones.user_zone(user_id, max_age=max_age)

    async def save_user_zone(self, user_id: str, zone: str) -> None:
        """Remember the user's time zone as of now."""
        await self._zones.save_user_zone(user_id, zone)
