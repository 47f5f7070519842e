"""Events: the App Home tab, with the agent's upcoming and recent tours."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.store import BookingState
from bot.tourbot import Tourbot
from handlers.blocks import home_view

LIVE = {BookingState.ACCEPTED, BookingState.SENDING, BookingState.SUBMITTED, BookingState.CONFIRMED}


def register(app: AsyncApp, tourbot: Tourbot) -> None:
    async def show_home(event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        user_id = event["user"]
        upcoming = await tourbot.store.upcoming_for_user(user_id, LIVE, limit=15)
        recent = await tourbot.store.bookings_for_user(user_id, limit=10)
        await client.views_publish(user_id=user_id, view=home_view(upcoming, recent))

    app.event("app_home_opened")(show_home)
