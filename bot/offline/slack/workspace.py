"""The state one Slack workspace keeps (people, conversations, messages, views, trigger ids,
response URLs) and the access rules every Web API method family shares, behind one lock."""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from bot.offline.slack.constants import WORKSPACE_URL, Json
from bot.offline.slack.records import (
    EphemeralMessage,
    PostedMessage,
    ResponseUrl,
    SlackChannel,
    SlackUser,
    StandInView,
    Trigger,
)

# A Web API method's answer to its arguments (without `ok`); it raises Refusal to refuse.
Handler = Callable[[Json], Json]


class Refusal(Exception):
    """Raised by a method handler: Slack's `{"ok": false, "error": ...}` answer."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


def dm_channel_id(user: str) -> str:
    """The id of the bot's DM with `user`."""
    # Stable across runs, so a console or a recorded test sees the same DM id every time.
    return "D" + hashlib.sha1(user.encode()).hexdigest()[:10].upper()


class Workspace:
    """One workspace as Slack keeps it, shared by the method families. `lock` guards it all: the
    server may run on another thread than the tests reading it."""

    def __init__(
        self,
        *,
        token: str | None,
        app_token: str | None,
        strict: bool,
        scopes: Sequence[str],
        trigger_ttl: float,
        team_id: str,
        bot_user_id: str,
        bot_id: str,
    ) -> None:
        self.token = token  # None: any xoxb-/xoxp- token is accepted
        self.app_token = app_token  # None: any xapp- token is accepted
        self.strict = strict
        self.scopes = list(scopes)
        self.trigger_ttl = trigger_ttl
        self.team_id, self.bot_user_id, self.bot_id = team_id, bot_user_id, bot_id
        self.workspace_url = WORKSPACE_URL
        self.served_url: str | None = None  # the server's base URL while it runs

        self.lock = threading.RLock()
        self.users: dict[str, SlackUser] = {}
        self.channels: dict[str, SlackChannel] = {}
        self.messages: dict[str, list[PostedMessage]] = {}
        self.ephemerals: list[EphemeralMessage] = []
        self.views: dict[str, StandInView] = {}
        self.stacks: dict[str, list[str]] = {}  # root view id -> view ids, bottom first
        self.homes: dict[str, StandInView] = {}  # user id -> published home tab
        self.triggers: dict[str, Trigger] = {}
        self.response_urls: dict[str, ResponseUrl] = {}
        self._last_ts_us = 0
        self._ids = itertools.count(1)

    @property
    def url(self) -> str:
        """The base URL, e.g. `http://127.0.0.1:54321`."""
        if self.served_url is None:
            raise RuntimeError("The Slack stand-in is not running; use `async with` or start().")
        return self.served_url

    def next_id(self) -> int:
        """A number not handed out before, to make ids unique."""
        return next(self._ids)

    def next_ts(self) -> str:
        # Unique and increasing, in Slack's "seconds.microseconds" form, close to the wall clock.
        self._last_ts_us = max(int(time.time() * 1_000_000), self._last_ts_us + 1)
        return f"{self._last_ts_us // 1_000_000}.{self._last_ts_us % 1_000_000:06d}"

    # -- conversations as the bot may use them -------------------------------------------------

    def ensure_channel(self, channel_id: str, *, create: bool) -> SlackChannel | None:
        channel = self.channels.get(channel_id)
        if channel is None and create and channel_id[:1] in ("C", "G"):
            channel = self.channels[channel_id] = SlackChannel(
                id=channel_id, name=channel_id.lower()
            )
        elif channel is None and channel_id[:1] == "D":
            # The bot's DM with a person exists from their first message, as in Slack.
            user = next((u for u in self.users if dm_channel_id(u) == channel_id), None)
            if user is not None:
                channel = self.channels[channel_id] = SlackChannel(
                    id=channel_id, name=channel_id.lower(), kind="im", user=user
                )
        return channel

    def visible_channel(self, channel_id: str | None) -> SlackChannel:
        if channel_id is None:
            raise Refusal("channel_not_found")
        channel = self.ensure_channel(channel_id, create=not self.strict)
        if channel is None or not channel.visible_to_bot:
            raise Refusal("channel_not_found")
        return channel

    def readable_channel(self, channel_id: str | None) -> SlackChannel:
        channel = self.visible_channel(channel_id)
        if not channel.bot_is_member:
            raise Refusal("not_in_channel")
        return channel

    def postable_channel(self, channel_id: str | None) -> SlackChannel:
        # A user id posts to the bot's DM with that person, as Slack does.
        if channel_id is not None and channel_id[:1] in ("U", "W") and channel_id in self.users:
            dm = dm_channel_id(channel_id)
            if dm not in self.channels:
                self.channels[dm] = SlackChannel(id=dm, name=dm.lower(), kind="im", user=channel_id)
            return self.channels[dm]
        channel = self.visible_channel(channel_id)
        if channel.bot_is_member:
            return channel
        if channel.kind == "public" and "chat:write.public" in self.scopes:
            return channel
        raise Refusal("not_in_channel")

    # -- messages ------------------------------------------------------------------------------

    def find_message(self, channel: str, ts: str) -> PostedMessage | None:
        for message in self.messages.get(channel, []):
            if message.ts == ts and not message.deleted:
                return message
        return None

    def thread_root(self, channel: str, thread_ts: str | None) -> str | None:
        # Replying to a reply lands in the parent's thread, as in Slack.
        if thread_ts is None:
            return None
        parent = self.find_message(channel, thread_ts)
        return parent.thread_ts if parent is not None and parent.thread_ts else thread_ts

    def channel_messages(
        self, channel: str, *, include_replies: bool = False
    ) -> list[PostedMessage]:
        """The channel's messages, oldest first: top-level ones (and broadcast replies), or all."""
        with self.lock:
            return [
                m
                for m in self.messages.get(channel, [])
                if not m.deleted and (include_replies or not m.is_reply or m.reply_broadcast)
            ]

    def thread(self, channel: str, ts: str) -> list[PostedMessage]:
        """The replies in the thread whose parent has `ts`, oldest first (the parent excluded)."""
        with self.lock:
            return [
                m
                for m in self.messages.get(channel, [])
                if m.is_reply and m.thread_ts == ts and not m.deleted
            ]
