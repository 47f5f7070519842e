"""Booking conversations: a mention or a DM starts one in a thread, the agent's replies fill it in,
and "Book" sends it down the same path as the form.

How a reply is read is `reading.py`'s job; this module keeps the conversation: it starts one
(from the message a mention points at, `pointing.py`), stores each turn, books, cancels, and
answers what is asked of a tour already sent (`after.py`). Everything is stored after each turn,
so a restart loses nothing; each change is a compare-and-set on the conversation's version,
retried on a race. Answers are plain data (`answers.py`) for the Slack edge to render.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta

from bot.conversation.after import after_booking
from bot.conversation.answers import (
    AfterBooking,
    AfterKind,
    Answer,
    Booked,
    Change,
    ConfirmFirst,
    Earlier,
    Heading,
    Heard,
    Notice,
    NoticeKind,
    Summary,
    fingerprint,
)
from bot.conversation.pointing import EarlierLookup, pointed_at
from bot.conversation.questions import answer as answer_question
from bot.conversation.reading import read_reply, refusal
from bot.conversation.replies import asks_to_book, shape_of
from bot.conversation.summaries import Summaries
from bot.store import Dialogue, Dialogues, DialogueState, NewDialogue
from bot.time.resolve import short_when
from bot.tourbot import Origin, Tourbot
from bot.understand import read_request, unreadable_contacts

__all__ = [
    "AfterBooking",
    "AfterKind",
    "Answer",
    "Booked",
    "Change",
    "ConfirmFirst",
    "Conversations",
    "Earlier",
    "EarlierLookup",
    "Heard",
    "Notice",
    "NoticeKind",
    "Summary",
    "ZoneLookup",
    "booked_in_form",
    "fingerprint",
    "retried_in_form",
]

logger = logging.getLogger(__name__)

ZoneLookup = Callable[[], Awaitable[str | None]]  # the agent's own zone, looked up when needed
CHANGE_TRIES = 5  # compare-and-set attempts before giving up on a busy conversation
SWEEP_EVERY = 30.0  # seconds at most between looks for idle conversations


class Conversations:
    """The booking conversations of every thread: what the bot answers to each message and
    button, one turn at a time per thread."""

    def __init__(self, tourbot: Tourbot) -> None:
        self.tourbot = tourbot
        self.dialogues = tourbot.store.dialogues
        self.summaries = Summaries(tourbot)
        self.idle = timedelta(minutes=tourbot.settings.conversation_idle_minutes)
        # One turn at a time per thread in this process; the version check covers the rest.
        self._locks: weakref.WeakValueDictionary[tuple[str, str], asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )
        self._sooner = asyncio.Event()  # a conversation started or moved: look at expiries again

    # -- messages --------------------------------------------------------------------------------

    async def hear(
        self, heard: Heard, *, agent_zone: ZoneLookup, earlier: EarlierLookup | None = None
    ) -> Answer | None:
        """The bot's answer to a message, or None when the message is not for it (a colleague
        talking in the thread, a channel message without a mention, a repeated delivery).

        A mention in the thread of a message that is not a conversation (a forwarded lead, a
        colleague's note), or one that names no prospect right under a message that does, starts
        from that message (`earlier`: the messages before the mention, newest first)."""
        thread_ts = heard.thread_ts or heard.ts
        existing = (
            await self.dialogues.in_thread(heard.channel_id, thread_ts) if heard.thread_ts else None
        )
        open_here = existing is not None and existing.is_open
        # The owner of a booked thread asking to cancel or change it hears why it cannot be.
        booked_here = (
            existing is not None
            and existing.state is DialogueState.BOOKED
            and existing.user_id == heard.user_id
        )
        # In a DM any new message is for the bot; a reply in a finished thread ("thanks!") is not.
        starts = heard.mentioned or (heard.direct and heard.thread_ts is None)
        if not (open_here or starts or booked_here):
            return None
        # A retried delivery, or the app_mention and message events of one message: once.
        if not await self.dialogues.first_sighting(f"message:{heard.channel_id}:{heard.ts}"):
            return None
        await self.tourbot.known_communities_ready()  # names in the words need the list
        async with self._lock(heard.channel_id, thread_ts):
            if existing is not None and existing.is_open:
                if existing.user_id != heard.user_id:
                    return Notice("not_yours", existing) if heard.mentioned else None
                if expired := await self._expire_if_idle(existing):
                    return expired
                return await self._reply(existing, heard.text, await agent_zone())
            zone = await agent_zone()
            again: dict[str, str] = {}  # a new booking's details, from the one booked here
            if existing is not None and booked_here:
                after = await self._after_booking(existing, heard.text, zone)
                # "@Tourbot book her again for tuesday at 3" is a new request: a new conversation.
                anew = heard.mentioned and asks_to_book(heard.text)
                if not (after is None or (anew and after.kind == "change")):
                    return after
                if after is None and not heard.mentioned:
                    return None
                if after is not None:
                    again = {k: v for k, v in existing.form_values.items() if k != "tour_time"}
            if shape_of(heard.text).calls_off:  # "@Tourbot cancel Jane's tour": none here
                return AfterBooking("cancel", heard.channel_id, thread_ts, None, None)
            said = read_request(heard.text, communities=self.tourbot.known_communities())
            known = self.tourbot.known_communities()
            source = None if again else await pointed_at(heard, said, earlier, known)
            return await self._start(heard, thread_ts, zone, said, source, again=again)

    async def _start(
        self,
        heard: Heard,
        thread_ts: str,
        agent_zone: str | None,
        said: dict[str, str],
        source: Earlier | None = None,
        *,
        again: dict[str, str] | None = None,
    ) -> Answer:
        """A new conversation from the mention, over the message it points at (`source`) or
        the details of the tour booked in this thread (`again`)."""
        known = self.tourbot.known_communities()
        earlier = source.text if source is not None else ""
        values = dict(again or {})
        if earlier.strip():
            values.update(read_request(earlier, communities=known))
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
        asked = shape_of(heard.text).question
        answered = (
            answer_question(asked, values, self.summaries.context(values, agent_zone), first=True)
            if asked
            else None
        )
        turn = await self._save_turn(
            dialogue,
            values,
            "again" if again else "start",
            agent_zone,
            refused=_refused(values, heard.text, earlier),
            said=answered,
            source=source,
        )
        return turn or Notice("busy", dialogue)

    async def _reply(self, dialogue: Dialogue, text: str, agent_zone: str | None) -> Answer:
        for _ in range(CHANGE_TRIES):
            values = dialogue.form_values
            reply = read_reply(
                values,
                text,
                asked=dialogue.asked,
                communities=self.tourbot.known_communities(),
                context=self.summaries.context(values, agent_zone),
            )
            if reply.intent == "cancel":
                return await self.cancel(dialogue.id, user_id=dialogue.user_id)
            changes = self.summaries.changes(
                values, reply.values, reply.changed, agent_zone,
                noted=reply.noted, dropped=reply.dropped,
            )  # fmt: skip
            # (a change read but not yet shown, "not 2, 12" that must be asked about, is saved
            # first: booking would send the old values)
            if reply.intent == "book" and not changes and not reply.changed:  # lock held already
                return await self._book(dialogue.id, None, dialogue.user_id, agent_zone,
                                        confirmed=False)  # fmt: skip
            heading: Heading = "changed" if changes else "unchanged"
            answer = await self._save_turn(
                dialogue,
                reply.values,
                heading,
                agent_zone,
                changes=changes,
                refused=reply.refused,
                said=reply.said,
            )
            if answer is not None:
                # "make it 4 and book it": the change is shown with Book, never booked unseen
                return answer
            fresh = await self.dialogues.get(dialogue.id)
            if fresh is None or not fresh.is_open:
                return Notice("over", fresh)
            dialogue = fresh
        return Notice("busy", dialogue)

    async def _after_booking(
        self, dialogue: Dialogue, text: str, agent_zone: str | None
    ) -> AfterBooking | None:
        """A reply in a thread whose tour was sent: cancel or change it (which Propexo cannot
        do for EliseAI), book it again, or a question; None for chatter ("thanks!")."""
        values = dialogue.form_values
        reply = read_reply(
            values,
            text,
            asked=None,
            communities=self.tourbot.known_communities(),
            context=self.summaries.context(values, agent_zone),
        )
        booking = (
            await self.tourbot.store.get_booking(dialogue.booking_id)
            if dialogue.booking_id
            else None
        )
        changes = self.summaries.changes(
            values, reply.values, reply.changed, agent_zone,
            noted=reply.noted, dropped=reply.dropped,
        )  # fmt: skip
        return after_booking(dialogue, booking, reply, changes, asked_back=shape_of(text).question)

    async def _save_turn(
        self,
        dialogue: Dialogue,
        values: dict[str, str],
        heading: Heading,
        agent_zone: str | None,
        *,
        changes: tuple[Change, ...] = (),
        refused: str | None = None,
        said: str | None = None,
        source: Earlier | None = None,
    ) -> Summary | None:
        """Store the values and the question the summary asks; None if the conversation moved
        on meanwhile (the caller reads it again)."""
        summary = self.summaries.summary(dialogue, values, heading, agent_zone)
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
            saved,
            heading,
            summary.details,
            summary.step,
            summary.check,
            changes,
            refused,
            said,
            source,
        )

    async def rebook(self, dialogue_id: str, *, user_id: str, agent_zone: ZoneLookup) -> Answer:
        """A new conversation in a booked thread, for a tour at another time: the same details
        but the time, which it asks for. The booked tour stays as it is in EliseAI."""
        booked = await self.dialogues.get(dialogue_id)
        if booked is None:
            return Notice("over", None)
        if booked.user_id != user_id:
            return Notice("not_yours", booked)
        if booked.state is not DialogueState.BOOKED:
            return Notice("over", booked)
        async with self._lock(booked.channel_id, booked.thread_ts):
            values = {k: v for k, v in booked.form_values.items() if k != "tour_time"}
            dialogue, created = await self.dialogues.start(
                NewDialogue(
                    team_id=booked.team_id,
                    user_id=user_id,
                    channel_id=booked.channel_id,
                    thread_ts=booked.thread_ts,
                    form_values=values,
                    expires_at=self._now() + self.idle,
                )
            )
            if not created:  # a second click: the new conversation is under way already
                return Notice("stale", dialogue)
            zone = await agent_zone()
            return await self._save_turn(dialogue, values, "again", zone) or Notice(
                "busy", dialogue
            )

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
        zone = self.summaries.zone(values, agent_zone)
        summary = self.summaries.summary(dialogue, values, "not_ready", agent_zone)
        if not summary.ready:  # the time passed meanwhile
            saved = await self._save_turn(dialogue, values, "not_ready", agent_zone)
            return saved or summary
        draft = self.tourbot.check(values, zone)
        request_key = booking_key(dialogue.id)
        who = self.tourbot.who(draft, values) or "the prospect"
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

    def _lock(self, channel_id: str, thread_ts: str) -> asyncio.Lock:
        key = (channel_id, thread_ts)
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock

    @staticmethod
    def _now() -> datetime:
        return datetime.now(UTC)


def booking_key(dialogue_id: str) -> str:
    """The one request key of a conversation's booking, whether Book in its thread or its form
    ("Edit in form") makes it: a conversation books once, whichever is pressed first."""
    return f"dialogue:{dialogue_id}"


async def conversation_booked(dialogues: Dialogues, dialogue_id: str) -> bool:
    """Whether the conversation already made its booking (Book in its thread)."""
    dialogue = await dialogues.get(dialogue_id)
    return dialogue is not None and dialogue.state is DialogueState.BOOKED


ALREADY_BOOKED = (
    "This conversation was already booked in its thread, so this form booked nothing more. "
    "Close it and see the thread; to book another tour, start a new /tour."
)


async def booked_in_form(
    dialogues: Dialogues, dialogue_id: str, booking_id: str
) -> Dialogue | None:
    """The agent finished a conversation's booking in the form ("Edit in form"): it is over.
    The conversation as it was (its `summary_ts` holds the buttons that must go), or None if
    it had already ended."""
    for _ in range(CHANGE_TRIES):
        dialogue = await dialogues.get(dialogue_id)
        if dialogue is None or not dialogue.is_open:
            return None
        if await dialogues.change(dialogue, state=DialogueState.BOOKED, booking_id=booking_id):
            return dialogue
    return None


async def retried_in_form(dialogues: Dialogues, failed_id: str, booking_id: str) -> None:
    """A conversation's booking failed and was edited and sent again ("Edit and retry"): the
    conversation follows the new booking, so what it says of its tour is the retry's state."""
    await dialogues.follow_retry(failed_id, booking_id)


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
