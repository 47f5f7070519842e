"""Buttons and live inputs: the time preview as the agent types, and "Edit and retry"."""

from __future__ import annotations

import logging
import time
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.delivery.outcomes import Outcome, record_outcome
from bot.delivery.steps import Update
from bot.store import Store
from bot.tourbot import Tourbot
from handlers.acks import let_ack_leave
from handlers.blocks import (
    EDIT_AND_RETRY,
    NO_SHOW,
    SEND_ANYWAY,
    TOURED,
    buttons_replaced,
    preview_text,
    with_preview,
)
from handlers.commands import build_form
from handlers.form_data import ModalContext, form_values
from handlers.modals import ReplyTo, open_modal, tell_agent
from handlers.thread import SlackThread

logger = logging.getLogger(__name__)

RETRIED = "retried"  # a failed booking's last word: it was edited and sent again as a new one
ALREADY_RETRIED = (
    "This booking was already edited and sent again: the new one is further down this thread."
)


def register(app: AsyncApp, tourbot: Tourbot) -> None:
    async def show_time_preview(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        await let_ack_leave()
        view = body["view"]
        context = ModalContext.read(view)
        if context.agent_zone is None:
            # Looked up since the modal opened: from now on the preview and the booking use it.
            context.agent_zone = tourbot.cached_agent_zone(context.user_id)
        values = form_values(view)
        zone = tourbot.zone(community_id=values.get("community"), agent_zone=context.agent_zone)
        preview = tourbot.preview(values.get("tour_time", ""), zone)
        shown = dict(view, private_metadata=context.dump())
        try:
            await client.views_update(
                view_id=view["id"],
                hash=view.get("hash"),
                view=with_preview(
                    shown, preview_text(preview.text, preview.status, preview.reason), zone.note
                ),
            )
        except SlackApiError as exc:  # hash_conflict: a newer keystroke is on its way
            logger.debug("preview skipped: %s", exc.response.get("error"))

    async def edit_and_retry(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        await let_ack_leave()
        booking = await tourbot.store.get_booking(action["value"])
        user_id = body["user"]["id"]
        if booking is None:
            await client.chat_postEphemeral(
                channel=body["channel"]["id"],
                user=user_id,
                text="I can't find that booking any more. Start again with /tour.",
            )
            return
        reply_to = ReplyTo.of_click(body, thread_ts=booking.thread_ts)
        if booking.last_told == RETRIED:  # a screen that had not caught up with the message
            await tell_agent(client, reply_to, ALREADY_RETRIED)
            return
        context = ModalContext(
            # One retry per failed booking: a second form for it is the same request, so
            # submitting both books once.
            request_id=f"retry-{booking.id}",
            user_id=user_id,
            channel_id=booking.channel_id,
            response_url=booking.response_url,
            agent_zone=tourbot.cached_agent_zone(user_id),
            thread_channel=booking.thread_channel_id,
            thread_ts=booking.thread_ts,
            retry_of=booking.id,
            retry_message=(
                body["channel"]["id"],
                (body.get("message") or {}).get("ts") or body["container"]["message_ts"],
            ),
        )
        await open_modal(
            client,
            body["trigger_id"],
            build_form(tourbot, dict(booking.form_values), context),
            reply_to=reply_to,
            again="Click Edit and retry again.",
        )

    async def send_anyway(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        await let_ack_leave()
        user_id = body["user"]["id"]
        booking = await tourbot.send_anyway(action["value"])
        if isinstance(booking, str):  # a second press, an earlier episode's, or a colleague's
            await client.chat_postEphemeral(
                channel=body["channel"]["id"], user=user_id, text=booking
            )
            return
        await SlackThread(client, tourbot.store)(
            booking, Update("resent", "Sending it again, as asked by", by=user_id)
        )

    async def record(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        await let_ack_leave()
        user_id = body["user"]["id"]
        outcome: Outcome = "COMPLETE" if action["action_id"] == TOURED else "NO_SHOW"
        result = await record_outcome(
            tourbot.store, tourbot.propexo, action["value"], outcome, by=user_id
        )
        channel = body["channel"]["id"]
        if not result.recorded:
            await client.chat_postEphemeral(channel=channel, user=user_id, text=result.message)
            return
        message = body.get("message") or {}
        # <!date^…> shows the moment in each reader's own zone.
        when = f"<!date^{int(time.time())}^{{date_short_pretty}} at {{time}}|just now>"
        note = f":memo: {result.message} By <@{user_id}>, {when}."
        await client.chat_update(
            channel=channel,
            ts=message.get("ts") or body["container"]["message_ts"],
            text=f"{message.get('text', '')} {result.message}",
            blocks=buttons_replaced(message.get("blocks") or [], note),
        )

    app.action("tour_time")(show_time_preview)
    app.action("community")(show_time_preview)
    app.action(EDIT_AND_RETRY)(edit_and_retry)
    app.action(SEND_ANYWAY)(send_anyway)
    app.action(TOURED)(record)
    app.action(NO_SHOW)(record)


async def mark_retried(client: AsyncWebClient, store: Store, context: ModalContext) -> None:
    """A booking from "Edit and retry" was accepted: the failed one it retried says so, and its
    message loses the button, so nobody books the old form a second time."""
    assert context.retry_of is not None
    await store.update_booking(context.retry_of, last_told=RETRIED)
    if context.retry_message is None:
        return
    channel, ts = context.retry_message
    note = f":repeat: Edited and sent again by <@{context.user_id}>: see below."
    try:
        # That one reply (Slack puts the thread's first message before it).
        found = await client.conversations_replies(
            channel=channel, ts=ts, oldest=ts, latest=ts, inclusive=True
        )
        message: dict[str, Any] = next(
            (m for m in found.get("messages") or [] if m.get("ts") == ts), {}
        )
        await client.chat_update(
            channel=channel,
            ts=ts,
            text=f"{message.get('text', '')} Edited and sent again.",
            blocks=buttons_replaced(message.get("blocks") or [], note),
        )
    except SlackApiError as exc:  # the button stays, but a second booking is still refused
        logger.warning(
            "could not mark %s as retried: %s", context.retry_of, exc.response.get("error")
        )
