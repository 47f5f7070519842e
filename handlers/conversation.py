"""Booking by conversation: mentions and DMs start a thread, the agent's replies in it fill the
booking in, and its buttons (Book, Edit in form, Cancel) act on it."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.conversation.service import (
    AfterBooking,
    Answer,
    Booked,
    ConfirmFirst,
    Conversations,
    Earlier,
    EarlierLookup,
    Heard,
    Notice,
    Summary,
    ZoneLookup,
)
from bot.store import Dialogue
from bot.tourbot import Tourbot
from handlers.acks import let_ack_leave
from handlers.commands import build_form
from handlers.conversation_blocks import (
    DIALOGUE_BOOK,
    DIALOGUE_CANCEL,
    DIALOGUE_CONFIRM,
    DIALOGUE_EDIT,
    DIALOGUE_REBOOK,
    after_booking_message,
    confirm_message,
    notice_text,
    summary_message,
    without_buttons,
)
from handlers.form_data import ModalContext
from handlers.modals import ReplyTo, open_modal
from handlers.outbox import message, outbox_for
from handlers.shortcuts import message_text
from handlers.thread import SlackThread
from handlers.zones import fetch_agent_zone

logger = logging.getLogger(__name__)

# Message subtypes that are a person writing; edits, joins, bot posts and the like are not.
SPOKEN = {None, "thread_broadcast", "file_share"}
EARLIER_READ = 8  # messages read before a mention, to find the one it points at
# What the last summary says once the conversation ends without a booking: why comes below it.
ENDED = {"cancelled": "Cancelled: see below.", "expired": "Ended: see below."}
BOOKED_IN_FORM = "Booked in the form: see below."


def register(app: AsyncApp, tourbot: Tourbot) -> None:
    conversations = Conversations(tourbot)
    idle = tourbot.settings.conversation_idle_minutes

    async def say(
        client: AsyncWebClient, answer: Answer, user_id: str, body: dict[str, Any] | None = None
    ) -> None:
        """Answer in the conversation's thread; `body` is the click's, if a button was pressed."""
        pressed = _pressed(body) if body is not None else None
        thread = ConversationThread(client, conversations, idle)
        await thread.answer(answer, user_id=user_id, pressed=pressed)

    async def expired(dialogue: Dialogue) -> None:
        await ConversationThread(app.client, conversations, idle).answer(
            Notice("expired", dialogue)
        )

    tourbot.keep_running("conversations", lambda stop: conversations.run_expiry(expired, stop))

    async def on_message(
        event: dict[str, Any],
        body: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
    ) -> None:
        heard = _heard(event, body, context.bot_user_id)
        if heard is None:
            return
        answer = await conversations.hear(
            heard,
            agent_zone=_zone_lookup(tourbot, client, heard.user_id),
            earlier=_earlier(client, heard, context.bot_user_id),
        )
        if answer is not None:
            await say(client, answer, heard.user_id)

    async def book(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        await let_ack_leave()
        dialogue_id, _, shown = str(action["value"]).partition(":")
        user_id = body["user"]["id"]
        answer = await conversations.book(
            dialogue_id,
            shown,
            user_id=user_id,
            agent_zone=_zone_lookup(tourbot, client, user_id),
            confirmed=action["action_id"] == DIALOGUE_CONFIRM,
        )
        await say(client, answer, user_id, body)

    async def cancel(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        await let_ack_leave()
        user_id = body["user"]["id"]
        answer = await conversations.cancel(str(action["value"]), user_id=user_id)
        await say(client, answer, user_id, body)

    async def rebook(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        await let_ack_leave()
        user_id = body["user"]["id"]
        answer = await conversations.rebook(
            str(action["value"]), user_id=user_id, agent_zone=_zone_lookup(tourbot, client, user_id)
        )
        await say(client, answer, user_id, body)

    async def edit_in_form(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        await let_ack_leave()
        user_id = body["user"]["id"]
        found = await conversations.for_the_form(str(action["value"]), user_id=user_id)
        if isinstance(found, Notice):
            await say(client, found, user_id, body)
            return
        values = dict(found.form_values)
        if values.get("community"):
            values["community_label"] = tourbot.community_name(values["community"])
        context = ModalContext.new(
            user_id=user_id,
            channel_id=found.channel_id,
            agent_zone=tourbot.cached_agent_zone(user_id),
            thread_channel=found.channel_id,
            thread_ts=found.thread_ts,
            dialogue_id=found.id,
        )
        await open_modal(
            client,
            body["trigger_id"],
            build_form(tourbot, values, context),
            reply_to=ReplyTo.of_click(body, thread_ts=found.thread_ts),
            again="Click Edit in form again.",
        )

    app.event("app_mention")(on_message)
    app.event("message")(on_message)
    app.action(DIALOGUE_BOOK)(book)
    app.action(DIALOGUE_CONFIRM)(book)
    app.action(DIALOGUE_CANCEL)(cancel)
    app.action(DIALOGUE_EDIT)(edit_in_form)
    app.action(DIALOGUE_REBOOK)(rebook)


class ConversationThread:
    """Says a conversation's answers in its thread."""

    def __init__(self, client: AsyncWebClient, conversations: Conversations, idle: float) -> None:
        self.client = client
        self.conversations = conversations
        self.idle = idle

    async def answer(
        self,
        answer: Answer,
        *,
        user_id: str | None = None,
        pressed: tuple[str, str] | None = None,
    ) -> None:
        """`pressed` is the (channel, ts) of the message whose button was clicked, if any."""
        if isinstance(answer, Summary | ConfirmFirst):
            text, blocks = (
                summary_message(answer) if isinstance(answer, Summary) else confirm_message(answer)
            )
            ts = await self._post(answer.dialogue, text, blocks)
            if ts and (isinstance(answer, ConfirmFirst) or answer.ready):
                replaced = await self.conversations.shown_at(answer.dialogue, ts)
                if replaced is not None and replaced.summary_ts:
                    await self._retire(replaced.channel_id, replaced.summary_ts, "Replaced below.")
            return
        if isinstance(answer, Booked):
            await self._booked(answer)
            return
        if isinstance(answer, AfterBooking):
            text, blocks = after_booking_message(answer)
            await self._say(answer.channel_id, answer.thread_ts, text, blocks)
            return
        await self._notice(answer, user_id=user_id, pressed=pressed)

    async def _booked(self, booked: Booked) -> None:
        dialogue = booked.dialogue
        if dialogue.summary_ts:
            await self._retire(dialogue.channel_id, dialogue.summary_ts, "Booked: see below.")
        if not booked.created:
            return  # a second click: the first one is already reporting
        store = self.conversations.tourbot.store
        try:
            await SlackThread(self.client, store).open(booked.booking)
        except SlackApiError as exc:  # Slack is busy: the booking's first update opens its thread
            logger.warning(
                "could not open the thread of %s: %s", booked.booking.id, exc.response.get("error")
            )
        await self.conversations.tourbot.release(booked.booking)

    async def _notice(
        self, notice: Notice, *, user_id: str | None, pressed: tuple[str, str] | None
    ) -> None:
        text = notice_text(notice, idle_minutes=self.idle)
        dialogue = notice.dialogue
        if notice.kind in ENDED and dialogue is not None:
            if dialogue.summary_ts:  # its buttons go; the sentence itself is said once, below
                await self._retire(dialogue.channel_id, dialogue.summary_ts, ENDED[notice.kind])
            await self._post(dialogue, text, None)
            return
        # Only for the one who acted: the rest of the thread need not see it.
        channel = pressed[0] if pressed else (dialogue.channel_id if dialogue else None)
        if channel is None or user_id is None:
            return
        try:
            await self.client.chat_postEphemeral(
                channel=channel,
                user=user_id,
                text=text,
                thread_ts=dialogue.thread_ts if dialogue else None,
            )
        except SlackApiError as exc:
            logger.warning("could not post a note: %s", exc.response.get("error"))

    async def _post(self, dialogue: Dialogue, text: str, blocks: Any) -> str | None:
        return await self._say(dialogue.channel_id, dialogue.thread_ts, text, blocks)

    async def _say(self, channel: str, thread_ts: str, text: str, blocks: Any) -> str | None:
        try:
            # A person is reading this conversation now: ahead of bookings' news (see outbox).
            return await outbox_for(self.client).post(
                self.client, channel, message(text, blocks), thread_ts=thread_ts, lane="now"
            )
        except SlackApiError as exc:
            logger.warning("could not answer in a thread: %s", exc.response.get("error"))
            return None

    async def _retire(self, channel: str, ts: str, note: str) -> None:
        await retire_summary(self.client, channel, ts, note)


async def retire_summary(client: AsyncWebClient, channel: str, ts: str, note: str) -> None:
    """Take the buttons off a conversation's older summary, with `note` saying why, so only
    the newest one books (and none once the conversation is over)."""
    try:
        # The thread, narrowed to that one message (the parent may come along).
        found = await client.conversations_replies(
            channel=channel, ts=ts, oldest=ts, latest=ts, inclusive=True, limit=2
        )
        shown = next((m for m in found.get("messages") or [] if m.get("ts") == ts), None)
        if shown is None:
            return
        retired = message(
            str(shown.get("text") or note), without_buttons(shown.get("blocks") or [], note)
        )
        await outbox_for(client).edit(client, channel, ts, retired, lane="now")
    except SlackApiError as exc:
        logger.info("could not retire an older summary: %s", exc.response.get("error"))


def _heard(event: dict[str, Any], body: dict[str, Any], bot_user_id: str | None) -> Heard | None:
    """The message as the conversation reads it; None for what is not a person writing."""
    if event.get("bot_id") or event.get("subtype") not in SPOKEN or event.get("hidden"):
        return None
    user, channel, ts = event.get("user"), event.get("channel"), event.get("ts")
    if not (isinstance(user, str) and isinstance(channel, str) and isinstance(ts, str)):
        return None
    if user == bot_user_id:
        return None
    said = str(event.get("text") or "")
    mention = f"<@{bot_user_id}>" if bot_user_id else None
    return Heard(
        team_id=str(body.get("team_id") or event.get("team") or ""),
        user_id=user,
        channel_id=channel,
        ts=ts,
        thread_ts=event.get("thread_ts") if isinstance(event.get("thread_ts"), str) else None,
        text=message_text(event),  # a forwarded lead has its words in attachments
        direct=event.get("channel_type") == "im",
        mentioned=event.get("type") == "app_mention" or bool(mention and mention in said),
    )


def _pressed(body: dict[str, Any]) -> tuple[str, str] | None:
    container = body.get("container") or {}
    channel, ts = container.get("channel_id"), container.get("message_ts")
    return (str(channel), str(ts)) if channel and ts else None


def _zone_lookup(tourbot: Tourbot, client: AsyncWebClient, user_id: str) -> ZoneLookup:
    async def lookup() -> str | None:
        return await tourbot.agent_zone(user_id, fetch_agent_zone(client, user_id))

    return lookup


def _earlier(client: AsyncWebClient, heard: Heard, bot_user_id: str | None) -> EarlierLookup:
    """The messages before `heard`, newest first: in its thread (the thread's first message
    last), or in its channel. Only read when the conversation needs them."""

    async def read() -> list[Earlier]:
        try:
            if heard.thread_ts:
                found = await client.conversations_replies(
                    channel=heard.channel_id, ts=heard.thread_ts, limit=100
                )
            else:
                found = await client.conversations_history(
                    channel=heard.channel_id, latest=heard.ts, inclusive=False, limit=EARLIER_READ
                )
        except SlackApiError as exc:  # not readable here: the mention alone will do
            logger.info("could not read earlier messages: %s", exc.response.get("error"))
            return []
        messages = [m for m in found.get("messages") or [] if isinstance(m, dict)]
        before = [m for m in messages if _before(m, heard.ts) and _by_a_person(m, bot_user_id)]
        before.sort(key=lambda m: float(str(m.get("ts"))), reverse=True)
        kept = before[:EARLIER_READ]
        first = next((m for m in before if m.get("ts") == heard.thread_ts), None)
        if first is not None and first not in kept:  # a long thread: its first message too
            kept = [*kept[:-1], first]
        mention = f"<@{bot_user_id}>" if bot_user_id else None
        return [
            Earlier(
                text=message_text(m),
                user_id=str(m["user"]) if m.get("user") else None,
                ts=str(m.get("ts")),
                mentions_bot=bool(mention and mention in str(m.get("text") or "")),
            )
            for m in kept
        ]

    return read


def _before(message: dict[str, Any], ts: str) -> bool:
    try:
        return float(str(message.get("ts"))) < float(ts)
    except ValueError:
        return False


def _by_a_person(message: dict[str, Any], bot_user_id: str | None) -> bool:
    return not message.get("bot_id") and message.get("user") not in (None, bot_user_id)
