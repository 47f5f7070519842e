"""A booking's Slack thread: the parent message in the channel, and every update as a reply.

Where the bot cannot post in the channel (not a member, a private channel, someone else's DM),
the thread moves to a DM with the agent, and the command's response_url says where and how to
invite the bot.

Everything goes through the workspace's outbox (handlers.outbox), at Slack's pace per channel. An
update waits for its reply at most PATIENCE: in a busy channel the outbox keeps it (and may join
it with the booking's next one), so a delivery never holds its worker's place in line for the
channel's queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.delivery.steps import Pause, Update
from bot.store import Booking, BookingState, Store
from handlers.acks import yield_to_acks
from handlers.blocks import invite_note, parent_message, update_message
from handlers.outbox import Outbox, left_to_outbox, message, outbox_for

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


PATIENCE = 2.0  # seconds an update waits for its reply; then the outbox keeps it
# Where the channel is paced, seconds the parent waits to show a state on the way (accepted,
# submitted): a confirmation within them replaces it, and the parent changes once. An end
# state shows at once.
PARENT_SETTLE = 3.0
ENDS = {BookingState.CONFIRMED, BookingState.FAILED, BookingState.UNKNOWN}


class ThreadNotUpdated(Exception):
    """Slack refused a reply in a booking's thread (after its own retries)."""


class SlackThread:
    """Reports a booking's progress in its thread; usable as a delivery `Reporter`.

    `pause` is awaited between its calls (each answer from Slack resumes it): a server lets
    the acks it owes go first (see handlers.acks)."""

    def __init__(
        self,
        client: AsyncWebClient,
        store: Store,
        pause: Pause = yield_to_acks,
        outbox: Outbox | None = None,
    ) -> None:
        self.client = client
        self.store = store
        self.pause = pause
        self._outbox = outbox

    @property
    def outbox(self) -> Outbox:
        if self._outbox is None:  # the workspace's, in the running event loop
            self._outbox = outbox_for(self.client)
        return self._outbox

    async def open(self, booking: Booking) -> Booking:
        """Post the parent message (unless the booking already has a thread) and remember it."""
        text, blocks = parent_message(booking)
        if booking.thread_channel_id and booking.thread_ts:
            channel, root = booking.thread_channel_id, booking.thread_ts
            if await self.store.shows_a_booking(channel, root):
                # "Edit and retry": the thread's first message goes on showing the latest try.
                text, blocks = parent_message(booking, with_state=False)
                await self._open_post(booking, channel, text, blocks, thread_ts=root)
                return await self.store.update_booking(booking.id, status_ts=root)
            # Someone else's message (a conversation, a lead): the booking's own message goes
            # in its thread, and is the one kept up to date.
            ts = await self._open_post(booking, channel, text, blocks, thread_ts=root)
            return await self.store.update_booking(booking.id, status_ts=ts) if ts else booking
        where: str | None = None
        if booking.channel_id:
            where = await self._open_post(booking, booking.channel_id, text, blocks)
            if where:
                return await self.store.update_booking(
                    booking.id,
                    thread_channel_id=booking.channel_id,
                    thread_ts=where,
                    status_ts=where,
                )
        dm = await self._dm_channel(booking.user_id)
        if dm and (ts := await self._open_post(booking, dm, text, blocks)):
            await self._tell(booking, invite_note(booking.channel_id, "our direct messages"))
            return await self.store.update_booking(
                booking.id, thread_channel_id=dm, thread_ts=ts, status_ts=ts
            )
        await self._tell(booking, f"{text}. I can't post updates anywhere else, so they come here.")
        return booking

    async def __call__(self, booking: Booking, update: Update) -> None:
        """Reply with `update` in the booking's thread; ThreadNotUpdated if Slack refuses it.
        Returns once it is posted, or after PATIENCE with the outbox keeping it."""
        if not (booking.thread_channel_id and booking.thread_ts):
            booking = await self.open(booking)  # the process that accepted it died first
        text, blocks = update_message(booking, update)
        if not (booking.thread_channel_id and booking.thread_ts):
            await self._tell(booking, text)
            return
        channel, root = booking.thread_channel_id, booking.thread_ts
        # A note without buttons or details may take in the booking's next one while both wait.
        joinable = self.outbox.paced and not (
            update.can_edit or update.can_resend or update.can_record_outcome
        )
        reply = self.outbox.post(
            self.client, channel, message(text, blocks), thread_ts=root, joins=booking.id,
            open_to=booking.id if joinable and not update.details else None,
        )  # fmt: skip
        parent = self._refresh_parent(booking)  # queued right behind it: in this order
        loop = asyncio.get_running_loop()
        deadline = loop.time() + PATIENCE
        try:
            ts = await asyncio.wait_for(asyncio.shield(reply), PATIENCE)
        except TimeoutError:
            left_to_outbox(reply, f"the {update.kind} update of {booking.id}")
            return
        except SlackApiError as exc:
            if _error(exc) not in CANNOT_POST_HERE:
                raise  # busy or down: no reason to post somewhere else
            ts = None
        if ts is None:
            # A delivery tells it again when it can; it must not count as told.
            raise ThreadNotUpdated(f"Slack refused the {update.kind} update of {booking.id}")
        await self.pause()  # what follows (a store write, the next call) can wait a moment
        if parent is not None and booking.state in ENDS:  # the end is shown when this returns
            with contextlib.suppress(Exception):  # a refusal is logged (left_to_outbox)
                await asyncio.wait_for(asyncio.shield(parent), max(0.0, deadline - loop.time()))

    def _refresh_parent(self, booking: Booking) -> asyncio.Future[str | None] | None:
        """The parent's edit to the booking's state, queued (skipped when it shows it already)."""
        assert booking.thread_channel_id and booking.thread_ts
        if booking.status_ts is None:
            return None  # its own message could not be posted: the replies say it all
        text, blocks = parent_message(booking)
        edit = self.outbox.edit(
            self.client, booking.thread_channel_id, booking.status_ts, message(text, blocks),
            settle=PARENT_SETTLE if self.outbox.paced and booking.state not in ENDS else 0.0,
        )  # fmt: skip
        left_to_outbox(edit, f"the parent of {booking.id}")
        return edit

    async def _open_post(
        self,
        booking: Booking,
        channel: str,
        text: str,
        blocks: Sequence[Block],
        *,
        thread_ts: str | None = None,
    ) -> str | None:
        """A booking's own first message: ahead of other bookings' news (someone just asked
        for it), and once, however many tasks open the thread at the same time."""
        return await self._post(
            channel, text, blocks, thread_ts=thread_ts, key=f"open:{booking.id}:{thread_ts}"
        )

    async def _post(
        self,
        channel: str,
        text: str,
        blocks: Sequence[Block],
        *,
        thread_ts: str | None = None,
        key: str | None = None,
    ) -> str | None:
        """The message's ts; None where the bot may not post. Other Slack errors raise."""
        try:
            ts = await self.outbox.post(
                self.client, channel, message(text, blocks), thread_ts=thread_ts, lane="now",
                key=key,
            )  # fmt: skip
        except SlackApiError as exc:
            if _error(exc) not in CANNOT_POST_HERE:
                raise  # busy or down (e.g. ratelimited): no reason to post somewhere else
            return None
        await self.pause()  # what follows (a store write, the next call) can wait a moment
        return ts

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
