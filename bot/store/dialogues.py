"""Booking conversations and handled Slack deliveries, kept beside the bookings.

A conversation changes by compare-and-set on its `version`, so two replies handled at once (or by
two instances) never overwrite each other; a delivery is handled by whoever records it first, and
a delivery this process is still recording is not recorded again (`sight`).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections import OrderedDict
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.schema import DialogueRow, DialogueState, SeenEventRow
from bot.store.sightings import Sightings

Transaction = Callable[[], AbstractAsyncContextManager[AsyncConnection]]

DIALOGUE_COLUMNS = tuple(DialogueRow.__table__.c)
SEEN_KEPT = timedelta(days=1)  # Slack retries within minutes; a day is ample
SIGHTED_IN_MEMORY = 10_000  # deliveries this process remembers claiming (Slack's retries: minutes)


@dataclass(frozen=True, kw_only=True)
class NewDialogue:
    team_id: str
    user_id: str
    channel_id: str
    thread_ts: str
    form_values: dict[str, str]
    expires_at: datetime
    id: str = field(default_factory=lambda: uuid4().hex)


@dataclass(frozen=True, kw_only=True, slots=True)
class Dialogue:
    """A stored conversation as it was when read."""

    id: str
    team_id: str
    user_id: str
    channel_id: str
    thread_ts: str
    state: DialogueState
    form_values: dict[str, str]
    asked: str | None
    summary_ts: str | None
    booking_id: str | None
    version: int
    created_at: datetime
    updated_at: datetime
    expires_at: datetime

    @property
    def is_open(self) -> bool:
        return self.state is DialogueState.OPEN


CHANGEABLE = frozenset({"state", "form_values", "asked", "summary_ts", "booking_id", "expires_at"})


def _dialogue(row: Row[Any]) -> Dialogue:
    values = dict(row._mapping)
    values["state"] = DialogueState(values["state"])
    return Dialogue(**values)


class Dialogues:
    """The conversations table; made by `Store`, sharing its engine and clock."""

    def __init__(
        self,
        transaction: Transaction,
        clock: Callable[[], datetime],
        *,
        urgent: Transaction | None = None,
    ) -> None:
        """`urgent` transactions go first on SQLite: records of deliveries an ack may wait for."""
        self._transaction = transaction
        self._clock = clock
        self._sightings = Sightings(urgent or transaction, clock)
        # Key -> its record in the store, under way or done: claimed in this process.
        self._sighted: OrderedDict[str, asyncio.Task[bool] | None] = OrderedDict()

    async def start(self, new: NewDialogue) -> tuple[Dialogue, bool]:
        """A conversation in `new`'s thread: a new one (True), or the one already open there
        (False). A finished one in the same thread is replaced by the new one."""
        now = self._clock()
        values = {f.name: getattr(new, f.name) for f in dataclasses.fields(new)}
        values.update(
            state=DialogueState.OPEN.value,
            asked=None,
            summary_ts=None,
            booking_id=None,
            version=1,
            created_at=now,
            updated_at=now,
        )
        try:
            async with self._transaction() as connection:
                row = (
                    await connection.execute(
                        insert(DialogueRow).values(values).returning(*DIALOGUE_COLUMNS)
                    )
                ).one()
            return _dialogue(row), True
        except IntegrityError:
            pass
        async with self._transaction() as connection:
            # A finished conversation in this thread gives way; an open one stays (and wins).
            replaced = (
                await connection.execute(
                    update(DialogueRow)
                    .where(
                        DialogueRow.channel_id == new.channel_id,
                        DialogueRow.thread_ts == new.thread_ts,
                        DialogueRow.state != DialogueState.OPEN.value,
                    )
                    .values(values)
                    .returning(*DIALOGUE_COLUMNS)
                )
            ).one_or_none()
        if replaced is not None:
            return _dialogue(replaced), True
        existing = await self.in_thread(new.channel_id, new.thread_ts)
        if existing is None:
            raise RuntimeError("a conversation was both present and absent in one thread")
        return existing, False

    async def get(self, dialogue_id: str) -> Dialogue | None:
        return await self._one(DialogueRow.id == dialogue_id)

    async def in_thread(self, channel_id: str, thread_ts: str) -> Dialogue | None:
        return await self._one(
            (DialogueRow.channel_id == channel_id) & (DialogueRow.thread_ts == thread_ts)
        )

    async def change(self, dialogue: Dialogue, **fields: object) -> Dialogue | None:
        """Set `fields` if the conversation is still open at `dialogue.version`; None if it
        moved on meanwhile (read it again) or was finished."""
        unknown = sorted(set(fields) - CHANGEABLE)
        if unknown:
            raise TypeError(f"conversations have no changeable field {', '.join(unknown)}")
        values: dict[str, Any] = dict(fields)
        if "state" in values:
            values["state"] = DialogueState(values["state"]).value
        values.update(version=dialogue.version + 1, updated_at=self._clock())
        async with self._transaction() as connection:
            row = (
                await connection.execute(
                    update(DialogueRow)
                    .where(
                        DialogueRow.id == dialogue.id,
                        DialogueRow.version == dialogue.version,
                        DialogueRow.state == DialogueState.OPEN.value,
                    )
                    .values(values)
                    .returning(*DIALOGUE_COLUMNS)
                )
            ).one_or_none()
        return None if row is None else _dialogue(row)

    async def follow_retry(self, failed_id: str, booking_id: str) -> Dialogue | None:
        """The booked conversation whose booking `failed_id` was edited and sent again as
        `booking_id` now stands for the new booking; None if no conversation booked it."""
        async with self._transaction() as connection:
            row = (
                await connection.execute(
                    update(DialogueRow)
                    .where(
                        DialogueRow.booking_id == failed_id,
                        DialogueRow.state == DialogueState.BOOKED.value,
                    )
                    .values(
                        booking_id=booking_id,
                        version=DialogueRow.version + 1,
                        updated_at=self._clock(),
                    )
                    .returning(*DIALOGUE_COLUMNS)
                )
            ).one_or_none()
        return None if row is None else _dialogue(row)

    async def expire_idle(self, *, limit: int = 100) -> list[Dialogue]:
        """Close open conversations whose idle time is up, each exactly once across instances;
        also forget handled deliveries older than a day."""
        now = self._clock()
        async with self._transaction() as connection:
            due = (
                select(DialogueRow.id)
                .where(DialogueRow.state == DialogueState.OPEN.value, DialogueRow.expires_at <= now)
                .order_by(DialogueRow.expires_at)
                .limit(limit)
            )
            if connection.dialect.name == "postgresql":
                due = due.with_for_update(skip_locked=True)
            ids = list((await connection.execute(due)).scalars())
            expired: list[Dialogue] = []
            if ids:
                rows = await connection.execute(
                    update(DialogueRow)
                    .where(DialogueRow.id.in_(ids), DialogueRow.state == DialogueState.OPEN.value)
                    .values(
                        state=DialogueState.EXPIRED.value,
                        version=DialogueRow.version + 1,
                        updated_at=now,
                    )
                    .returning(*DIALOGUE_COLUMNS)
                )
                expired = [_dialogue(row) for row in rows]
            await connection.execute(
                delete(SeenEventRow).where(SeenEventRow.seen_at < now - SEEN_KEPT)
            )
        return expired

    async def next_expiry(self) -> datetime | None:
        async with self._transaction() as connection:
            when: datetime | None = (
                await connection.execute(
                    select(DialogueRow.expires_at)
                    .where(DialogueRow.state == DialogueState.OPEN.value)
                    .order_by(DialogueRow.expires_at)
                    .limit(1)
                )
            ).scalar_one_or_none()
        return when

    def sight(self, key: str) -> asyncio.Task[bool] | None:
        """Claim a Slack delivery in this process at once, and record it in the store (as
        `first_sighting`). None if this process claimed it already (a retry that arrived while
        the first was still being recorded or handled); else the record under way, True once it
        is this delivery's first record anywhere. A record that fails gives up the claim."""
        if key in self._sighted:
            return None
        record = asyncio.create_task(self.first_sighting(key), name="first-sighting")
        self._sighted[key] = record
        while len(self._sighted) > SIGHTED_IN_MEMORY:
            self._sighted.popitem(last=False)

        def settled(done: asyncio.Task[bool]) -> None:
            if self._sighted.get(key) is not done:
                return
            if done.cancelled() or done.exception() is not None:
                del self._sighted[key]  # not recorded: a retry may try again
            else:
                self._sighted[key] = None  # remembered without the task

        record.add_done_callback(settled)
        return record

    async def first_sighting(self, key: str) -> bool:
        """Record a Slack delivery; False if it was recorded before (a retry, a second event
        for the same message): the caller then does nothing. Written in batches."""
        return await self._sightings.record(key)

    async def _one(self, where: Any) -> Dialogue | None:
        async with self._transaction() as connection:
            row = (await connection.execute(select(*DIALOGUE_COLUMNS).where(where))).one_or_none()
        return None if row is None else _dialogue(row)
