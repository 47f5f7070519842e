"""Tourbot's services in one object: what the Slack edge (or any other front end) calls.

It holds the settings, the store and the Propexo client, reads forms, previews times, accepts
bookings (stored before anyone hears they were accepted) and delivers them in the background.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.booking import BookingDraft, prepare_booking
from bot.delivery.budget import SharedBudget
from bot.delivery.steps import DeliveryPolicy, Pause, Reporter, Update, no_pause
from bot.delivery.worker import Worker
from bot.portfolio.communities import CommunityList
from bot.portfolio.prospects import ProspectSearch
from bot.portfolio.prospects import SearchUnavailable as SearchUnavailable  # for the edge
from bot.portfolio.sync import Pace, PortfolioSync
from bot.propexo.client import PropexoClient
from bot.settings import Settings
from bot.store import (
    Added,
    Booking,
    BookingState,
    KnownCommunity,
    KnownProspect,
    NewBooking,
    NotSavedInTime,
    Store,
    StoreUnavailable,
)
from bot.time.clock import Clock, system_clock
from bot.time.resolve import ResolvedTime, describe, resolve_time, short_when, warm_up
from bot.time.zones import TourZone, tour_zone
from bot.understand import prepare_communities, read_request

logger = logging.getLogger(__name__)

ZONE_MAX_AGE = timedelta(hours=12)
FIRST_LIST_WAIT = 0.8  # seconds a request waits for the first community list (trigger_id: 3 s)
OPTIONS_DEADLINE = 2.0  # Slack wants options within 3 s
THREAD_HOLD = timedelta(seconds=10)  # time to open a booking's thread before it is sent
CHECKPOINT_EVERY = 1.0  # seconds between SQLite checkpoints


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
        clock: Clock = system_clock,
    ) -> None:
        """`clock` is the moment the agents' time words are read from (see `bot.time.clock`)."""
        self.settings = settings
        self.clock = clock
        self.store = store
        self.propexo = propexo
        self.policy = policy or DeliveryPolicy(rate_limit=settings.propexo_rate_limit)
        if propexo.gate is None:  # every request counts against the budget all instances share
            propexo.gate = SharedBudget(store, self.policy.rate_limit)
        integration_id = settings.propexo_integration_id
        self.community_list = CommunityList(store, integration_id, prepare_communities)
        self.sync = PortfolioSync(
            store,
            propexo,
            integration_id or "",
            pace=Pace(limit=self.policy.rate_limit, share=settings.sync_budget_share),
            interval=settings.sync_interval,
            on_communities=self.community_list.refresh,
        )
        self.prospects = ProspectSearch(
            store,
            propexo,
            integration_id,
            deadline=OPTIONS_DEADLINE,
            background_turn=self.sync.turn_now,  # a look-up nobody waits for: the copy's share
        )
        self.worker: Worker | None = None
        self._worker_task: asyncio.Task[None] | None = None
        self._sync_task: asyncio.Task[None] | None = None
        self._zones: dict[str, tuple[float, str]] = {}  # user id -> (when read, zone)
        self._jobs: list[tuple[str, Callable[[asyncio.Event], Coroutine[Any, Any, None]]]] = []
        self._job_tasks: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()
        self._first_finish: list[Callable[[], Awaitable[None]]] = []
        self._under_way: Callable[[], int] = lambda: 0
        self.keep_running("checkpoints", self._checkpoints)

    @classmethod
    def from_settings(cls, settings: Settings) -> Tourbot:
        key = settings.propexo_api_key.get_secret_value() if settings.propexo_api_key else ""
        return cls(
            settings,
            store=Store.from_url(settings.database_url),
            propexo=PropexoClient(settings.propexo_base_url, key),
        )

    async def start(
        self, report: Reporter | None = None, *, lookups: bool = True, pause: Pause = no_pause
    ) -> None:
        """Ready the store, warm the time resolver (so no agent pays for its first call) and,
        given a `report` and unless RUN_WORKER is false, deliver bookings in this process;
        deliveries await `pause` before each stretch of their work (see `Worker`). Raises
        StoreUnavailable, with everything closed, when the database cannot be opened."""
        try:
            await self.store.create_schema()
        except StoreUnavailable:
            await self.close()  # nothing has started yet: this closes the clients it holds
            raise
        warm_up()
        self._stopping.clear()
        if lookups:  # the form's selects and the reader's names; a lone worker needs neither
            self.community_list.refresh()
            self._sync_task = asyncio.create_task(self.sync.run(self._stopping), name="sync")
        if report is not None and self.settings.run_worker:
            self.worker = Worker(
                self.store, self.propexo, self._learning(report), policy=self.policy, pause=pause
            )
            self._worker_task = asyncio.create_task(self.worker.run(), name="worker")
        self._job_tasks = [
            asyncio.create_task(job(self._stopping), name=n) for n, job in self._jobs
        ]

    def _learning(self, report: Reporter) -> Reporter:
        """`report`, and once a booking that made a new prospect is confirmed, that prospect
        searchable at once (see `ProspectSearch.learn_from`)."""

        async def told(booking: Booking, update: Update) -> None:
            try:
                await report(booking, update)
            finally:
                if update.kind == "confirmed":
                    self.prospects.learn_from(booking.body)

        return told

    async def _checkpoints(self, stopping: asyncio.Event) -> None:
        """Every second, the store's checkpoint (SQLite), off every agent's path."""
        while not stopping.is_set():
            try:
                await self.store.checkpoint()
            except Exception:  # a busy disk now is no reason to stop trying
                logger.warning("SQLite checkpoint failed; trying again", exc_info=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), CHECKPOINT_EVERY)

    def finish_before_closing(self, work: Callable[[], Awaitable[None]]) -> None:
        """`close` first waits (at most its grace) for `work()`: e.g. listeners after their ack."""
        self._first_finish.append(work)

    def count_work_under_way(self, count: Callable[[], int]) -> None:
        """`count()` is how many requests the front end is still working on after their ack."""
        self._under_way = count

    @property
    def work_under_way(self) -> int:
        """Requests still being worked on after their ack (0 when the front end does not say)."""
        return self._under_way()

    def keep_running(
        self, name: str, job: Callable[[asyncio.Event], Coroutine[Any, Any, None]]
    ) -> None:
        """Run `job(stopping)` from `start` until `close` sets `stopping` (e.g. the sweep that
        ends idle conversations)."""
        self._jobs.append((name, job))

    async def close(self, *, grace: float = 10.0) -> None:
        """Drain: deliveries under way get `grace` seconds to finish or are handed back."""
        for work in self._first_finish:
            try:
                await asyncio.wait_for(work(), grace)
            except TimeoutError:
                logger.warning("stopping while Slack work is still under way")
        self._stopping.set()
        if self._job_tasks:
            await asyncio.wait(self._job_tasks, timeout=grace)
        if self.worker is not None:
            await self.worker.stop(grace=grace)
        if self._worker_task is not None:
            self._worker_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker_task
        if self._sync_task is not None:
            self._sync_task.cancel()  # a page read half-way is read again by the next start
            with contextlib.suppress(asyncio.CancelledError):
                await self._sync_task
        await self.community_list.close()
        await self.prospects.close()
        await self.propexo.aclose()
        await self.store.close()

    # -- reading what the agent typed ------------------------------------------------------------

    def zone(self, *, community_id: str | None, agent_zone: str | None) -> TourZone:
        return tour_zone(self.settings, community_id=community_id, agent_zone=agent_zone)

    def resolve(self, phrase: str, zone: TourZone, now: datetime | None = None) -> ResolvedTime:
        """The tour time `phrase` means, read in `zone` by the settings' rules."""
        return resolve_time(
            phrase,
            zone=zone.zone,
            now=now or self.clock(),
            date_order=self.settings.date_order,
            tour_hours=self.settings.tour_hours_range,
        )

    def preview(self, phrase: str, zone: TourZone, now: datetime | None = None) -> TimePreview:
        if not phrase.strip():
            return TimePreview("empty", "Type the tour time to see it here.", None)
        resolved = self.resolve(phrase, zone, now)
        text = describe(resolved, place=zone.place) if resolved.local else ""
        return TimePreview(resolved.status, text, resolved.reason)

    def check(
        self, values: Mapping[str, str | None], zone: TourZone, now: datetime | None = None
    ) -> BookingDraft:
        """The booking the form describes; raises FormProblems naming every problem."""
        return prepare_booking(
            values, settings=self.settings, zone=zone.zone, now=now or self.clock()
        )

    async def duplicates(
        self, draft: BookingDraft, *, request_key: str, within: float | None = None
    ) -> list[Booking]:
        """Live bookings for the same prospect at the same moment, other than this request's;
        NotSavedInTime (certain: it only reads) when the store has not answered `within` s."""
        key = _prospect_key(draft.appointment.body())
        if key is None or draft.time.starts_at is None:
            return []
        reading = self.store.duplicates_of(key, draft.time.starts_at, excluding=request_key)
        try:
            return await asyncio.wait_for(reading, within)
        except TimeoutError:
            raise NotSavedInTime(certain=True) from None

    # -- accepting and delivering ----------------------------------------------------------------

    async def accept(
        self,
        draft: BookingDraft,
        *,
        request_key: str,
        origin: Origin,
        zone: TourZone,
        values: Mapping[str, str],
        within: float | None = None,
    ) -> tuple[Booking, bool]:
        """Store the booking (once per `request_key`); True if this call created it.

        It is held back for a few seconds so its thread can be opened first (`release`); if
        this process dies before that, the worker sends it after the hold and opens the thread.
        Raises NotSavedInTime when the store has not answered `within` seconds.
        """
        new = _new_booking(draft, request_key, origin, zone, values, self.who(draft, values))
        return await self.store.add_booking(new, within=within)

    async def accept_unless_doubled(
        self,
        draft: BookingDraft,
        *,
        request_key: str,
        origin: Origin,
        zone: TourZone,
        values: Mapping[str, str],
        within: float | None = None,
    ) -> Added:
        """As `accept`, unless the prospect already has a live booking at that moment (what
        `duplicates` finds): then nothing is stored and `doubles` holds those. One round trip."""
        new = _new_booking(draft, request_key, origin, zone, values, self.who(draft, values))
        return await self.store.add_booking_unless_doubled(new, within=within)

    async def release(self, booking: Booking) -> None:
        """The booking's thread is open: deliver it now, unless a worker already took it (the
        hold ran out first), whose claim must not be cut short."""
        await self.store.reschedule(booking, datetime.now(UTC))
        self.wake()

    async def send_anyway(self, pressed: str) -> Booking | str:
        """An agent checked EliseAI and asks to send again a booking whose outcome was unknown.
        `pressed` is the button's value, `resend_value`: the booking and the attempt whose
        outcome was unknown. Only that episode is sent again, once: a second press, or the
        button of an earlier episode, sends nothing and gets the sentence saying why."""
        booking_id, _, attempt = pressed.partition(":")
        # A button from before episodes were named (no attempt) acts on the booking as it is.
        episode = int(attempt) if attempt.isdigit() else None
        booking = await self.store.transition(
            booking_id, BookingState.ACCEPTED, expect=[BookingState.UNKNOWN], attempt=episode,
            next_attempt_at=datetime.now(UTC), last_told=None,
        )  # fmt: skip
        if booking is not None:
            self.wake()
            return booking
        now = await self.store.get_booking(booking_id)
        if now is None:
            return "I can't find that booking any more."
        if now.state is BookingState.UNKNOWN:
            return (
                "This button is from an earlier try: the booking was sent again since, and "
                "the latest message about it says where it stands. Check EliseAI, then use "
                "that message's button."
            )
        return "This booking is already being sent again (or is no longer waiting)."

    def wake(self) -> None:
        if self.worker is not None:
            self.worker.wake()

    @property
    def deliveries_in_flight(self) -> int:
        return self.worker.in_flight if self.worker is not None else 0

    # -- look-ups for the form -------------------------------------------------------------------

    async def agent_zone(
        self, user_id: str, fetch: Callable[[], Awaitable[str | None]]
    ) -> str | None:
        """The agent's Slack zone, from memory, the store, or `fetch` (then remembered).
        A failed `fetch` is not remembered: the next form asks Slack again."""
        cached = self._zones.get(user_id)
        if cached and time.monotonic() - cached[0] < ZONE_MAX_AGE.total_seconds():
            return cached[1]
        zone = await self.store.user_zone(user_id, max_age=ZONE_MAX_AGE)
        if zone is None:
            zone = await fetch()
            if zone is None:
                return None
            await self.store.save_user_zone(user_id, zone)
        self._zones[user_id] = (time.monotonic(), zone)
        return zone

    def cached_agent_zone(self, user_id: str) -> str | None:
        cached = self._zones.get(user_id)
        return cached[1] if cached else None

    async def read_request(self, text: str, *, channel_id: str | None) -> dict[str, str]:
        """A request in words as the form's fields (communities matched against those known),
        in the channel's own community (CHANNEL_COMMUNITIES) where the words name none."""
        known = await self.known_communities_ready()
        values = dict(read_request(text, communities=known))
        return self.in_channel(values, channel_id)

    def in_channel(self, values: dict[str, str], channel_id: str | None) -> dict[str, str]:
        """`values`, with the channel's own community unless they name one."""
        mapped = self.settings.channel_communities.get(channel_id or "")
        if mapped and "community" not in values:
            values["community"] = mapped
        return values

    async def known_communities_ready(self) -> Sequence[tuple[str, str]]:
        """`known_communities`, once the store's copy has been read and, on a first start with
        an empty copy, Propexo's first page of them (waiting at most FIRST_LIST_WAIT): the
        first request after start matches the names the tenth does."""
        known = await self.community_list.current()
        if not known and not self.sync.communities_read.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.sync.communities_read.wait(), FIRST_LIST_WAIT)
            with contextlib.suppress(Exception):  # logged by the read; the copy at hand serves
                await asyncio.shield(self.community_list.refresh())
        return self.known_communities()

    def known_communities(self) -> Sequence[tuple[str, str]]:
        """(id, name) of the communities at hand, for matching names in free text."""
        return self.community_list.named

    def community_name(self, community_id: str) -> str:
        """The community's name if the copy at hand has it, else its id (never a wait)."""
        return self.community_list.name_of(community_id) or community_id

    async def communities(self) -> list[KnownCommunity]:
        """The integration's communities, from the store's copy (in memory once read)."""
        return await self.community_list.current()

    async def search_prospects(self, text: str) -> list[KnownProspect]:
        return await self.prospects.search(text)

    def prospect_name(
        self, prospect_id: str, values: Mapping[str, str] | None = None
    ) -> str | None:
        """An existing prospect's name, from the list at hand (never a wait), else from the label
        of the option the agent picked ("Jane Doe · jane@… · …"); None when neither knows it."""
        if name := self.prospects.name_of(prospect_id):
            return name
        label = (values or {}).get("prospect_label", "")
        picked = label.split(" · ")[0].strip()
        return picked if picked and picked != "(no name)" else None

    def who(self, draft: BookingDraft, values: Mapping[str, str]) -> str | None:
        """Who a booking is for, as people say it: the name typed, or the picked prospect's."""
        if draft.form.prospect_name:
            return draft.form.prospect_name
        if draft.form.prospect_id:
            return self.prospect_name(draft.form.prospect_id, values)
        return None


def resend_value(booking: Booking) -> str:
    """What a Send anyway button carries: the booking and the attempt whose outcome is unknown
    (each send is an attempt of its own), so a press acts on the episode it was shown for."""
    return f"{booking.id}:{booking.attempts}"


def _new_booking(
    draft: BookingDraft,
    request_key: str,
    origin: Origin,
    zone: TourZone,
    values: Mapping[str, str],
    who: str | None,
) -> NewBooking:
    assert draft.time.starts_at is not None
    who = who or "an existing prospect"
    body = draft.appointment.body()
    return NewBooking(
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
        next_attempt_at=datetime.now(UTC) + THREAD_HOLD,
    )


def _prospect_key(body: Mapping[str, object]) -> str | None:
    """Who the tour is for, comparable across bookings, without keeping contact details in clear."""
    who = body.get("prospect_id") or body.get("email_1") or body.get("phone_1")
    if not who:
        return None
    return hashlib.sha256(str(who).lower().encode()).hexdigest()[:32]
