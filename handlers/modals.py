"""Opening a modal from a trigger, and telling the agent in words when Slack would not open it
(a trigger_id lives 3 seconds; a slow moment is enough to lose it)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

logger = logging.getLogger(__name__)

# views.open errors that mean the click or command was too long ago (or already used).
TRIGGER_ERRORS = {"expired_trigger_id", "exchanged_trigger_id", "invalid_trigger_id"}
# A Web API call that got no answer at all: Slack is down, or unreachable from here.
UNREACHABLE = (aiohttp.ClientError, TimeoutError)


@dataclass(frozen=True)
class ReplyTo:
    """Where a note only the agent sees goes: the channel (or its thread) if the bot may post
    there, else the request's response_url."""

    user_id: str
    channel_id: str | None = None
    thread_ts: str | None = None
    response_url: str | None = None

    @classmethod
    def of_click(cls, body: Mapping[str, Any], *, thread_ts: str | None = None) -> ReplyTo:
        """For a button in a message or a message shortcut: that message's channel and thread."""
        message = body.get("message") or {}
        return cls(
            user_id=body["user"]["id"],
            channel_id=(body.get("channel") or {}).get("id"),
            thread_ts=message.get("thread_ts") or thread_ts,
            response_url=body.get("response_url"),
        )


async def open_modal(
    client: AsyncWebClient,
    trigger_id: str,
    view: View | dict[str, Any],
    *,
    reply_to: ReplyTo,
    again: str,
) -> dict[str, Any] | None:
    """`views.open`, returning the opened view; if Slack refuses, the agent is told why and
    `again` (what to do, e.g. "Type /tour again."), and None is returned."""
    try:
        answer = await client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as exc:
        error = exc.response.get("error") or f"HTTP {exc.response.status_code}"
        logger.warning("views.open for %s failed: %s", reply_to.user_id, error)
        await tell_agent(client, reply_to, form_not_opened(str(error), again))
        return None
    except UNREACHABLE as exc:
        logger.warning(
            "views.open for %s got no answer from Slack: %s", reply_to.user_id, exc or "timed out"
        )
        await tell_agent(client, reply_to, f"Tourbot could not reach Slack just now. {again}")
        return None
    opened: dict[str, Any] = answer["view"]
    return opened


def form_not_opened(error: str, again: str) -> str:
    late = " in time" if error in TRIGGER_ERRORS else ""
    return f"Slack didn't open the booking form{late} ({error}). {again}"


async def tell_agent(client: AsyncWebClient, reply_to: ReplyTo, text: str) -> None:
    """An ephemeral note to the agent; best effort, since nothing else depends on it."""
    if reply_to.channel_id:
        try:
            await client.chat_postEphemeral(
                channel=reply_to.channel_id,
                user=reply_to.user_id,
                text=text,
                thread_ts=reply_to.thread_ts,
            )
            return
        except SlackApiError as exc:  # e.g. a channel the bot is not in: the response_url is
            logger.info("chat.postEphemeral refused: %s", exc.response.get("error"))
        except UNREACHABLE:  # the response_url may still be reachable (another host)
            logger.info("chat.postEphemeral got no answer from Slack")
    if reply_to.response_url:
        try:
            answer = await AsyncWebhookClient(reply_to.response_url).send(
                text=text, response_type="ephemeral", replace_original=False
            )
        except Exception as exc:  # any failure here costs only the note
            logger.warning("response_url refused a note: %s", exc or "no answer in time")
            return
        if answer.status_code == 200:
            return
        logger.warning("response_url answered %s", answer.status_code)
    logger.warning("could not tell %s what happened: Slack took the note nowhere", reply_to.user_id)
