"""Buttons and live inputs: the time preview as the agent types, and "Edit and retry"."""

from __future__ import annotations

import logging
import time
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.delivery import Update
from bot.outcomes import Outcome, record_outcome
from bot.tourbot import Tourbot
from handlers.acks import let_ack_leave
from handlers.blocks import (
    EDIT_AND_RETRY,
    NO_SHOW,
    SEND_ANYWAY,
    TOURED,
    outcome_recorded,
    preview_text,
    with_preview,
)
from handlers.commands import build_form
from handlers.form_data import ModalContext, form_values
from handlers.modals import ReplyTo, open_modal
from handlers.thread import SlackThread

logger = logging.getLogger(__name__)


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
        context = ModalContext.new(
            user_id=user_id,
            channel_id=booking.channel_id,
            response_url=booking.response_url,
            agent_zone=tourbot.cached_agent_zone(user_id),
            thread_channel=booking.thread_channel_id,
            thread_ts=booking.thread_ts,
        )
        await open_modal(
            client,
            body["trigger_id"],
            build_form(tourbot, dict(booking.form_values), context),
            reply_to=ReplyTo.of_click(body, thread_ts=booking.thread_ts),
            again="Click Edit and retry again.",
        )

    async def send_anyway(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        await let_ack_leave()
        user_id = body["user"]["id"]
        booking = await tourbot.send_anyway(action["value"])
        if booking is None:  # a second click, or a colleague was first: nothing more to send
            await client.chat_postEphemeral(
                channel=body["channel"]["id"],
                user=user_id,
                text="This booking is already being sent again (or is no longer waiting).",
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
            blocks=outcome_recorded(message.get("blocks") or [], note),
        )

    app.action("tour_time")(show_time_preview)
    app.action("community")(show_time_preview)
    app.action(EDIT_AND_RETRY)(edit_and_retry)
    app.action(SEND_ANYWAY)(send_anyway)
    app.action(TOURED)(record)
    app.action(NO_SHOW)(record)
