"""Propexo's CRM records Tourbot reads: communities, and prospects (listed page by page and
searched here, with a short-lived cache)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping

from bot.propexo.models import Community, Prospect
from bot.propexo.reading import as_mapping, mapping_at
from bot.propexo.transport import Transport, segment


class CrmReads:
    """The community and prospect calls of `PropexoClient`, sent through its `transport`."""

    def __init__(
        self, transport: Transport, *, page_size: int, prospect_cache_seconds: float
    ) -> None:
        self._transport = transport
        self._page_size = page_size
        self._prospect_cache_seconds = prospect_cache_seconds
        self._prospect_lock = asyncio.Lock()
        self._prospect_cache: dict[str | None, tuple[float, list[Prospect]]] = {}

    async def list_communities(self, integration_id: str | None = None) -> list[Community]:
        records = await self._list_all("/crm/v1/communities/", integration_id)
        return [Community.from_record(r) for r in records]

    async def get_community(self, community_id: str) -> Community:
        data = await self._transport.send(
            "GET", f"/crm/v1/communities/{segment(community_id)}", safe=True
        )
        result = mapping_at(data, "result")
        return Community.from_record(result or as_mapping(data))

    async def list_prospects(self, integration_id: str | None = None) -> list[Prospect]:
        """Every prospect, read page by page (as of Propexo's last sync, often hours old)."""
        records = await self._list_all("/crm/v1/prospects/", integration_id)
        prospects = [Prospect.from_record(r) for r in records]
        self._prospect_cache[integration_id] = (time.monotonic(), prospects)
        return prospects

    async def search_prospects(
        self, text: str, *, integration_id: str | None = None, limit: int = 25
    ) -> list[Prospect]:
        """Prospects whose name, email or phone holds `text`, filtered here since Propexo's
        list filters are not documented. Reuses the list for `prospect_cache_seconds`."""
        if not text.strip():
            return []
        async with self._prospect_lock:  # one page-through at a time, shared by everyone
            cached = self._prospect_cache.get(integration_id)
            if cached and time.monotonic() - cached[0] < self._prospect_cache_seconds:
                prospects = cached[1]
            else:
                prospects = await self.list_prospects(integration_id)
        found = [p for p in prospects if p.matches(text)]
        found.sort(key=lambda p: (p.name.casefold(), p.id))
        return found[:limit]

    async def _list_all(self, path: str, integration_id: str | None) -> list[Mapping[str, object]]:
        # integration_id is sent as a hint and checked here too: which filters Propexo's CRM
        # lists honour is not documented.
        hint = {"integration_id": integration_id} if integration_id else {}
        records: list[Mapping[str, object]] = []
        offset = 0
        while True:
            params = {**hint, "offset": str(offset), "limit": str(self._page_size)}
            data = await self._transport.send("GET", path, params=params, safe=True)
            results = as_mapping(data).get("results")
            page = (
                [r for r in results if isinstance(r, Mapping)] if isinstance(results, list) else []
            )
            records.extend(page)
            has_more = mapping_at(data, "meta").get("hasMore")
            if not page or has_more is False or (has_more is None and len(page) < self._page_size):
                break
            offset += len(page)
        if integration_id:
            records = [r for r in records if r.get("integration_id") in (None, integration_id)]
        return records
