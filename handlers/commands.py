"""`/tour [text]`: ack, open the booking modal at once (filled from the text), then fill in the
agent's time zone if it was not known yet."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.booking.prefill import prefill
from bot.tourbot import Tourbot
from handlers.acks import let_ack_leave
from handlers.blocks import booking_modal_dict, preview_text, with_preview
from handlers.form_data import ModalContext
from handlers.modals import ReplyTo, open_modal
from handlers.zones import fetch_agent_zone

logger = logging.getLogger(__name__)


def register(app: AsyncApp, tourbot: Tourbot) -> None:
    async def open_booking_form(
        ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        await let_ack_leave()
        user_id = command["user_id"]
        values = await tourbot.read_request(
            command.get("text") or "", channel_id=command.get("channel_id")
        )
        if "community" in values:
            values["community_label"] = tourbot.community_name(values["community"])
        agent_zone = tourbot.cached_agent_zone(user_id)
        context = ModalContext.new(
            user_id=user_id,
            channel_id=command.get("channel_id"),
            response_url=command.get("response_url"),
            agent_zone=agent_zone,
        )
        view = build_form(tourbot, values, context)
        # The trigger_id expires in about 3 s: open first, look the zone up afterwards.
        shown = await open_modal(
            client,
            command["trigger_id"],
            view,
            reply_to=ReplyTo(user_id, response_url=command.get("response_url")),
            again="Type /tour again.",
        )
        if shown is None or agent_zone is not None:
            return
        zone_name = await tourbot.agent_zone(user_id, fetch_agent_zone(client, user_id))
        if zone_name is None:
            return
        context.agent_zone = zone_name
        zone = tourbot.zone(community_id=values.get("community"), agent_zone=zone_name)
        preview = tourbot.preview(values.get("tour_time", ""), zone)
        updated = dict(shown, private_metadata=context.dump())
        try:
            await client.views_update(
                view_id=shown["id"],
                hash=shown.get("hash"),
                view=with_preview(
                    updated, preview_text(preview.text, preview.status, preview.reason), zone.note
                ),
            )
        except SlackApiError as exc:  # the agent already typed (hash_conflict): theirs wins
            logger.info("zone update skipped: %s", exc.response.get("error"))

    app.command("/tour")(open_booking_form)


def build_form(tourbot: Tourbot, values: dict[str, str], context: ModalContext) -> dict[str, Any]:
    """The booking modal for `values`, with the time preview in the zone it will be read in."""
    zone = tourbot.zone(community_id=values.get("community"), agent_zone=context.agent_zone)
    values = prefill(
        values,
        tour_types=tourbot.settings.tour_types,
        today=tourbot.clock().astimezone(zone.zone).date(),
        date_order=tourbot.settings.date_order,
    )
    preview = tourbot.preview(values.get("tour_time", ""), zone)
    return booking_modal_dict(
        values,
        metadata=context.dump(),
        tour_types=tourbot.settings.tour_types,
        zone=zone,
        preview=preview_text(preview.text, preview.status, preview.reason),
    )
