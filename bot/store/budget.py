"""Propexo's rate budget, shared by every instance through the database: a unit per request,
counted from its grant until one window after its answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Executable, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.database import Database
from bot.store.schema import RateBudgetRow, RateUnitRow, UTCDateTime

# Propexo's budget: its window, and the longest a request may take, from its unit's grant to its
# answer (longer than a send's lease; the client may wait out a rate window before sending).
BUDGET_WINDOW = timedelta(minutes=1)
BUDGET_FLIGHT = timedelta(minutes=2)
BUDGET_NAME = "propexo"
BUDGET_PRUNE_EVERY = 64  # grants between deletions of the units that have left


@dataclass(frozen=True, slots=True)
class BudgetUnit:
    """One Propexo request's unit of the shared budget, as `Store.take_budget` granted it."""

    id: int
    granted_at: datetime


def _budget_lock(upsert: Callable[[type[RateBudgetRow]], Any]) -> Executable:
    """INSERT … ON CONFLICT DO UPDATE of the one lock row, which also makes it if missing."""
    statement = upsert(RateBudgetRow).values(name=BUDGET_NAME, asked_at=bindparam("now"))
    lock: Executable = statement.on_conflict_do_update(
        index_elements=[RateBudgetRow.name], set_={"asked_at": statement.excluded.asked_at}
    )
    return lock


# Built once: they run before every Propexo request, and building them cost a third of the call.
BUDGET_LOCK = {"postgresql": _budget_lock(postgresql.insert), "sqlite": _budget_lock(sqlite.insert)}
_NOW = bindparam("now", type_=UTCDateTime())
# Counting and spending in one statement: a unit is inserted only if fewer than `limit` count.
SPEND_UNIT = (
    insert(RateUnitRow)
    .from_select(
        [RateUnitRow.granted_at, RateUnitRow.leaves_at],
        select(_NOW, bindparam("held_until", type_=UTCDateTime())).where(
            select(func.count())
            .select_from(RateUnitRow)
            .where(RateUnitRow.leaves_at > _NOW)
            .scalar_subquery()
            < bindparam("limit")
        ),
    )
    .returning(RateUnitRow.id)
)


class RateBudget:
    """The units of Propexo's budget: taken before a request, settled or given back after."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def take_budget(
        self, limit: int, *, window: timedelta = BUDGET_WINDOW, flight: timedelta = BUDGET_FLIGHT
    ) -> BudgetUnit | datetime:
        """Spend one unit of Propexo's budget, shared by every instance: at most `limit` units
        count at any moment. Returns the unit, or, when all are spent, the earliest moment one
        may leave (asking again then may still be refused if others asked first).

        A unit counts from its grant until one `window` after its request's answer
        (`settle_budget`). A request reaches Propexo before its answer, so when the last of any
        `window` of arrivals was granted, the units of all the others still counted: no
        `window`-long span of arrivals holds more than `limit`, however long the client held a
        request before sending it. Until it is settled a unit counts for `window` plus `flight`
        (the longest a request may take), so the unit of a worker that died frees itself.

        One transaction that writes first, so instances queue on the lock instead of reading
        the same count (and SQLite never has to turn a read into a write).
        """
        if limit < 1:
            raise ValueError(f"a budget of {limit} requests allows none: give at least 1")
        async with self._db.transaction() as connection:
            await connection.execute(BUDGET_LOCK[self._db.dialect], {"now": self._db.clock()})
            now = self._db.clock()  # after the lock: the wait for it is not part of the window
            unit = await _spend_unit(connection, limit, now, now + window + flight)
            if unit is None:
                # A unit still in flight leaves a window after its answer, which may come now.
                return min(await _room_at(connection, limit, now), now + window)
            if unit.id % BUDGET_PRUNE_EVERY == 0:  # units that have left are never read again
                await connection.execute(delete(RateUnitRow).where(RateUnitRow.leaves_at <= now))
        return unit

    async def settle_budget(self, unit: BudgetUnit, *, window: timedelta = BUDGET_WINDOW) -> None:
        """The unit's request has been answered (or given up on after it may have reached
        Propexo): it counts for one `window` from now, the latest Propexo can have counted it."""
        now = self._db.clock()
        async with self._db.transaction() as connection:
            settled = await connection.execute(
                update(RateUnitRow)
                .where(RateUnitRow.id == unit.id)
                .values(leaves_at=now + window)
                .returning(RateUnitRow.id)
            )
            if settled.first() is None:  # it outlived its hold and was pruned: count it again
                await connection.execute(
                    insert(RateUnitRow).values(granted_at=unit.granted_at, leaves_at=now + window)
                )

    async def budget_in_use(self) -> int:
        """How many units count now (a reader can see how busy every instance is)."""
        async with self._db.transaction() as connection:
            counted = await connection.execute(
                select(func.count()).where(RateUnitRow.leaves_at > self._db.clock())
            )
        return int(counted.scalar_one())

    async def give_back_budget(self, unit: BudgetUnit) -> None:
        """Return the unit at once: its request never reached Propexo, so Propexo never counted
        it."""
        async with self._db.transaction() as connection:
            await connection.execute(delete(RateUnitRow).where(RateUnitRow.id == unit.id))


async def _spend_unit(
    connection: AsyncConnection, limit: int, now: datetime, held_until: datetime
) -> BudgetUnit | None:
    """A new unit, if fewer than `limit` count at `now`."""
    values = {"now": now, "held_until": held_until, "limit": limit}
    row = (await connection.execute(SPEND_UNIT, values)).first()
    return None if row is None else BudgetUnit(row.id, now)


async def _room_at(connection: AsyncConnection, limit: int, now: datetime) -> datetime:
    """When fewer than `limit` units will count: when the `limit`-th last to leave has left."""
    leaving: datetime | None = (
        await connection.execute(
            select(RateUnitRow.leaves_at)
            .where(RateUnitRow.leaves_at > now)
            .order_by(RateUnitRow.leaves_at.desc())
            .offset(limit - 1)
            .limit(1)
        )
    ).scalar_one_or_none()
    return now if leaving is None else leaving  # None: a unit was given back meanwhile
