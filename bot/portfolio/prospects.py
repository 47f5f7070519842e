"""Finding existing prospects while the agent types: a list kept fresh in the background.

Propexo's docs name no search filter for CRM prospects, so the integration's prospects are
listed (every page) and searched here. A search never waits on Propexo for long: it answers
from the list it has, refreshing it behind the scenes when it has aged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from bot.logs import reason
from bot.propexo.client import PropexoClient, Prospect
from bot.propexo.errors import PropexoError

logger = logging.getLogger(__name__)


class ProspectSearch:
    def __init__(
        self,
        propexo: PropexoClient,
        integration_id: str | None,
        *,
        max_age: float = 300.0,
        deadline: float = 2.0,
    ) -> None:
        self.propexo = propexo
        self.integration_id = integration_id
        self.max_age = max_age
        self.deadline = deadline  # Slack wants options within 3 s
        self._prospects: list[Prospect] | None = None
        self._fetched_at = 0.0
        self._refreshing: asyncio.Task[None] | None = None

    async def search(self, text: str, *, limit: int = 25) -> list[Prospect]:
        """Prospects whose name, email or phone holds `text`; from the list at hand when
        Propexo is slow, and an empty list only when no list has ever arrived."""
        if len(text.strip()) < 2:
            return []
        if self._prospects is None or self._aged:
            refresh = self.refresh_soon()
            if self._prospects is None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(refresh), self.deadline)
        found = [p for p in self._prospects or [] if p.matches(text)]
        found.sort(key=lambda p: (p.name.casefold(), p.id))
        return found[:limit]

    def name_of(self, prospect_id: str) -> str | None:
        """The name of the prospect with that id in the list at hand (never a wait)."""
        found = next((p for p in self._prospects or [] if p.id == prospect_id), None)
        return found.name if found is not None and found.name else None

    def refresh_soon(self) -> asyncio.Task[None]:
        """Start reading the list again, unless a read is already under way."""
        if self._refreshing is None or self._refreshing.done():
            self._refreshing = asyncio.create_task(self._refresh(), name="prospect-refresh")
        return self._refreshing

    @property
    def _aged(self) -> bool:
        return time.monotonic() - self._fetched_at > self.max_age

    async def _refresh(self) -> None:
        try:
            prospects = await self.propexo.list_prospects(self.integration_id)
        except PropexoError as exc:
            logger.warning("prospect list unavailable: %s", reason(exc))
            return
        self._prospects = prospects
        self._fetched_at = time.monotonic()

    async def close(self) -> None:
        if self._refreshing is not None and not self._refreshing.done():
            self._refreshing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._refreshing
