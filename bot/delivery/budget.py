"""Propexo's request budget as every request spends it: a gate on the Propexo client backed by
the store's shared log, so lookups (prospects, communities) and outcomes count with deliveries,
across every instance, and none of them draws a 429."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from bot.store import Store
from bot.store.store import BudgetUnit

logger = logging.getLogger(__name__)
RECHECK = 1.0  # seconds between asks while the budget is spent


class SharedBudget:
    """`PropexoClient.gate`: each attempt waits for a unit of `limit`, then settles it."""

    def __init__(self, store: Store, limit: int) -> None:
        self.store = store
        self.limit = limit

    async def enter(self) -> BudgetUnit:
        """A unit, once one is free (a caller with a deadline cancels the wait)."""
        while True:
            # Shielded: a caller's deadline must not cut a transaction in half; a unit taken
            # for a caller that has gone meanwhile is given straight back.
            taking = asyncio.ensure_future(self.store.take_budget(self.limit))
            try:
                unit = await asyncio.shield(taking)
            except asyncio.CancelledError:
                await account(self.store, await taking, arrived=False)
                raise
            if isinstance(unit, BudgetUnit):
                return unit
            wait = (unit - datetime.now(UTC)).total_seconds()
            logger.info("Propexo budget spent; a request waits up to %.1f s", wait)
            # Asked again at least every second: a unit given back frees room before then.
            await asyncio.sleep(min(max(0.05, wait), RECHECK))

    async def leave(self, ticket: object, *, arrived: bool) -> None:
        await account(self.store, ticket, arrived=arrived)


async def account(store: Store, unit: object, *, arrived: bool) -> None:
    """Settle a unit whose request may have reached Propexo, or give back one that never did.
    A failure here is logged: the unit then stays spent a while longer, which is safe."""
    if not isinstance(unit, BudgetUnit):
        return
    write = asyncio.ensure_future(
        store.settle_budget(unit) if arrived else store.give_back_budget(unit)
    )
    try:
        try:
            await asyncio.shield(write)
        except asyncio.CancelledError:
            # A stop arriving now waits for this one small write, so no unit is left behind.
            await write
            raise
    except Exception:
        logger.warning("could not settle Propexo budget unit %s", unit.id, exc_info=True)
