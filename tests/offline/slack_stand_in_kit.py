"""What the Slack stand-in's tests share: a stand-in that grants every scope, slack-sdk's
real client on it, and helpers that build a modal or catch a refusal."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.offline.slack import SlackStandIn

Json = dict[str, Any]


@pytest.fixture
async def slack() -> AsyncIterator[SlackStandIn]:
    async with SlackStandIn() as stand_in:
        yield stand_in


@pytest.fixture
def client(slack: SlackStandIn) -> AsyncWebClient:
    return AsyncWebClient(token="xoxb-test", base_url=slack.api_url)


def modal(*blocks: Json, title: str = "Book a tour", **extra: Any) -> Json:
    view: Json = {"type": "modal", "title": {"type": "plain_text", "text": title}}
    view["blocks"] = list(blocks) or [section("Pick a time")]
    return {**view, **extra}


def section(text: str) -> Json:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


async def refusal(call: Any) -> SlackApiError:
    with pytest.raises(SlackApiError) as caught:
        await call
    return caught.value
