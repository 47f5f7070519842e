"""Slack deliveries recorded as seen, in batches: those that arrive while one batch is being
written go together in the next, so a burst of events costs one transaction (and one of the
pool's connections), not one each."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.schema import SeenEventRow

Transaction = Callable[[], AbstractAsyncContextManager[AsyncConnection]]
KEY_LENGTH = 255


class Sightings:
    """The seen_events table, written by one task at a time per process."""

    def __init__(self, transaction: Transaction, clock: Callable[[], datetime]) -> None:
        self._transaction = transaction
        self._clock = clock
        self._queue: dict[str, asyncio.Future[bool]] = {}
        self._writer: asyncio.Task[None] | None = None

    async def record(self, key: str) -> bool:
        """Record a delivery; False if it was recorded before, here or by another instance."""
        key = key[:KEY_LENGTH]
        if key in self._queue:  # the same delivery twice in one batch: the first has it
            return False
        loop = asyncio.get_running_loop()
        recorded: asyncio.Future[bool] = loop.create_future()
        self._queue[key] = recorded
        writer = self._writer
        if writer is None or writer.done() or writer.get_loop() is not loop:
            self._writer = loop.create_task(self._write_queued(), name="sightings")
        return await recorded

    async def _write_queued(self) -> None:
        while self._queue:
            await asyncio.sleep(0)  # those read in the same turn of the loop come along
            batch, self._queue = self._queue, {}
            try:
                first = await self._insert(list(batch))
            except Exception as exc:
                for recorded in batch.values():
                    if not recorded.done():
                        recorded.set_exception(exc)
                continue
            for key, recorded in batch.items():
                if not recorded.done():
                    recorded.set_result(key in first)

    async def _insert(self, keys: list[str]) -> set[str]:
        """The keys this insert stored: those no one had recorded before."""
        now = self._clock()
        async with self._transaction() as connection:
            insert = postgres_insert if connection.dialect.name == "postgresql" else sqlite_insert
            rows = await connection.execute(
                insert(SeenEventRow)
                .values([{"key": key, "seen_at": now} for key in keys])
                .on_conflict_do_nothing(index_elements=[SeenEventRow.key])
                .returning(SeenEventRow.key)
            )
            return {str(key) for key in rows.scalars()}
