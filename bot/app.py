"""The one place where the domain meets Slack: the Bolt app, with every listener registered."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

import handlers
from bot.access import AccessPolicy
from bot.tourbot import Tourbot
from handlers import access, retries
from handlers.listeners import ListenerWork

logger = logging.getLogger(__name__)
RATE_LIMIT_RETRIES = 2  # each after the Retry-After Slack gives (a second, for a busy channel)


def slack_retries() -> list[AsyncRetryHandler]:
    """What every Slack client of the bot tries again: a dropped connection (slack-sdk's default)
    and a 429, after its Retry-After; otherwise a burst of thread updates loses some."""
    return [
        AsyncConnectionErrorRetryHandler(),
        AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
    ]


def slack_client(token: str | None, base_url: str) -> AsyncWebClient:
    """A Web API client for SLACK_API_URL that waits out Slack's rate limits."""
    return AsyncWebClient(
        token=token, base_url=base_url, timeout=10, retry_handlers=slack_retries()
    )


def build_app(tourbot: Tourbot, *, signing_secret: str | None = None) -> AsyncApp:
    """The Bolt app; every Web API call goes to SLACK_API_URL."""
    settings = tourbot.settings
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    secret = signing_secret or (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    )
    app = AsyncApp(
        signing_secret=secret,
        # Bolt's client for each request copies this one's retry handlers.
        client=slack_client(token, settings.slack_api_url),
        # Socket Mode has no signatures to check; HTTP mode always does.
        request_verification_enabled=secret is not None,
        logger=logging.getLogger("tourbot.slack"),
    )

    async def on_error(error: Exception, body: dict[str, Any]) -> None:
        # Never a traceback to the agent: log it; the listener already answered what it could.
        kind = body.get("type") if isinstance(body, dict) else None
        logger.error("unhandled error in a %s listener", kind, exc_info=error)

    app.error(on_error)
    # Before any listener: a refused request never reaches one.
    access.register(app, AccessPolicy.from_settings(settings, access.member_lookup(app.client)))
    retries.register(app, tourbot.store.dialogues)
    handlers.register(app, tourbot)
    work = ListenerWork()
    work.watch(app)
    tourbot.finish_before_closing(work.finished)
    return app
