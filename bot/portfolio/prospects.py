"""Finding existing prospects while the agent types: the store's copy, searched by its index, and
Propexo asked directly for an exact email or phone the copy does not hold (yet)."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping

from bot.logs import reason
from bot.portfolio.sync import known_prospect
from bot.propexo.client import PropexoClient
from bot.propexo.errors import PropexoError
from bot.store import KnownProspect, ListProgress, Store
from bot.store.portfolio import PROSPECTS, digits_of

logger = logging.getLogger(__name__)
PROGRESS_FRESH = 1.0  # seconds the first read's progress is shown before it is read again
REMEMBERED = 2_000  # prospects recently shown, whose names are known without a wait
FULL_PHONE = 10  # digits in a whole (US) phone number
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE_TYPED = re.compile(r"\+?[\d\s().\-]+")


class SearchUnavailable(Exception):
    """The store's copy could not be searched just now."""


class ProspectSearch:
    def __init__(
        self,
        store: Store,
        propexo: PropexoClient,
        integration_id: str | None,
        *,
        deadline: float = 2.0,
        background_turn: Callable[[], Awaitable[bool]] | None = None,
    ) -> None:
        """`background_turn`: whether a look-up nobody waits for may spend the budget now (the
        copy's share, see `PortfolioSync.turn_now`); without it, such look-ups always go."""
        self.store = store
        self.propexo = propexo
        self.integration_id = integration_id or ""
        self.deadline = deadline  # Slack wants options within 3 s
        self._shown: OrderedDict[str, KnownProspect] = OrderedDict()
        self._learning: set[asyncio.Task[None]] = set()
        self._background_turn = background_turn
        self._progress: ListProgress | None = None
        self._progress_until = 0.0

    async def search(self, text: str, *, limit: int = 25) -> list[KnownProspect]:
        """Prospects whose name, email or phone holds `text`, best first (see
        `Portfolio.search_prospects`); a whole email or phone the copy lacks is asked of
        Propexo, within the deadline."""
        if len(text.strip()) < 2:
            return []
        try:
            found = await self.store.portfolio.search_prospects(
                self.integration_id, text, limit=limit
            )
        except Exception as exc:  # the database is down: said in the select, not a traceback
            logger.warning("prospect search unavailable: %s", type(exc).__name__)
            raise SearchUnavailable from exc
        if not found and (exact := _exact(text)):
            found = await self._ask_propexo(*exact)
        for prospect in found:
            self._remember(prospect)
        return found[:limit]

    async def progress(self) -> ListProgress:
        """How far the copy has been read (`complete` once the first read has ended): read
        from the store at most once a second while loading, and never again once complete
        (a copy read whole stays whole)."""
        now = time.monotonic()
        if self._progress is None or not (self._progress.complete or now < self._progress_until):
            try:
                self._progress = await self.store.portfolio.progress(PROSPECTS, self.integration_id)
            except Exception as exc:
                raise SearchUnavailable from exc
            self._progress_until = now + PROGRESS_FRESH
        return self._progress

    def name_of(self, prospect_id: str) -> str | None:
        """The name of a prospect a search showed lately (never a wait)."""
        found = self._shown.get(prospect_id)
        return found.name if found is not None and found.name else None

    async def add(self, prospect: KnownProspect) -> None:
        """A prospect known now (created through Tourbot, or found by asking): searchable at
        once, before Propexo's list shows it."""
        await self.store.portfolio.save_prospects(self.integration_id, [prospect])
        self._remember(prospect)

    async def _ask_propexo(self, email: str | None, phone: str | None) -> list[KnownProspect]:
        try:
            answer = await asyncio.wait_for(
                self.propexo.find_prospects(self.integration_id or None, email=email, phone=phone),
                self.deadline,
            )
        except (PropexoError, TimeoutError) as exc:
            logger.info("exact prospect look-up unavailable: %s", reason(exc))
            return []
        found = [known_prospect(p) for p in answer if p.id]
        if found:
            await self.store.portfolio.save_prospects(self.integration_id, found)
        return found

    def learn_from(self, body: Mapping[str, object]) -> None:
        """A booking that made a new prospect is in EliseAI: ask Propexo for that prospect by
        the booking's email (or phone) and keep it, so agents find it at once, not only after
        the next read of the list (the write status names the appointment, not the prospect).
        It spends from the copy's share of the budget, and is skipped when that is used up."""
        if body.get("prospect_id"):
            return
        email, phone = body.get("email_1"), body.get("phone_1")
        if not isinstance(email, str) and not isinstance(phone, str):
            return
        task = asyncio.create_task(
            self._learn(
                email if isinstance(email, str) else None,
                None if isinstance(email, str) else str(phone),
            ),
            name="learn-prospect",
        )
        self._learning.add(task)
        task.add_done_callback(self._learning.discard)

    async def _learn(self, email: str | None, phone: str | None) -> None:
        if self._background_turn is not None and not await self._background_turn():
            return  # bookings need the budget now: the next read of the list brings it
        for prospect in await self._ask_propexo(email, phone):
            self._remember(prospect)

    async def close(self) -> None:
        for task in list(self._learning):
            task.cancel()
        await asyncio.gather(*self._learning, return_exceptions=True)

    def _remember(self, prospect: KnownProspect) -> None:
        self._shown[prospect.id] = prospect
        self._shown.move_to_end(prospect.id)
        while len(self._shown) > REMEMBERED:
            self._shown.popitem(last=False)


def _exact(text: str) -> tuple[str | None, str | None] | None:
    """(email, phone) when `text` is a whole email address or phone number, else None."""
    typed = text.strip()
    if _EMAIL.fullmatch(typed):
        return typed, None
    digits = digits_of(typed)
    if _PHONE_TYPED.fullmatch(typed) and len(digits) >= FULL_PHONE:
        return None, "+" + digits if len(digits) > FULL_PHONE else "+1" + digits
    return None
