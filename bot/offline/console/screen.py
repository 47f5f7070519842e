"""What the person sees of Slack: the form in front of them, notes only they see, the channel's
messages and threads, printed as text when they change; and waiting for the bot to be done."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx

from bot.offline.console.form import FormState
from bot.offline.console.io import Output
from bot.offline.console.render import Buttons, Names, form_lines, message_lines
from bot.offline.runner import RunningBot
from bot.offline.slack import BOT_USER_ID, DEFAULT_CHANNEL_ID, PostedMessage, StandInView

QUIET = 0.25  # seconds without a Slack call after which the bot is taken to be done
POLL = 0.05
BUSY = frozenset({"accepted", "sending", "submitted"})  # a booking on its way to EliseAI


class ErrorTally(logging.Handler):
    """Collects what the bot logs as errors, so the person hears of them in a sentence."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage().splitlines()[0] if record.msg else "")


class Screen:
    def __init__(
        self,
        bot: RunningBot,
        out: Output,
        *,
        zone: ZoneInfo,
        shift: timedelta = timedelta(0),
        tally: ErrorTally | None = None,
    ) -> None:
        """`shift` moves the times messages are shown at (the console's `--now`)."""
        self.bot = bot
        self.slack = bot.slack
        self.user_id = bot.agent.user_id
        self.out = out
        self.zone = zone
        self.shift = shift
        self.tally = tally
        self.names = Names(self._user_name, self._channel_name, zone)
        self.buttons = Buttons()
        self.channels = [DEFAULT_CHANNEL_ID]
        self.shown: dict[tuple[str, str], list[str]] = {}  # messages as last printed
        self.states: dict[str, FormState] = {}  # what was typed, by view id
        self.form_root: str | None = None
        self.top_shown: tuple[str, str] | None = None  # (view id, hash) of the form last printed
        self.last_thread: tuple[str, str] | None = None
        self._calls_read = self._notes_read = self._errors_read = 0

    # -- the form in front -----------------------------------------------------------------------

    def stack(self) -> list[StandInView]:
        """The agent's open form stack, bottom first: the one being shown, else the newest."""
        mine = [v for v in self.slack.views.values() if v.user == self.user_id]
        roots = [v.id for v in mine if v.root_view_id == v.id]
        if not roots:
            return []
        root = self.form_root if self.form_root in roots else roots[-1]
        return self.slack.view_stack(root)

    def top(self) -> StandInView | None:
        stack = self.stack()
        return stack[-1] if stack else None

    def state(self, view_id: str) -> FormState:
        return self.states.setdefault(view_id, FormState())

    def show_form(self, view: StandInView) -> None:
        self.out("", *form_lines(view.payload, self.state(view.id), view.errors, self.names))
        self.top_shown = (view.id, view.hash)

    # -- news ------------------------------------------------------------------------------------

    def news(self) -> bool:
        """Print what changed since last time: a form opened or replaced, notes only the agent
        sees, new and edited messages. True if anything was printed."""
        printed = self._form_news()
        printed = self._note_news() or printed
        printed = self._channel_news() or printed
        return self._error_news() or printed

    def meanwhile(self) -> list[str]:
        """News to show while the person is at the channel's prompt (a form has its own)."""
        if self.top() is not None:
            return []
        with self.out.held() as lines:
            self.news()
        return lines

    def show_channel(self) -> bool:
        self.shown.clear()
        return self._channel_news()

    def mark_shown(self, message: PostedMessage) -> None:
        """The person wrote it: it needs no printing unless something answers it."""
        self.shown[(message.channel, message.ts)] = self._lines(message)

    def ack_text(self, response: httpx.Response, channel: str) -> None:
        """A slash command's answer in the ack itself, which Slack shows only to the agent."""
        text = response.text.strip()
        if not text:
            return
        try:
            body = json.loads(text)
        except ValueError:
            body = {"text": text}
        if isinstance(body, dict) and (body.get("text") or body.get("blocks")):
            lines = message_lines(
                str(body.get("text", "")), body.get("blocks"), self.names, self.buttons,
                channel=channel, ts="",
            )  # fmt: skip
            self.out(f"(only you can see this) Tourbot: {lines[0]}", *lines[1:])

    def _form_news(self) -> bool:
        stack = self.stack()
        if not stack:
            self.form_root = self.top_shown = None
            return False
        top = stack[-1]
        if self.top_shown == (top.id, top.hash):
            return False
        self.form_root = stack[0].id
        self.show_form(top)
        return True

    def _note_news(self) -> bool:
        notes = self.slack.ephemerals(user=self.user_id)
        fresh, self._notes_read = notes[self._notes_read :], len(notes)
        for note in fresh:
            body = message_lines(
                note.text, note.blocks, self.names, self.buttons, channel=note.channel or "",
                ts=note.ts,
            )  # fmt: skip
            self.out(f"(only you can see this) Tourbot: {body[0]}", *body[1:])
        return bool(fresh)

    def _channel_news(self) -> bool:
        self._find_channels()
        printed = False
        for channel in self.channels:
            for parent in self.slack.messages(channel):
                replies = self.slack.thread(channel, parent.ts)
                lines = self._lines(parent)
                seen = self.shown.get((channel, parent.ts))
                fresh = [r for r in replies if self.shown.get((channel, r.ts)) != self._lines(r)]
                if seen == lines and not fresh:
                    continue
                self._print_thread(channel, parent, lines, seen, replies, fresh)
                printed = True
        return printed

    def _print_thread(
        self,
        channel: str,
        parent: PostedMessage,
        lines: list[str],
        seen: list[str] | None,
        replies: list[PostedMessage],
        fresh: list[PostedMessage],
    ) -> None:
        edited = " · updated" if seen is not None and seen != lines else ""
        head = f"{self.place(channel)} · {self._sender(parent)}, {self._clock(parent.ts)}{edited}"
        self.out("", head, *(f"│ {line}" for line in lines))
        self.shown[(channel, parent.ts)] = lines
        earlier = sum(1 for r in replies if (channel, r.ts) in self.shown and r not in fresh)
        if earlier:
            self.out(f"┆ ({earlier} earlier {'reply' if earlier == 1 else 'replies'})")
        for index, reply in enumerate(fresh):
            body = self._lines(reply)
            last = index == len(fresh) - 1
            self.out(
                f"{'└' if last else '├'} {self._sender(reply)}, {self._clock(reply.ts)}: {body[0]}",
                *(f"{' ' if last else '│'}   {line}" for line in body[1:]),
            )
            self.shown[(channel, reply.ts)] = body
        if replies or parent.user == BOT_USER_ID:
            self.last_thread = (channel, parent.ts)

    def _error_news(self) -> bool:
        if self.tally is None:
            return False
        fresh = self.tally.messages[self._errors_read :]
        self._errors_read = len(self.tally.messages)
        for message in fresh:
            self.out(f"Tourbot logged an error: {message}. (--log FILE keeps the details.)")
        return bool(fresh)

    # -- waiting for the bot ---------------------------------------------------------------------

    async def settle(self, limit: float, *, bookings: bool = False) -> bool:
        """Wait until the bot has made no Slack call for a moment and works on no request (and,
        with `bookings`, none of the agent's bookings is still on its way), `limit` seconds at
        most. False if it wasn't."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        count, changed = len(self.slack.calls), start
        while True:
            await asyncio.sleep(POLL)
            now = loop.time()
            if (seen := len(self.slack.calls)) != count:
                count, changed = seen, now
            elif self.bot.tourbot.work_under_way:
                changed = now  # a request is still being worked on: its Slack calls may follow
            elif bookings and await self._bookings_busy():
                # The store moves first and Slack hears second: quiet counts from the move.
                changed = now
            if now - changed >= QUIET:
                return True
            if now - start >= limit:
                return False

    async def _bookings_busy(self) -> bool:
        bookings = await self.bot.tourbot.store.bookings_for_user(self.user_id)
        return any(str(booking.state) in BUSY for booking in bookings)

    # -- names -----------------------------------------------------------------------------------

    def place(self, channel_id: str) -> str:
        channel = self.slack.channel(channel_id)
        if channel is not None and channel.kind == "im":
            return "Direct messages with Tourbot"
        return f"#{channel.name if channel else channel_id}"

    def _find_channels(self) -> None:
        calls = self.slack.calls
        for call in calls[self._calls_read :]:
            channel = call.response.get("channel") if call.method == "chat.postMessage" else None
            if isinstance(channel, str) and channel not in self.channels:
                self.channels.append(channel)
        self._calls_read = len(calls)

    def _lines(self, message: PostedMessage) -> list[str]:
        return message_lines(
            message.text, message.blocks, self.names, self.buttons, channel=message.channel,
            ts=message.ts,
        )  # fmt: skip

    def _sender(self, message: PostedMessage) -> str:
        user = self.slack.user(message.user)
        return (user.real_name or user.name) if user else message.user

    def _clock(self, ts: str) -> str:
        moment = datetime.fromtimestamp(float(ts), self.zone) + self.shift
        return moment.strftime("%I:%M %p").lstrip("0")

    def _user_name(self, user_id: str) -> str | None:
        user = self.slack.user(user_id)
        return user.name if user else None

    def _channel_name(self, channel_id: str) -> str | None:
        channel = self.slack.channel(channel_id)
        return channel.name if channel else None
