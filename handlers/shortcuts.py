"""The message shortcut "Book a tour from this message": the form, filled from that message,
reporting in that message's thread."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.tourbot import Tourbot
from bot.understand import read_request
from handlers.acks import let_ack_leave
from handlers.commands import build_form
from handlers.form_data import ModalContext

BOOK_FROM_MESSAGE = "book_from_message"


def register(app: AsyncApp, tourbot: Tourbot) -> None:
    async def book_from_message(
        ack: AsyncAck, shortcut: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        await let_ack_leave()
        message = shortcut.get("message") or {}
        channel_id = (shortcut.get("channel") or {}).get("id")
        user_id = shortcut["user"]["id"]
        values = read_request(message.get("text") or "", communities=tourbot.known_communities())
        if "community" in values:
            values["community_label"] = tourbot.community_name(values["community"])
        context = ModalContext.new(
            user_id=user_id,
            channel_id=channel_id,
            response_url=shortcut.get("response_url"),
            agent_zone=tourbot.cached_agent_zone(user_id),
            thread_channel=channel_id,
            # A reply in a thread answers in that thread; a top-level message starts its own.
            thread_ts=message.get("thread_ts") or message.get("ts"),
        )
        await client.views_open(
            trigger_id=shortcut["trigger_id"], view=build_form(tourbot, values, context)
        )

    app.shortcut(BOOK_FROM_MESSAGE)(book_from_message)
