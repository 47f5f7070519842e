"""The one place where the domain meets Slack: the Bolt app, with every listener registered."""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

import handlers
from bot.access import AccessPolicy
from bot.logs import reason
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
    return point_at(AsyncWebClient(token=token), base_url)


def point_at(client: AsyncWebClient, base_url: str) -> AsyncWebClient:
    """`client`, set to call SLACK_API_URL with a hard timeout and Tourbot's retries."""
    client.base_url, client.timeout, client.retry_handlers = base_url, 10, slack_retries()
    return client


def build_app(tourbot: Tourbot, *, signing_secret: str | None = None) -> AsyncApp:
    """The Bolt app; every Web API call goes to SLACK_API_URL."""
    settings = tourbot.settings
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    secret = signing_secret or (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    )
    app = AsyncApp(
        # The token, not a client of ours: given both, Bolt warns on every start.
        token=token,
        signing_secret=secret,
        # Socket Mode has no signatures to check; HTTP mode always does.
        request_verification_enabled=secret is not None,
        logger=logging.getLogger("tourbot.slack"),
    )
    # Bolt's client for each request copies this one's base URL and retry handlers.
    point_at(app.client, settings.slack_api_url)
    app.error(on_error)
    # Before any listener: a refused request never reaches one.
    policy = AccessPolicy.from_settings(settings, access.member_lookup(app.client))
    access.register(app, policy, tourbot.store.holds_thread)
    retries.register(app, tourbot.store.dialogues)
    handlers.register(app, tourbot)
    work = ListenerWork()
    work.watch(app)
    tourbot.finish_before_closing(work.finished)
    tourbot.count_work_under_way(lambda: work.running)
    return app


# A Web API call that never got an answer: Slack is down, or this host cannot reach it.
SLACK_UNREACHABLE = (aiohttp.ClientError, TimeoutError, ConnectionError)
# What a listener raises reading a payload that is not shaped as Slack's are.
PAYLOAD_SHAPE_ERRORS = (KeyError, TypeError, AttributeError, IndexError, ValueError)


async def on_error(
    error: Exception, body: dict[str, Any], response: BoltResponse | None
) -> BoltResponse | None:
    """One line in the log and, while Slack still waits for an answer (`response`), an answer
    in words; a traceback only for what no one foresaw. Never a 500 for an agent to puzzle over."""
    kind = _kind(body)
    if isinstance(error, SLACK_UNREACHABLE):
        logger.warning("Slack could not be reached while answering %s: %s", kind, reason(error))
        return None if response is None else slack_unreachable_answer(body)
    if isinstance(error, PAYLOAD_SHAPE_ERRORS):
        logger.warning(
            "could not handle %s: its payload is not shaped as Slack's are (%s at %s)",
            kind,
            _shape_error(error),
            _where(error),
        )
        return None if response is None else BoltResponse(status=400, body="")
    logger.error("unhandled error in %s", kind, exc_info=error)
    return None


def slack_unreachable_answer(body: Mapping[str, Any]) -> BoltResponse:
    """The answer to Slack's request itself, which still reaches the agent when the Web API
    does not: a sentence for a command, the open form kept with a note for a submission."""
    sorry = "Tourbot could not reach Slack just now"
    if isinstance(body.get("command"), str):
        text = f"{sorry}, so nothing opened. Type {body['command']} again in a minute."
        return _json(200, {"response_type": "ephemeral", "text": text})
    if body.get("type") == "view_submission":
        view = body.get("view")
        view = view if isinstance(view, Mapping) else {}
        inputs = [
            b.get("block_id")
            for b in view.get("blocks") or []
            if isinstance(b, Mapping) and b.get("type") == "input"
        ]
        if inputs:
            note = f"{sorry}; nothing was booked. Submit again in a minute."
            return _json(200, {"response_action": "errors", "errors": {inputs[0]: note}})
    if body.get("type") == "block_suggestion":
        return _json(200, {"options": []})
    return BoltResponse(status=200, body="")


def _json(status: int, answer: Mapping[str, Any]) -> BoltResponse:
    return BoltResponse(
        status=status, body=json.dumps(answer), headers={"content-type": "application/json"}
    )


def _kind(body: object) -> str:
    if not isinstance(body, Mapping):
        return "a request"
    if isinstance(body.get("command"), str):
        return f"the {body['command']} command"
    kind = body.get("type")
    return f"a request of type {kind}" if isinstance(kind, str) else "a request"


def _shape_error(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"no {error} in it"
    if isinstance(error, ValueError):  # its message may repeat a value the agent typed
        return "a value of the wrong kind"
    return str(error) or "a part of the wrong kind"


def _where(error: Exception) -> str:
    """The line of Tourbot's code that read the payload (the last frame outside libraries)."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if "site-packages" not in f.filename] or frames
    if not ours:
        return "an unknown place"
    path = PurePath(ours[-1].filename)
    return f"{path.parent.name}/{path.name}:{ours[-1].lineno}"
