"""The one place where the domain meets Slack: the Bolt app, with every listener registered."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

import handlers
from bot.access import AccessPolicy
from bot.tourbot import Tourbot
from handlers import access, retries
from handlers.listeners import ListenerWork

logger = logging.getLogger(__name__)


def build_app(tourbot: Tourbot, *, signing_secret: str | None = None) -> AsyncApp:
    """The Bolt app; every Web API call goes to SLACK_API_URL."""
    settings = tourbot.settings
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    secret = signing_secret or (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    )
    app = AsyncApp(
        signing_secret=secret,
        client=AsyncWebClient(token=token, base_url=settings.slack_api_url, timeout=10),
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
