"""What the conversation tests share: a booking thread as the agent sees it (what they write,
what the bot answers, its buttons), and waiting for what the bot does in the background."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from bot.offline.slack import BOT_USER_ID, DEFAULT_AGENT_ID, DEFAULT_CHANNEL_ID, PostedMessage
from bot.store import BookingState
from tests.harness import RunningBot

CREATE = "POST /crm/v1/appointments/eliseai"
MENTION = f"<@{BOT_USER_ID}>"
OTHER_AGENT = "U0AGENT02"


class Thread:
    """A booking conversation as the agent sees it: what they write, what the bot answers."""

    def __init__(self, bot: RunningBot, channel: str = DEFAULT_CHANNEL_ID) -> None:
        self.bot = bot
        self.channel = channel
        self.ts = ""

    async def start(self, text: str) -> PostedMessage:
        """Write a top-level message (a mention in a channel, anything in a DM); returns the
        bot's answer in the thread under it."""
        message = self.bot.slack.add_message(self.channel, text)
        self.ts = message.ts
        for response in await self.bot.agent.say(self.channel, text, message.ts):
            assert response.status_code == 200
        return await self.answer(1)

    async def say(self, text: str, *, expect: int | None = 1) -> PostedMessage | None:
        """Reply in the thread; returns the bot's next answer (None when `expect` is None)."""
        before = len(self.bot_messages())
        message = self.bot.slack.add_message(self.channel, text, thread_ts=self.ts)
        for response in await self.bot.agent.say(self.channel, text, message.ts, thread_ts=self.ts):
            assert response.status_code == 200
        if expect is None:
            return None
        return await self.answer(before + expect)

    async def click(self, action_id: str, message: PostedMessage | None = None) -> None:
        message = message or self.latest()
        button = next(b for b in buttons(message) if b["action_id"] == action_id)
        response = await self.bot.agent.click(self.channel, message.ts, action_id, button["value"])
        assert response.status_code == 200

    async def answer(self, count: int, timeout: float = 10.0) -> PostedMessage:
        """Wait until the bot has posted `count` messages in the thread; returns the last."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self.bot_messages()) < count:
            if loop.time() > deadline:
                said = [m.text for m in self.bot_messages()]
                raise AssertionError(f"the bot said {len(said)} of {count} messages: {said}")
            await asyncio.sleep(0.02)
        return self.bot_messages()[count - 1]

    def bot_messages(self) -> list[PostedMessage]:
        return [m for m in self.bot.slack.thread(self.channel, self.ts) if m.bot_id]

    def latest(self) -> PostedMessage:
        return self.bot_messages()[-1]


def buttons(message: PostedMessage) -> list[dict[str, Any]]:
    return [
        element
        for block in message.blocks or []
        if block.get("type") == "actions"
        for element in block["elements"]
    ]


def shown(message: PostedMessage) -> str:
    return json.dumps(message.blocks, ensure_ascii=False)


async def settled(bot: RunningBot, thread: Thread) -> str:
    """Wait until the booking this thread made is confirmed or failed; returns its state."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while loop.time() < deadline:
        bookings = await bot.tourbot.store.bookings_for_user(DEFAULT_AGENT_ID)
        assert len(bookings) <= 1
        if bookings and bookings[0].state in (BookingState.CONFIRMED, BookingState.FAILED):
            await asyncio.sleep(0.1)  # its thread reply follows the state change
            return bookings[0].state.value
        await asyncio.sleep(0.05)
    raise AssertionError("the booking did not settle")


async def eventually(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "the condition did not come true"
        await asyncio.sleep(0.02)


async def quiet(seconds: float = 0.3) -> None:
    """Time for the bot to (not) answer something it should ignore."""
    await asyncio.sleep(seconds)
