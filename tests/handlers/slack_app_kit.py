"""Helpers for the Slack front end's end-to-end tests (signed requests to the bot's real
server): open the booking form with /tour, and read the booking's thread."""

from __future__ import annotations

import json
from typing import Any

from bot.offline.slack import DEFAULT_CHANNEL_ID
from tests.harness import RunningBot

CREATE = "POST /crm/v1/appointments/eliseai"
# Times are read from a Wednesday morning in the agent's Chicago: "tomorrow" is Thu, Nov 26.
EXAMPLE = "Jane Doe jane@example.com 555-201-7788 tomorrow at 3pm self-guided, 2br, $1,800-2,200"


async def open_form(bot: RunningBot, text: str = EXAMPLE) -> str:
    """/tour <text>; returns the id of the modal it opened."""
    response = await bot.agent.command(text)
    assert response.status_code == 200 and response.text == ""
    [opened] = await bot.slack.wait_for("views.open")
    assert opened.ok, opened.response
    view_id: str = opened.response["view"]["id"]
    return view_id


def replies(bot: RunningBot, channel: str = DEFAULT_CHANNEL_ID) -> list[Any]:
    [parent] = bot.slack.messages(channel)
    return bot.slack.thread(channel, parent.ts)


async def wait_for_reply(bot: RunningBot, count: int, channel: str = DEFAULT_CHANNEL_ID) -> None:
    await bot.slack.wait_for(
        "chat.postMessage",
        count + 1,
        timeout=10,
        where=lambda call: call.args.get("channel") == channel,
    )


def block_texts(message: Any) -> str:
    return json.dumps(message.blocks)


def button_value(message: Any, action_id: str) -> str:
    """The value of the button `action_id` in a posted message, as a click would send it."""
    for block in message.blocks or []:
        for element in block.get("elements") or []:
            if element.get("action_id") == action_id:
                value: str = element["value"]
                return value
    raise AssertionError(f"no {action_id} button in {message.text!r}")
