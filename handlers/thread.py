"""A booking's Slack thread: the parent message in the channel, and every update as a reply.

Where the bot cannot post in the channel (not a member, a private channel, someone else's DM),
the thread moves to a DM with the agent, and the command's response_url says where and how to
invite the bot.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.delivery.steps import Pause, Update
from bot.store import Booking, Store
from handlers.acks import yield_to_acks
from handlers.blocks import invite_note, parent_message, update_message

logger = logging.getLogger(__name__)

# chat.postMessage errors that mean "not here", as opposed to Slack being down.
CANNOT_POST_HERE = {
    "not_in_channel",
    "channel_not_found",
    "is_archived",
    "restricted_action",
    "restricted_action_read_only_channel",
    "restricted_action_thread_only_channel",
    "ekm_access_denied",
}


class ThreadNotUpdated(Exception):
    """Slack refused a reply in a booking's thread (after its own retries)."""


class SlackThread:
    """Reports a booking's progress in its thread; usable as a delivery `Reporter`.

    `pause` is awaited between its calls (each answer from Slack resumes it): a server lets
    the acks it owes go first (see handlers.acks)."""

    def __init__(self, client: AsyncWebClient, store: Store, pause: Pause = yield_to_acks) -> None:
        self.client = client
        self.store = store
        self.pause = pause

    async def open(self, booking: Booking) -> Booking:
        """Post the parent message (unless the booking already has a thread) and remember it."""
        text, blocks = parent_message(booking)
        if booking.thread_channel_id and booking.thread_ts:
            channel, root = booking.thread_channel_id, booking.thread_ts
            if await self.store.shows_a_booking(channel, root):
                # "Edit and retry": the thread's first message goes on showing the latest try.
                text, blocks = parent_message(booking, with_state=False)
                await self._post(channel, text, blocks, thread_ts=root)
                return await self.store.update_booking(booking.id, status_ts=root)
            # Someone else's message (a conversation, a lead): the booking's own message goes
            # in its thread, and is the one kept up to date.
            ts = await self._post(channel, text, blocks, thread_ts=root)
            return await self.store.update_booking(booking.id, status_ts=ts) if ts else booking
        where: str | None = None
        if booking.channel_id:
            where = await self._post(booking.channel_id, text, blocks)
            if where:
                return await self.store.update_booking(
                    booking.id,
                    thread_channel_id=booking.channel_id,
                    thread_ts=where,
                    status_ts=where,
                )
        dm = await self._dm_channel(booking.user_id)
        if dm and (ts := await self._post(dm, text, blocks)):
            await self._tell(booking, invite_note(booking.channel_id, "our direct messages"))
            return await self.store.update_booking(
                booking.id, thread_channel_id=dm, thread_ts=ts, status_ts=ts
            )
        await self._tell(booking, f"{text}. I can't post updates anywhere else, so they come here.")
        return booking

    async def __call__(self, booking: Booking, update: Update) -> None:
        """Reply with `update` in the booking's thread; ThreadNotUpdated if Slack refuses it."""
        if not (booking.thread_channel_id and booking.thread_ts):
            booking = await self.open(booking)  # the process that accepted it died first
        text, blocks = update_message(booking, update)
        if booking.thread_channel_id and booking.thread_ts:
            channel, root = booking.thread_channel_id, booking.thread_ts
            if await self._post(channel, text, blocks, thread_ts=root) is None:
                # A delivery tells it again when it can; it must not count as told.
                raise ThreadNotUpdated(f"Slack refused the {update.kind} update of {booking.id}")
            await self._refresh_parent(booking)
        else:
            await self._tell(booking, text)

    async def _refresh_parent(self, booking: Booking) -> None:
        assert booking.thread_channel_id and booking.thread_ts
        if booking.status_ts is None:
            return  # its own message could not be posted: the replies say it all
        text, blocks = parent_message(booking)
        try:
            await self.client.chat_update(
                channel=booking.thread_channel_id, ts=booking.status_ts, text=text, blocks=blocks
            )
        except SlackApiError as exc:
            logger.warning("could not update the parent of %s: %s", booking.id, _error(exc))

    async def _post(
        self, channel: str, text: str, blocks: Sequence[Block], *, thread_ts: str | None = None
    ) -> str | None:
        """The message's ts; None where the bot may not post. Other Slack errors raise."""
        try:
            answer = await self.client.chat_postMessage(
                channel=channel, text=text, blocks=blocks, thread_ts=thread_ts
            )
        except SlackApiError as exc:
            if _error(exc) not in CANNOT_POST_HERE:
                raise  # busy or down (e.g. ratelimited): no reason to post somewhere else
            return None
        await self.pause()  # what follows (a store write, the next call) can wait a moment
        ts = answer.get("ts")
        return str(ts) if ts else None

    async def _dm_channel(self, user_id: str) -> str | None:
        try:
            answer = await self.client.conversations_open(users=user_id)
        except SlackApiError as exc:
            logger.warning("could not open a DM with %s: %s", user_id, _error(exc))
            return None
        channel = answer.get("channel") or {}
        return str(channel["id"]) if isinstance(channel, dict) and channel.get("id") else None

    async def _tell(self, booking: Booking, text: str) -> None:
        """An ephemeral note through the command's response_url, when there is one."""
        if not booking.response_url:
            logger.warning("booking %s has nowhere to report: %s", booking.id, text)
            return
        try:
            answer = await AsyncWebhookClient(booking.response_url).send(
                text=text, response_type="ephemeral"
            )
        except Exception as exc:  # a note is best effort; the booking itself is stored
            logger.warning("response_url of %s refused a note: %s", booking.id, exc)
            return
        if answer.status_code != 200:
            logger.warning("response_url of %s answered %s", booking.id, answer.status_code)


def _error(exc: SlackApiError) -> str:
    return str(exc.response.get("error", "unknown_error"))
