"""Tourbot's services in one object: what the Slack edge (or any other front end) calls.

It holds the settings, the store and the Propexo client, reads forms, previews times, accepts
bookings (stored before anyone hears they were accepted) and delivers them in the background.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.booking import BookingDraft, prepare_booking
from bot.delivery import DeliveryPolicy, Reporter, deliver
from bot.propexo.client import Community, PropexoClient, Prospect
from bot.propexo.errors import PropexoError
from bot.settings import Settings
from bot.store import Booking, NewBooking, Store
from bot.tour_time import describe, resolve_time, short_when, warm_up
from bot.zones import TourZone, tour_zone

logger = logging.getLogger(__name__)

ZONE_MAX_AGE = timedelta(hours=12)
COMMUNITY_TTL = 600.0  # seconds a community list is reused
OPTIONS_DEADLINE = 2.0  # Slack wants options within 3 s


@dataclass(frozen=True)
class TimePreview:
    status: str
    text: str  # "Thu, Nov 26, 3:00 PM EST at the property · 20:00 UTC", or the question
    reason: str | None


@dataclass(frozen=True)
class Origin:
    """Where a booking came from in Slack (kept opaque to the domain)."""

    team_id: str
    user_id: str
    channel_id: str | None
    response_url: str | None
    thread_channel: str | None = None
    thread_ts: str | None = None


class Tourbot:
    def __init__(
        self,
        settings: Settings,
        *,
        store: Store,
        propexo: PropexoClient,
        policy: DeliveryPolicy | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.propexo = propexo
        self.policy = policy or DeliveryPolicy()
        self._deliveries: set[asyncio.Task[Booking | None]] = set()
        self._communities: tuple[float, list[Community]] | None = None
        self._zones: dict[str, tuple[float, str | None]] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> Tourbot:
        key = settings.propexo_api_key.get_secret_value() if settings.propexo_api_key else ""
        return cls(
            settings,
            store=Store.from_url(settings.database_url),
            propexo=PropexoClient(settings.propexo_base_url, key),
        )

    async def start(self) -> None:
        """Ready the store and warm the time resolver, so no agent pays for its first call."""
        await self.store.create_schema()
        warm_up()

    async def close(self, *, grace: float = 10.0) -> None:
        """Let deliveries under way finish for `grace` seconds, then stop."""
        if self._deliveries:
            await asyncio.wait(self._deliveries, timeout=grace)
        for task in self._deliveries:
            task.cancel()
        await self.propexo.aclose()
        await self.store.close()

    # -- reading what the agent typed ------------------------------------------------------------

    def zone(self, *, community_id: str | None, agent_zone: str | None) -> TourZone:
        return tour_zone(self.settings, community_id=community_id, agent_zone=agent_zone)

    def preview(self, phrase: str, zone: TourZone, now: datetime | None = None) -> TimePreview:
        if not phrase.strip():
            return TimePreview("empty", "Type the tour time to see it here.", None)
        resolved = resolve_time(
            phrase,
            zone=zone.zone,
            now=now,
            date_order=self.settings.date_order,
            tour_hours=self.settings.tour_hours_range,
        )
        text = describe(resolved, place=zone.place) if resolved.local else ""
        return TimePreview(resolved.status, text, resolved.reason)

    def check(
        self, values: Mapping[str, str | None], zone: TourZone, now: datetime | None = None
    ) -> BookingDraft:
        """The booking the form describes; raises FormProblems naming every problem."""
        return prepare_booking(values, settings=self.settings, zone=zone.zone, now=now)

    # -- accepting and delivering ----------------------------------------------------------------

    async def accept(
        self,
        draft: BookingDraft,
        *,
        request_key: str,
        origin: Origin,
        zone: TourZone,
        values: Mapping[str, str],
    ) -> tuple[Booking, bool]:
        """Store the booking (once per `request_key`); True if this call created it."""
        assert draft.time.starts_at is not None
        who = draft.form.prospect_name or "an existing prospect"
        body = draft.appointment.body()
        return await self.store.add_booking(
            NewBooking(
                request_key=request_key,
                team_id=origin.team_id,
                user_id=origin.user_id,
                channel_id=origin.channel_id,
                response_url=origin.response_url,
                thread_channel_id=origin.thread_channel,
                thread_ts=origin.thread_ts,
                zone=zone.zone.key,
                starts_at=draft.time.starts_at,
                summary=f"Tour for {who} · {short_when(draft.time)}",
                form_values=dict(values),
                body=body,
                prospect_key=_prospect_key(body),
            )
        )

    def start_delivery(self, booking_id: str, report: Reporter) -> asyncio.Task[Booking | None]:
        """Deliver in the background; the task is kept so shutdown can wait for it."""
        task = asyncio.create_task(
            deliver(
                booking_id,
                store=self.store,
                propexo=self.propexo,
                report=report,
                policy=self.policy,
            ),
            name=f"deliver-{booking_id}",
        )
        self._deliveries.add(task)
        task.add_done_callback(self._delivery_done)
        return task

    def _delivery_done(self, task: asyncio.Task[Booking | None]) -> None:
        self._deliveries.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("delivery %s crashed", task.get_name(), exc_info=task.exception())

    @property
    def deliveries_in_flight(self) -> int:
        return len(self._deliveries)

    # -- look-ups for the form -------------------------------------------------------------------

    async def agent_zone(
        self, user_id: str, fetch: Callable[[], Awaitable[str | None]]
    ) -> str | None:
        """The agent's Slack zone, from memory, the store, or `fetch` (then remembered)."""
        cached = self._zones.get(user_id)
        if cached and time.monotonic() - cached[0] < ZONE_MAX_AGE.total_seconds():
            return cached[1]
        zone = await self.store.user_zone(user_id, max_age=ZONE_MAX_AGE)
        if zone is None:
            zone = await fetch()
            if zone:
                await self.store.save_user_zone(user_id, zone)
        self._zones[user_id] = (time.monotonic(), zone)
        return zone

    def cached_agent_zone(self, user_id: str) -> str | None:
        cached = self._zones.get(user_id)
        return cached[1] if cached else None

    async def communities(self) -> list[Community]:
        """The integration's communities, reused for ten minutes; stale ones if Propexo fails."""
        if self._communities and time.monotonic() - self._communities[0] < COMMUNITY_TTL:
            return self._communities[1]
        try:
            found = await asyncio.wait_for(
                self.propexo.list_communities(self.settings.propexo_integration_id),
                OPTIONS_DEADLINE,
            )
        except (PropexoError, TimeoutError) as exc:
            logger.warning("communities unavailable: %s", exc)
            return self._communities[1] if self._communities else []
        self._communities = (time.monotonic(), found)
        return found

    async def search_prospects(self, text: str) -> list[Prospect]:
        try:
            return await asyncio.wait_for(
                self.propexo.search_prospects(
                    text, integration_id=self.settings.propexo_integration_id
                ),
                OPTIONS_DEADLINE,
            )
        except (PropexoError, TimeoutError) as exc:
            logger.warning("prospect search unavailable: %s", exc)
            return []


def _prospect_key(body: Mapping[str, object]) -> str | None:
    """Who the tour is for, comparable across bookings, without keeping contact details in clear."""
    who = body.get("prospect_id") or body.get("email_1") or body.get("phone_1")
    if not who:
        return None
    return hashlib.sha256(str(who).lower().encode()).hexdigest()[:32]
