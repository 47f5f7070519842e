"""The communities at hand: the store's copy held in memory (a few thousand names at most), so the
form's select and the free-text reader answer at once at any count."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from bot.store import KnownCommunity, Store

logger = logging.getLogger(__name__)
FRESH_FOR = 30.0  # seconds the copy in memory is used before the store's is read again


class CommunityList:
    def __init__(
        self,
        store: Store,
        integration_id: str | None,
        prepare: Callable[[tuple[tuple[str, str], ...]], None] | None = None,
    ) -> None:
        """`prepare`: work out what readers of the (id, name) pairs need, in a thread, each
        time they change (the reader's index of names), so no request pays for it."""
        self.store = store
        self.integration_id = integration_id or ""
        self._prepare = prepare
        self._known: list[KnownCommunity] = []
        # Worked out once per read, not per message: the reader's (id, name) pairs, names by id.
        self._pairs: tuple[tuple[str, str], ...] = ()
        self._names: dict[str, str] = {}
        self._read_at: float | None = None
        self._reading: asyncio.Task[list[KnownCommunity]] | None = None
        self.loaded = asyncio.Event()  # set once the store has been read (even if empty)

    @property
    def known(self) -> list[KnownCommunity]:
        """The copy at hand, by name (never a wait); stale ones are refreshed behind the scenes."""
        if self._read_at is None or time.monotonic() - self._read_at > FRESH_FOR:
            self.refresh()
        return self._known

    async def current(self) -> list[KnownCommunity]:
        """The copy, read from the store first when none has been yet."""
        if self._read_at is None:
            with contextlib.suppress(Exception):  # logged by the read; an empty list says it
                await asyncio.shield(self.refresh())
        return self.known

    @property
    def named(self) -> tuple[tuple[str, str], ...]:
        """(id, name) of the communities at hand that have a name, as the reader takes them."""
        self.known  # noqa: B018 - refreshed behind the scenes when stale
        return self._pairs

    def name_of(self, community_id: str) -> str | None:
        return self._names.get(community_id)

    def refresh(self) -> asyncio.Task[list[KnownCommunity]]:
        """Read the store's copy again (one read at a time, shared)."""
        if self._reading is None or self._reading.done():
            self._reading = asyncio.create_task(self._read(), name="communities")
        return self._reading

    async def _read(self) -> list[KnownCommunity]:
        try:
            found = await self.store.portfolio.communities(self.integration_id)
        except Exception as exc:  # the copy at hand stays in use; the next read tries again
            logger.warning("communities unavailable from the store: %s", exc)
            found = self._known
        else:
            pairs = tuple((c.id, c.name) for c in found if c.name)
            if pairs == self._pairs:
                pairs = self._pairs  # the same list: known to readers by its identity
            elif self._prepare is not None:
                with contextlib.suppress(Exception):  # a reader that needs it does it then
                    await asyncio.to_thread(self._prepare, pairs)
            self._known = found
            self._pairs = pairs
            self._names = dict(self._pairs)
        self._read_at = time.monotonic()
        self.loaded.set()
        return found

    async def close(self) -> None:
        if self._reading is not None and not self._reading.done():
            self._reading.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reading
