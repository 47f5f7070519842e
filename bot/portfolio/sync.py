"""Keeping the store's copy of Propexo's communities and prospects fresh: a first read in the
background, then only what changed (`updated_at_gte`), by one instance at a time, within a share
of the request budget that leaves the rest to bookings."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.logs import reason
from bot.propexo.client import Community, PropexoClient, Prospect
from bot.propexo.errors import PropexoError
from bot.propexo.models import Page
from bot.store import KnownCommunity, KnownProspect, Store
from bot.store.portfolio import COMMUNITIES, PROSPECTS

logger = logging.getLogger(__name__)
PAGE = 250  # Propexo's largest page
LEASE = timedelta(minutes=2)  # renewed with every page; a reader that died frees it by then
BUSY_RECHECK = 1.0  # seconds between looks at the budget while others are using it


@dataclass(frozen=True)
class Pace:
    """How fast the copy may be read: at most `share` of `limit` requests in any `window` (a
    short first read goes at once), and none while the others (bookings, polls, outcomes) hold
    more than the rest of the budget."""

    limit: int = 150
    share: float = 0.2
    window: float = 60.0

    @property
    def most(self) -> int:
        """The reader's own requests in any `window`."""
        return max(1, int(self.limit * self.share))

    @property
    def busy_at(self) -> int:
        """Units in use (every instance's) from which the reader waits."""
        return max(1, self.limit - self.most)


class PortfolioSync:
    """Reads Propexo's community and prospect lists into the store, page by page, in order of
    change; any instance may run one (a lease in the store lets only one read at a time)."""

    def __init__(
        self,
        store: Store,
        propexo: PropexoClient,
        integration_id: str,
        *,
        pace: Pace | None = None,
        interval: float = 120.0,
        on_communities: Callable[[], object] = lambda: None,
    ) -> None:
        """`on_communities` is called each time a page of communities has been saved."""
        self.store = store
        self.propexo = propexo
        self.integration_id = integration_id
        self.pace = pace or Pace()
        self.interval = interval
        self.reader = f"sync-{uuid.uuid4().hex[:12]}"
        self._sent: deque[float] = deque()  # when the reader's recent requests left
        self._failing = False  # a failing Propexo is logged once, not every round
        self._on_communities = on_communities
        # Set once a first page of communities is saved, or their read has ended in this process.
        self.communities_read = asyncio.Event()
        self.round_ended = asyncio.Event()  # set once a round has ended here, however it went

    async def run(self, stopping: asyncio.Event) -> None:
        """Read both lists, then again every `interval`, until `stopping` is set."""
        while not stopping.is_set():
            await self.read_once(stopping)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), self.interval)

    async def read_once(self, stopping: asyncio.Event | None = None) -> None:
        """One round: communities first (few, and the reader needs them), then prospects."""
        try:
            await self._round(stopping or asyncio.Event())
        finally:
            self.round_ended.set()

    async def _round(self, stopping: asyncio.Event) -> None:
        for list_name in (COMMUNITIES, PROSPECTS):
            try:
                await self._read(list_name, stopping)
            except PropexoError as exc:
                self._stopped(f"reading Propexo's {list_name} stopped: {reason(exc)}")
                return
            except Exception as exc:  # the store, say: a background read tries next round
                self._stopped(f"keeping Propexo's {list_name} stopped: {type(exc).__name__}")
                return
            finally:
                if list_name == COMMUNITIES:
                    self.communities_read.set()
        if self._failing:
            logger.warning("reading Propexo's lists works again")
        self._failing = False

    def _stopped(self, why: str) -> None:
        if not self._failing:
            logger.warning(why)
        self._failing = True

    async def _read(self, list_name: str, stopping: asyncio.Event) -> None:
        portfolio = self.store.portfolio
        if not await portfolio.take_lease(list_name, self.integration_id, self.reader, LEASE):
            return  # another instance is reading it
        try:
            progress = await portfolio.progress(list_name, self.integration_id)
            if progress.last_read_at and _since(progress.last_read_at) < self.interval / 2:
                return  # another instance has just read it
            cursor, at_cursor = progress.cursor, progress.at_cursor
            while not stopping.is_set():
                await self._wait_turn()
                page = await self._page(list_name, cursor, at_cursor)
                moved = after(page.records, cursor, at_cursor)
                if moved == (cursor, at_cursor) and page.has_more:
                    # Only another integration's records (dropped): step over them.
                    moved = (cursor, page.next_offset)
                cursor, at_cursor = moved
                kept = await portfolio.advance(
                    list_name,
                    self.integration_id,
                    self.reader,
                    _known(page.records),
                    cursor=cursor,
                    at_cursor=at_cursor,
                    complete=not page.has_more,
                )
                if kept and list_name == COMMUNITIES:
                    self._on_communities()
                    self.communities_read.set()
                if not kept:
                    return
                if not page.has_more:
                    if not progress.complete:
                        await portfolio.refresh_statistics()
                    return
                await portfolio.take_lease(list_name, self.integration_id, self.reader, LEASE)
        finally:
            await portfolio.release_lease(list_name, self.integration_id, self.reader)

    def _page(
        self, list_name: str, cursor: datetime | None, offset: int
    ) -> Awaitable[Page[Prospect] | Page[Community]]:
        read: Callable[..., Awaitable[Page[Prospect] | Page[Community]]] = (
            self.propexo.community_page if list_name == COMMUNITIES else self.propexo.prospect_page
        )
        return read(self.integration_id, offset=offset, limit=PAGE, updated_since=cursor)

    async def turn_now(self) -> bool:
        """Whether one more read of the reader's kind (a look-up beside the lists) may go now,
        within the same share; taken if so. Never waits: a look-up that cannot go is skipped."""
        if self._share_wait() > 0:
            return False
        if await self.store.budget_in_use() >= self.pace.busy_at:
            return False
        self._sent.append(time.monotonic())
        return True

    async def _wait_turn(self) -> None:
        """Until the reader's next request may go: its own share, then room in the budget."""
        while (wait := self._share_wait()) > 0:
            await asyncio.sleep(wait)
        while await self.store.budget_in_use() >= self.pace.busy_at:
            await asyncio.sleep(BUSY_RECHECK)
        self._sent.append(time.monotonic())

    def _share_wait(self) -> float:
        """Seconds until the reader's own share has room (0: now), forgetting requests that
        have left the window."""
        now = time.monotonic()
        while self._sent and self._sent[0] + self.pace.window <= now:
            self._sent.popleft()
        if len(self._sent) < self.pace.most:
            return 0.0
        return self._sent[0] + self.pace.window - now


def after(
    records: Sequence[Prospect] | Sequence[Community], cursor: datetime | None, at_cursor: int
) -> tuple[datetime | None, int]:
    """Where the next read starts once `records` (in order of `updated_at`) have been read: the
    newest `updated_at` among them, and how many carry exactly it (counting the earlier ones
    when it is still the cursor)."""
    stamps = [r.updated_at for r in records if r.updated_at is not None]
    if not stamps:
        return cursor, at_cursor + len(records)
    newest = max(stamps)
    carrying = sum(1 for stamp in stamps if stamp == newest)
    return newest, carrying + (at_cursor if newest == cursor else 0)


def _known(
    records: Sequence[Prospect] | Sequence[Community],
) -> list[KnownProspect] | list[KnownCommunity]:
    if records and isinstance(records[0], Community):
        return [known_community(c) for c in records if isinstance(c, Community) and c.id]
    return [known_prospect(p) for p in records if isinstance(p, Prospect) and p.id]


def known_prospect(prospect: Prospect) -> KnownProspect:
    return KnownProspect(
        prospect.id,
        prospect.first_name,
        prospect.last_name,
        prospect.email,
        prospect.phone,
        prospect.community_id,
        prospect.updated_at,
    )


def known_community(community: Community) -> KnownCommunity:
    return KnownCommunity(community.id, community.name, community.timezone, community.updated_at)


def _since(moment: datetime) -> float:
    return (datetime.now(UTC) - moment).total_seconds()
