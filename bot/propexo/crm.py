"""Propexo's CRM records Tourbot reads: communities and prospects, listed whole or one page at a
time in order of change (for the copy Tourbot keeps), and a prospect looked up by email or phone."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from bot.propexo.models import Community, Page, Prospect, T
from bot.propexo.reading import as_mapping, mapping_at, time_at
from bot.propexo.transport import Transport, segment

MAX_PAGE = 250  # Propexo's largest `limit`


class CrmReads:
    """The community and prospect calls of `PropexoClient`, sent through its `transport`."""

    def __init__(self, transport: Transport, *, page_size: int) -> None:
        self._transport = transport
        self._page_size = page_size

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
        return [Prospect.from_record(r) for r in records]

    async def prospect_page(
        self,
        integration_id: str | None,
        *,
        offset: int,
        limit: int = MAX_PAGE,
        updated_since: datetime | None = None,
    ) -> Page[Prospect]:
        """One page of prospects updated at or after `updated_since` (all when None), oldest
        update first: one request, for a sync that keeps its own copy fresh."""
        return await self._page(
            "/crm/v1/prospects/", Prospect.from_record, integration_id, offset, limit, updated_since
        )

    async def community_page(
        self,
        integration_id: str | None,
        *,
        offset: int,
        limit: int = MAX_PAGE,
        updated_since: datetime | None = None,
    ) -> Page[Community]:
        """One page of communities, as `prospect_page` reads prospects."""
        return await self._page(
            "/crm/v1/communities/",
            Community.from_record,
            integration_id,
            offset,
            limit,
            updated_since,
        )

    async def find_prospects(
        self, integration_id: str | None, *, email: str | None = None, phone: str | None = None
    ) -> list[Prospect]:
        """Prospects with exactly this email (any case) or phone (same digits; E.164 is sent),
        in one request filtered by `email_1` (or, without an email, `phone_1`).

        Whether Propexo honours those filters is not documented, so only records that truly
        match are kept: a server that ignores the filter answers its first page of everyone,
        and this finds the matches among them (and never reads further).
        """
        wanted_email = (email or "").strip().casefold()
        wanted_phone = _digits(phone or "")
        if wanted_email:
            params = {"email_1": (email or "").strip()}
        elif wanted_phone:
            params = {"phone_1": f"+{wanted_phone}"}
        else:
            return []
        records, _ = await self._fetch(
            "/crm/v1/prospects/", {**params, **_hint(integration_id), "offset": "0"}, MAX_PAGE
        )
        prospects = [Prospect.from_record(r) for r in _of(records, integration_id)]
        return [
            p
            for p in prospects
            if (wanted_email and (p.email or "").strip().casefold() == wanted_email)
            or (wanted_phone and _same_phone(p.phone, wanted_phone))
        ]

    async def _page(
        self,
        path: str,
        read: Callable[[Mapping[str, object]], T],
        integration_id: str | None,
        offset: int,
        limit: int,
        updated_since: datetime | None,
    ) -> Page[T]:
        if not 1 <= limit <= MAX_PAGE:
            raise ValueError(f"limit must be from 1 to {MAX_PAGE}, not {limit}")
        params = {**_hint(integration_id), "offset": str(offset), "order-by": "updated_at:asc"}
        if updated_since is not None:
            params["updated_at_gte"] = iso_z(updated_since)
        records, has_more = await self._fetch(path, params, limit)
        stamps = [stamp for r in records if (stamp := time_at(r, "updated_at")) is not None]
        return Page(
            records=[read(r) for r in _of(records, integration_id)],
            # A page that came back empty ends the read, whatever its meta says.
            has_more=bool(records) and (len(records) == limit if has_more is None else has_more),
            next_offset=offset + len(records),
            newest_update=max(stamps, default=None),
        )

    async def _fetch(
        self, path: str, params: Mapping[str, str], limit: int
    ) -> tuple[list[Mapping[str, object]], bool | None]:
        """One page's records as sent and its `meta.hasMore` (None when it has none)."""
        data = await self._transport.send(
            "GET", path, params={**params, "limit": str(limit)}, safe=True
        )
        results = as_mapping(data).get("results")
        records = (
            [r for r in results if isinstance(r, Mapping)] if isinstance(results, list) else []
        )
        has_more = mapping_at(data, "meta").get("hasMore")
        return records, has_more if isinstance(has_more, bool) else None

    async def _list_all(self, path: str, integration_id: str | None) -> list[Mapping[str, object]]:
        records: list[Mapping[str, object]] = []
        while True:
            params = {**_hint(integration_id), "offset": str(len(records))}
            page, has_more = await self._fetch(path, params, self._page_size)
            records.extend(page)
            if not page or has_more is False or (has_more is None and len(page) < self._page_size):
                return _of(records, integration_id)


def iso_z(moment: datetime) -> str:
    """A moment in the form Propexo's docs show: UTC, milliseconds, a Z (naive means UTC)."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return aware.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _hint(integration_id: str | None) -> dict[str, str]:
    # Sent as a hint and checked here too (`_of`): which filters Propexo's lists honour is not
    # documented.
    return {"integration_id": integration_id} if integration_id else {}


def _of(
    records: list[Mapping[str, object]], integration_id: str | None
) -> list[Mapping[str, object]]:
    """The records of this integration (or of none named), as `_list_all` keeps them."""
    if not integration_id:
        return records
    return [r for r in records if r.get("integration_id") in (None, integration_id)]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _same_phone(phone: str | None, digits: str) -> bool:
    """Whether `phone` has these digits; a ten-digit North American number equals its +1 form,
    since CRMs often keep numbers without the country code."""
    held = _digits(phone or "")
    if not held:
        return False
    if held == digits:
        return True
    short, long = sorted((held, digits), key=len)
    return len(short) == 10 and long == f"1{short}"
