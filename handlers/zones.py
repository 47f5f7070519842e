"""The agent's time zone from Slack (`users.info`, scope users:read)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

logger = logging.getLogger(__name__)


def fetch_agent_zone(client: AsyncWebClient, user_id: str) -> Callable[[], Awaitable[str | None]]:
    async def fetch() -> str | None:
        try:
            answer = await client.users_info(user=user_id)
        except SlackApiError as exc:
            logger.warning("users.info for %s failed: %s", user_id, exc.response.get("error"))
            return None
        user = answer.get("user") or {}
        zone = user.get("tz") if isinstance(user, dict) else None
        return str(zone) if zone else None

    return fetch
