"""Slack retries an event it thinks went unanswered (up to three times, even while the first
delivery is still being handled): each `event_id` is handled once, whichever instance sees it."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse

from bot.store import Dialogues

logger = logging.getLogger(__name__)


def register(app: AsyncApp, seen: Dialogues) -> None:
    async def once_per_event(
        body: dict[str, Any], next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if isinstance(event_id, str) and not await seen.first_sighting(f"event:{event_id}"):
            logger.info("event %s delivered again; handled already", event_id)
            return BoltResponse(status=200, body="")
        await next()
        return None

    app.middleware(once_per_event)
