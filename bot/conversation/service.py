"""Booking conversations: a mention or a DM starts one in a thread, the agent's replies fill it in,
and "Book" sends it down the same path as the form.

Everything is stored after each turn, so a restart loses nothing; each change is a
compare-and-set on the conversation's version, retried on a race. Answers are plain data
(`Summary`, `ConfirmFirst`, `Booked`, `Notice`) for the Slack edge to render.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import weakref
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from bot.booking import FormProblems
from bot.conversation.reading import read_reply, refusal
from bot.conversation.steps import Step, details, next_step
from bot.store import Booking, Dialogue, Dialogues, DialogueState, NewDialogue
from bot.time.resolve import short_when
from bot.time.zones import TourZone
from bot.tourbot import Origin, Tourbot
from bot.understand import read_request, unreadable_contacts

logger = logging.getLogger(__name__)

ZoneLookup = Callable[[], Awaitable[str | None]]  # the agent's own zone, looked up when needed
TextLookup = Callable[[], Awaitable[str]]  # a thread's first message, read when needed
CHANGE_TRIES = 5  # compare-and-set attempts before giving up on a busy conversation
SWEEP_EVERY = 30.0  # seconds at most between looks for idle conversations


@dataclass(frozen=True)
class Heard:
    """A message the bot received: in a channel (a mention or a thread reply) or in its DM."""

    team_id: str
    user_id: str
    channel_id: str
    ts: str
    thread_ts: str | None
    text: str
    direct: bool  # in a DM with the bot
    mentioned: bool  # the bot was @-mentioned


Heading = Literal["start", "changed", "unchanged", "not_ready"]


@dataclass(frozen=True)
class Summary:
    """What the bot has so far, and its one question (or Book / Edit in form / Cancel)."""

    dialogue: Dialogue
    heading: Heading
    details: list[tuple[str, str]]
    step: Step
    check: str | None  # a time to double-check before booking ("Tuesday is Dec 1, right?")
    changed: tuple[str, ...] = ()
    refused: str | None = None  # why an email or phone the agent sent was left out

    @property
    def ready(self) -> bool:
        return self.step.asked is None

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.dialogue.form_values)


@dataclass(frozen=True)
class ConfirmFirst:
    """The booking is complete but needs the agent's yes first: an unusual time, a likely double."""

    dialogue: Dialogue
    summary: str  # "Tour for Jane Doe · Fri Nov 27, 2:00 PM EST"
    time_check: str | None
    duplicates: list[Booking]

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.dialogue.form_values)


@dataclass(frozen=True)
class Booked:
    dialogue: Dialogue
    booking: Booking
    created: bool  # False: this conversation's booking already existed (a second click)


NoticeKind = Literal["not_yours", "over", "stale", "cancelled", "expired", "busy"]


@dataclass(frozen=True)
class Notice:
    """A short answer: cancelled, expired, not this agent's, out of date, already over."""

    kind: NoticeKind
    dialogue: Dialogue | None


Answer = Summary | ConfirmFirst | Booked | Notice


def fingerprint(values: Mapping[str, str]) -> str:
    """Which version of the details a button was shown with: stale buttons book nothing."""
    text = json.dumps(dict(values), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class Conversations:
    def __init__(self, tourbot: Tourbot) -> None:
        self.tourbot = tourbot
        self.dialogues = tourbot.store.dialogues
        self.idle = timedelta(minutes=tourbot.settings.conversation_idle_minutes)
        # One turn at a time per thread in this process; the version check covers the rest.
        self._locks: weakref.WeakValueDictionary[tuple[str, str], asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )
        self._sooner = asyncio.Event()  # a conversation started or moved: look at expiries again

    # -- messages --------------------------------------------------------------------------------

    async def hear(
        self, heard: Heard, *, agent_zone: ZoneLookup, thread_start: TextLookup | None = None
    ) -> Answer | None:
        """The bot's answer to a message, or None when the message is not for it (a colleague
        talking in the thread, a channel message without a mention, a repeated delivery).

        A mention in the thread of a message that is not a conversation (a forwarded lead, a
        colleague's note) starts one from that message (`thread_start`) and the mention."""
        thread_ts = heard.thread_ts or heard.ts
        existing = (
            await self.dialogues.in_thread(heard.channel_id, thread_ts) if heard.thread_ts else None
        )
        open_here = existing is not None and existing.is_open
        # In a DM any new message is for the bot; a reply in a finished thread ("thanks!") is not.
        starts = heard.mentioned or (heard.direct and heard.thread_ts is None)
        if not (open_here or starts):
            return None
        # A retried delivery, or the app_mention and message events of one message: once.
        if not await self.dialogues.first_sighting(f"message:{heard.channel_id}:{heard.ts}"):
            return None
        async with self._lock(heard.channel_id, thread_ts):
            if existing is not None and existing.is_open:
                if existing.user_id != heard.user_id:
                    return Notice("not_yours", existing) if heard.mentioned else None
                if expired := await self._expire_if_idle(existing):
                    return expired
                return await self._reply(existing, heard.text, await agent_zone())
            earlier = await thread_start() if heard.thread_ts and thread_start else ""
            return await self._start(heard, thread_ts, await agent_zone(), earlier)

    async def _start(
        self, heard: Heard, thread_ts: str, agent_zone: str | None, earlier: str = ""
    ) -> Answer:
        known = self.tourbot.known_communities()
        values = dict(read_request(earlier, communities=known)) if earlier.strip() else {}
        said = read_request(heard.text, communities=known)
        notes = "\n".join(filter(None, [values.get("notes"), said.get("notes")]))
        values.update(said)  # what the agent wrote wins over the message it answers
        if notes:
            values["notes"] = notes
        self.tourbot.in_channel(values, heard.channel_id)
        dialogue, created = await self.dialogues.start(
            NewDialogue(
                team_id=heard.team_id,
                user_id=heard.user_id,
                channel_id=heard.channel_id,
                thread_ts=thread_ts,
                form_values=values,
                expires_at=self._now() + self.idle,
            )
        )
        if not created:  # another instance started it a moment ago: read this as a reply
            return await self._reply(dialogue, heard.text, agent_zone)
        refused = _refused(values, heard.text, earlier)
        return await self._save_turn(
            dialogue, values, "start", agent_zone, refused=refused
        ) or Notice("busy", dialogue)

    async def _reply(self, dialogue: Dialogue, text: str, agent_zone: str | None) -> Answer:
        for _ in range(CHANGE_TRIES):
            reply = read_reply(
                dialogue.form_values,
                text,
                asked=dialogue.asked,
                communities=self.tourbot.known_communities(),
            )
            if reply.intent == "cancel":
                return await self.cancel(dialogue.id, user_id=dialogue.user_id)
            if reply.intent == "book":  # the lock is held already
                return await self._book(dialogue.id, None, dialogue.user_id, agent_zone,
                                        confirmed=False)  # fmt: skip
            heading: Heading = "changed" if reply.changed else "unchanged"
            answer = await self._save_turn(
                dialogue,
                reply.values,
                heading,
                agent_zone,
                changed=reply.changed,
                refused=reply.refused,
            )
            if answer is not None:
                return answer
            fresh = await self.dialogues.get(dialogue.id)
            if fresh is None or not fresh.is_open:
                return Notice("over", fresh)
            dialogue = fresh
        return Notice("busy", dialogue)

    async def _save_turn(
        self,
        dialogue: Dialogue,
        values: dict[str, str],
        heading: Heading,
        agent_zone: str | None,
        *,
        changed: tuple[str, ...] = (),
        refused: str | None = None,
    ) -> Summary | None:
        """Store the values and the question the summary asks; None if the conversation moved
        on meanwhile (the caller reads it again)."""
        summary = self._summary(dialogue, values, heading, agent_zone, changed=changed)
        saved = await self.dialogues.change(
            dialogue,
            form_values=values,
            asked=summary.step.asked,
            expires_at=self._now() + self.idle,
        )
        if saved is None:
            return None
        self._sooner.set()
        return Summary(
            saved, heading, summary.details, summary.step, summary.check, changed, refused
        )

    def _summary(
        self,
        dialogue: Dialogue,
        values: dict[str, str],
        heading: Heading,
        agent_zone: str | None,
        *,
        changed: tuple[str, ...] = (),
    ) -> Summary:
        zone = self._zone(values, agent_zone)
        problems: dict[str, str] = {}
        check: str | None = None
        try:
            draft = self.tourbot.check(values, zone)
            if draft.needs_confirmation:
                check = draft.time.reason
        except FormProblems as exc:
            problems = exc.problems
        preview = self.tourbot.preview(values.get("tour_time", ""), zone)
        time_text = preview.text if preview.status in ("ok", "confirm") and preview.text else None
        community = values.get("community")
        known = self.tourbot.known_communities()
        step = next_step(
            values,
            problems,
            communities=[name for _, name in known],
            needs_community=bool(known) and not self.tourbot.settings.propexo_community_id,
        )
        shown = details(
            values,
            time_text=time_text,
            community_name=self.tourbot.community_name(community) if community else None,
            tour_types=self.tourbot.settings.tour_types,
        )
        return Summary(dialogue, heading, shown, step, check, changed)

    # -- buttons (and "book it" / "cancel" in words) ---------------------------------------------

    async def book(
        self,
        dialogue_id: str,
        shown: str | None,
        *,
        user_id: str,
        agent_zone: ZoneLookup,
        confirmed: bool = False,
    ) -> Answer:
        """Book the conversation's tour the way the form does. `shown` is the fingerprint of
        the details the agent saw (None for words typed in the thread); `confirmed` is the
        agent's yes to an unusual time or a likely double booking."""
        dialogue = await self.dialogues.get(dialogue_id)
        if dialogue is None:
            return Notice("over", None)
        async with self._lock(dialogue.channel_id, dialogue.thread_ts):
            zone = await agent_zone()
            return await self._book(dialogue_id, shown, user_id, zone, confirmed=confirmed)

    async def _book(
        self,
        dialogue_id: str,
        shown: str | None,
        user_id: str,
        agent_zone: str | None,
        *,
        confirmed: bool,
    ) -> Answer:
        dialogue = await self.dialogues.get(dialogue_id)
        if dialogue is None:
            return Notice("over", None)
        if refusal := await self._refusal(dialogue, user_id, shown):
            return refusal
        values = dict(dialogue.form_values)
        zone = self._zone(values, agent_zone)
        summary = self._summary(dialogue, values, "not_ready", agent_zone)
        if not summary.ready:  # time passed meanwhile, or the community is still unknown
            saved = await self._save_turn(dialogue, values, "not_ready", agent_zone)
            return saved or summary
        draft = self.tourbot.check(values, zone)
        request_key = f"dialogue:{dialogue.id}"
        who = draft.form.prospect_name or "the prospect"
        summary_line = f"Tour for {who} · {short_when(draft.time)}"
        if not confirmed and draft.needs_confirmation:
            others = await self.tourbot.duplicates(draft, request_key=request_key)
            return ConfirmFirst(dialogue, summary_line, draft.time.reason, others)
        origin = Origin(
            team_id=dialogue.team_id,
            user_id=user_id,
            channel_id=dialogue.channel_id,
            response_url=None,
            thread_channel=dialogue.channel_id,
            thread_ts=dialogue.thread_ts,
        )
        if confirmed:
            booking, created = await self.tourbot.accept(
                draft, request_key=request_key, origin=origin, zone=zone, values=values
            )
        else:  # the look for a double booking and the booking are one step, as in the form
            added = await self.tourbot.accept_unless_doubled(
                draft, request_key=request_key, origin=origin, zone=zone, values=values
            )
            if added.booking is None:
                return ConfirmFirst(dialogue, summary_line, None, added.doubles)
            booking, created = added.booking, added.created
        done = await self.dialogues.change(
            dialogue, state=DialogueState.BOOKED, booking_id=booking.id
        )
        return Booked(done or dialogue, booking, created)

    async def cancel(self, dialogue_id: str, *, user_id: str) -> Notice:
        dialogue = await self.dialogues.get(dialogue_id)
        if dialogue is None:
            return Notice("over", None)
        if refusal := await self._refusal(dialogue, user_id, None):
            return refusal
        for _ in range(CHANGE_TRIES):
            done = await self.dialogues.change(dialogue, state=DialogueState.CANCELLED)
            if done is not None:
                return Notice("cancelled", done)
            fresh = await self.dialogues.get(dialogue_id)
            if fresh is None or not fresh.is_open:
                return Notice("over", fresh)
            dialogue = fresh
        return Notice("busy", dialogue)

    async def for_the_form(self, dialogue_id: str, *, user_id: str) -> Dialogue | Notice:
        """The conversation whose details "Edit in form" opens the form with."""
        dialogue = await self.dialogues.get(dialogue_id)
        if dialogue is None:
            return Notice("over", None)
        if refusal := await self._refusal(dialogue, user_id, None):
            return refusal
        return dialogue

    async def shown_at(self, dialogue: Dialogue, ts: str) -> Dialogue | None:
        """Remember the message that holds the conversation's buttons; returns the one it
        replaces (whose buttons should go), if any."""
        for _ in range(CHANGE_TRIES):
            if await self.dialogues.change(dialogue, summary_ts=ts):
                return dialogue if dialogue.summary_ts and dialogue.summary_ts != ts else None
            fresh = await self.dialogues.get(dialogue.id)
            if fresh is None or not fresh.is_open:
                return None
            dialogue = fresh
        return None

    # -- idle conversations ----------------------------------------------------------------------

    async def expire_idle(self) -> list[Dialogue]:
        return await self.dialogues.expire_idle()

    async def run_expiry(
        self, report: Callable[[Dialogue], Awaitable[None]], stop: asyncio.Event
    ) -> None:
        """Until `stop`: end idle conversations (each once, across instances) and `report` them."""
        while not stop.is_set():
            try:
                for dialogue in await self.expire_idle():
                    try:
                        await report(dialogue)
                    except Exception:
                        logger.exception("could not tell thread %s it expired", dialogue.id)
                wait = await self._until_next_expiry()
            except Exception:
                logger.exception("could not look for idle conversations")
                wait = SWEEP_EVERY
            await _first_of(stop, self._sooner, timeout=wait)
            self._sooner.clear()

    async def _until_next_expiry(self) -> float:
        when = await self.dialogues.next_expiry()
        if when is None:
            return SWEEP_EVERY
        return min(SWEEP_EVERY, max(0.05, (when - self._now()).total_seconds()))

    async def _expire_if_idle(self, dialogue: Dialogue) -> Notice | None:
        """An idle conversation the sweep has not reached yet ends now, with the same message
        (the version check makes sure only one of the two sends it)."""
        if dialogue.expires_at > self._now():
            return None
        expired = await self.dialogues.change(dialogue, state=DialogueState.EXPIRED)
        return Notice("expired", expired) if expired else Notice("over", dialogue)

    # -- helpers ---------------------------------------------------------------------------------

    async def _refusal(self, dialogue: Dialogue, user_id: str, shown: str | None) -> Notice | None:
        """Why `user_id` may not act on the conversation now, or None."""
        if not dialogue.is_open:
            return Notice("over", dialogue)
        if dialogue.user_id != user_id:
            return Notice("not_yours", dialogue)
        if shown is not None and shown != fingerprint(dialogue.form_values):
            return Notice("stale", dialogue)
        return await self._expire_if_idle(dialogue)

    def _zone(self, values: Mapping[str, str], agent_zone: str | None) -> TourZone:
        return self.tourbot.zone(community_id=values.get("community"), agent_zone=agent_zone)

    def _lock(self, channel_id: str, thread_ts: str) -> asyncio.Lock:
        key = (channel_id, thread_ts)
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock

    @staticmethod
    def _now() -> datetime:
        return datetime.now(UTC)


async def booked_in_form(dialogues: Dialogues, dialogue_id: str, booking_id: str) -> None:
    """The agent finished a conversation's booking in the form ("Edit in form"): it is over."""
    for _ in range(CHANGE_TRIES):
        dialogue = await dialogues.get(dialogue_id)
        if dialogue is None or not dialogue.is_open:
            return
        if await dialogues.change(dialogue, state=DialogueState.BOOKED, booking_id=booking_id):
            return


def _refused(values: Mapping[str, str], *texts: str) -> str | None:
    """Why an email or phone in the first message (or the one it answers) was left out."""
    for text in texts:
        for key, written in unreadable_contacts(text).items():
            if not values.get(key):
                return refusal(key, written)
    return None


async def _first_of(*events: asyncio.Event, timeout: float) -> None:
    """Wait until one of `events` is set, or `timeout` seconds."""
    waits = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()
