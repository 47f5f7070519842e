"""A console session: each line the person types becomes the signed request Slack would send to
the real bot; the `Screen` then prints what the bot did, as it arrives."""

from __future__ import annotations

import logging
import re
from collections.abc import Collection

import httpx

from bot.offline.agent import SlackAgentError
from bot.offline.console import commands as cmd
from bot.offline.console.errors import ConsoleError
from bot.offline.console.faults import inject, parse_fault
from bot.offline.console.form import (
    MULTI,
    Field,
    FormState,
    check_typed,
    choices,
    choose_many,
    choose_static,
    fields,
    find,
    option_list,
)
from bot.offline.console.io import Input, Output
from bot.offline.console.render import attached_lines, carries, field_line
from bot.offline.console.screen import Screen
from bot.offline.runner import RunningBot
from bot.offline.slack import BOT_USER_ID, DEFAULT_CHANNEL_ID, InvalidViewResponse, StandInView

logger = logging.getLogger(__name__)

ACTION_WAIT = 5.0  # at most, after a command, a click or a keystroke
BOOKING_WAIT = 15.0  # at most, after a submission, for the booking's thread to settle
WAIT = 10.0  # `wait` without a number

HELP = """\
/tour [request]      open the booking form, filled from the request
N, click LABEL       press the button shown as [N], or the latest one with that label
wait [SECONDS]       let Tourbot's background work arrive (Enter alone shows what came)
reply TEXT           answer in the thread Tourbot posted in last
fault SPEC           make Propexo misbehave: 400[:message], 429, 5xx, timeout,
                     write-failure[:reason]; add xN to hit the next N requests
show                 show the channel (or the open form) again
anything else        a message to Tourbot in the channel (@Tourbot mentions it)
quit, Ctrl-D         leave
In a form: Field = value fills a field (Field = clears it), a field's name asks for it,
submit presses the submit button, cancel (or back) closes the form; a form's own buttons
are pressed by their labels too (click Book at this time, click Back)."""


class Quitting(Exception):
    """The person left (quit, or the end of their input)."""


class Session:
    def __init__(
        self, bot: RunningBot, screen: Screen, out: Output, *, hang_seconds: float
    ) -> None:
        self.bot = bot
        self.slack = bot.slack
        self.agent = bot.agent
        self.screen = screen
        self.out = out
        self.hang_seconds = hang_seconds
        self.channel = DEFAULT_CHANNEL_ID
        self.listed: dict[str, list[tuple[str, str]]] = {}  # a select's choices `?` numbered

    # -- the loop -----------------------------------------------------------------------------

    async def run(self, source: Input) -> int:
        """Play `source` to its end; 1 if a script line could not be done, else 0."""
        while True:
            self.screen.news()
            try:
                line = await source.read(self.prompt(), self.screen.meanwhile)
                if line is None:
                    return 0
                await self.handle(line, source)
            except Quitting:
                return 0
            except ConsoleError as exc:
                self.out(f"{source.where()}{exc}")
                if not source.interactive:
                    return 1
            except BrokenPipeError:
                raise  # nobody is reading any more
            except Exception as exc:  # the console's own bug: a sentence here, details in the log
                logger.exception("console command failed")
                self.out(
                    f"{source.where()}The console could not do that ({type(exc).__name__}: "
                    f"{exc}). Run it with --log FILE to keep the details."
                )
                if not source.interactive:
                    return 1

    def prompt(self) -> str:
        top = self.screen.top()
        if top is not None:
            return f"{top.title or 'Form'}> "
        return f"{self.screen.place(self.channel)}> "

    async def handle(self, line: str, source: Input) -> None:
        command = cmd.parse(line, form_open=self.screen.top() is not None)
        match command:
            case cmd.Quit():
                raise Quitting
            case cmd.Help():
                self.out(*HELP.splitlines())
            case cmd.Nothing():
                if self.screen.top() is not None:
                    self.out(self._form_help())
                elif not self.screen.news():
                    self.out("Nothing new.")
            case cmd.Show():
                self.show()
            case cmd.SlashCommand(text):
                await self.slash_command(text, source)
            case cmd.SetField(name, value):
                await self.fill(self._field(name), value, source)
            case cmd.AskField(name) | cmd.Click(name) if pressed := self._form_button(name):
                # The open form's own buttons, by their labels: "Book at this time", "Back".
                if pressed == "submit":
                    await self.submit(source)
                else:
                    self.close_form()
            case cmd.AskField(name):
                await self.walk(source, only={self._field(name).block_id})
            case cmd.Submit():
                await self.submit(source)
            case cmd.CloseForm():
                self.close_form()
            case cmd.Click(target):
                await self.click(target, source)
            case cmd.Wait(seconds):
                await self.wait(WAIT if seconds is None else seconds)
            case cmd.InjectFault(spec):
                fault = parse_fault(spec)
                inject(self.bot.propexo, fault, hang_seconds=self.hang_seconds)
                self.out(f"From now on, {fault.describe()}")
            case cmd.Say(text):
                await self.say(text)
            case cmd.Reply(text):
                await self.reply(text)

    # -- what the person does ------------------------------------------------------------------

    async def slash_command(self, text: str, source: Input) -> None:
        self._no_form_open()
        response = await self.agent.command(text, channel_id=self.channel)
        self._check(response, "/tour")
        self.screen.ack_text(response, self.channel)
        await self.screen.settle(ACTION_WAIT)
        if self.screen.news() and source.interactive and self.screen.top() is not None:
            await self.walk(source)

    async def fill(self, item: Field, value: str | None, source: Input) -> None:
        """Type `value` into `item` (None clears it), as Slack would send it."""
        top = self._require_form()
        state = self.screen.state(top.id)
        if value is None:
            state.set(item.block_id, None)
        elif item.kind == "static_select":
            chosen, label = choose_static(item, value)
            state.set(item.block_id, chosen, label)
            if label.lower() != value.lower():
                self.out(f"  {item.label}: {label}")
        elif item.kind == MULTI:
            chosen, label = choose_many(item, value)
            state.set(item.block_id, chosen, label)
            if label.lower() != value.lower():
                self.out(f"  {item.label}: {label}")
        elif item.kind == "external_select":
            chosen, label = await self._search(top, item, value, source)
            state.set(item.block_id, chosen, label)
            self.out(f"  {item.label}: {label}")
        else:
            state.set(item.block_id, check_typed(item, value))
        if item.dispatches:
            await self._dispatch(top, item, state)

    async def submit(self, source: Input) -> None:
        top = self._require_form()
        state = self.screen.state(top.id)
        try:
            answer = await self.agent.submit(top.id, state.typed, labels=state.labels)
        except InvalidViewResponse as exc:
            raise ConsoleError(f"Slack would refuse Tourbot's answer to that form: {exc}.") from exc
        except SlackAgentError as exc:
            raise ConsoleError(f"Tourbot did not take the form: {exc}.") from exc
        action = answer.get("response_action")
        if action == "errors":
            errors = {str(k): str(v) for k, v in (answer.get("errors") or {}).items()}
            self.out("The form has problems:")
            for item in fields(top.payload):
                if item.block_id in errors:
                    self.out(*field_line(item, state, errors[item.block_id]))
            if source.interactive:
                await self.walk(source, only=errors)
            return
        if action in ("push", "update"):
            self.screen.news()
            self.out(self._form_help())  # a view with buttons only: say how to press them
            return
        if self.screen.stack():
            self.screen.news()
            return
        self.out(f"Submitted “{top.title}”; the form closed.")
        settled = await self.screen.settle(BOOKING_WAIT, bookings=True)
        self.screen.news()
        if not settled:
            self.out("Tourbot is still working on it; type wait to see what happens next.")

    def close_form(self) -> None:
        top = self._require_form()
        self.slack.close_view(top.id)
        if self.screen.stack():
            self.out(f"Closed “{top.title}”.")
            self.screen.news()
        else:
            self.out(f"Closed “{top.title}”; nothing was submitted.")

    async def click(self, target: str, source: Input) -> None:
        button = self.screen.buttons.find(target)
        message = self.screen.slack.message(button.channel, button.ts)
        if message is not None and not carries(message.blocks, button):
            raise ConsoleError(
                f"The “{button.label}” button is gone: Tourbot changed that message since. "
                "Use a button shown after it."
            )
        if button.url:
            self.out(f"That button opens {button.url} in a browser.")
            return
        self._no_form_open()
        response = await self.agent.click(button.channel, button.ts, button.action_id, button.value)
        self._check(response, f"the “{button.label}” button")
        await self.screen.settle(BOOKING_WAIT, bookings=True)
        if self.screen.news() and source.interactive and self.screen.top() is not None:
            await self.walk(source)

    async def wait(self, seconds: float) -> None:
        settled = await self.screen.settle(seconds, bookings=True)
        if not self.screen.news():
            self.out("Nothing new." if settled else f"Nothing new in {seconds:g} s.")

    async def say(self, text: str) -> None:
        self._no_form_open()
        await self._message(self.channel, text, thread_ts=None)

    async def reply(self, text: str) -> None:
        self._no_form_open()
        if self.screen.last_thread is None:
            raise ConsoleError("There is no thread to reply in yet.")
        channel, thread_ts = self.screen.last_thread
        await self._message(channel, text, thread_ts=thread_ts)

    def show(self) -> None:
        top = self.screen.top()
        if top is not None:
            self.screen.show_form(top)
        elif not self.screen.show_channel():
            self.out(f"Nothing in {self.screen.place(self.channel)} yet.")

    # -- filling forms ---------------------------------------------------------------------------

    async def walk(self, source: Input, only: Collection[str] | None = None) -> None:
        """Ask for each field in turn (or only those in `only`): Enter keeps the value."""
        top = self._require_form()
        items = [item for item in fields(top.payload) if only is None or item.block_id in only]
        if only is None and items:
            self.out("Fill in the form: Enter keeps a value, - clears it, ? shows the choices, "
                     ". skips the rest, submit sends it, cancel closes it, quit leaves the "
                     "console.")  # fmt: skip
        for item in items:
            while True:
                state = self.screen.state(top.id)
                line = await source.read(self._field_prompt(item, state))
                if line is None:
                    raise Quitting
                line = line.strip()
                if line.lower() in ("quit", "exit"):  # leaving works from any prompt
                    raise Quitting
                if line == ".":
                    self.out(self._form_help())
                    return
                if line.lower() in ("submit", "cancel"):  # the form's own commands end the walk
                    await self.handle(line.lower(), source)
                    return
                if line == "?":
                    self.out(*(f"  {said}" for said in await self._field_help(top, item)))
                    continue
                if line:
                    try:
                        await self.fill(item, None if line == "-" else line, source)
                    except ConsoleError as exc:
                        self.out(f"  {exc}")
                        continue
                break
        self.out(self._form_help())

    async def _search(
        self, top: StandInView, item: Field, query: str, source: Input
    ) -> tuple[str, str]:
        listed = self.listed.get(item.block_id, [])
        if query.strip().isdigit() and 1 <= int(query) <= len(listed):  # a number `?` showed
            return listed[int(query) - 1]
        if len(query) < item.min_query:
            raise ConsoleError(f"Type at least {item.min_query} characters to search {item.label}.")
        response = await self.agent.suggest(top.id, str(item.element.get("action_id")), query)
        self._check(response, f"the search for {item.label}")
        options = option_list(response.json() if response.content else {})
        wanted = query.strip().lower()
        exact = [o for o in options if wanted in (o[0].lower(), o[1].lower())]
        if len(exact) == 1:
            return exact[0]
        if len(options) == 1:
            return options[0]
        if not options:
            raise ConsoleError(f"Nothing matches “{query}” in {item.label}.")
        if not source.interactive:
            shown = ", ".join(label for _, label in options[:5])
            more = f" and {len(options) - 5} more" if len(options) > 5 else ""
            raise ConsoleError(
                f"“{query}” matches {len(options)} in {item.label} ({shown}{more}): "
                "add words to pick one."
            )
        listed = options[:20]
        for number, (_, label) in enumerate(listed, start=1):
            self.out(f"    {number}. {label}")
        while True:
            line = await source.read(f"  Pick 1-{len(listed)}: ")
            if line is None:
                raise Quitting
            if line.strip().isdigit() and 1 <= int(line) <= len(listed):
                return listed[int(line) - 1]
            self.out(f"  Type a number from 1 to {len(listed)}.")

    async def _dispatch(self, top: StandInView, item: Field, state: FormState) -> None:
        """Tell the bot the input changed, as Slack does, and print what it changed under it."""
        before = attached_lines(top.payload, item.block_id, self.screen.names)
        response = await self.agent.dispatch(
            top.id, item.block_id, state.value(item), labels=state.labels, changes=state.typed
        )
        self._check(response, f"typing in {item.label}")
        await self.screen.settle(ACTION_WAIT)
        now = self.slack.view(top.id)
        if now is None or now.closed:
            return
        after = attached_lines(now.payload, item.block_id, self.screen.names)
        if after != before:
            self.out(*(f"    {line}" for line in after))
        self.screen.top_shown = (now.id, now.hash)  # shown by its changes: no need to reprint

    # -- messages to the bot ---------------------------------------------------------------------

    async def _message(self, channel: str, text: str, *, thread_ts: str | None) -> None:
        # "@Tourbot" typed by a person is a mention in Slack's own markup.
        sent = re.sub(r"(?<!\w)@tourbot\b", f"<@{BOT_USER_ID}>", text, flags=re.IGNORECASE)
        message = self.slack.add_message(
            channel, sent, user=self.agent.user_id, thread_ts=thread_ts
        )
        self.screen.mark_shown(message)
        answers = await self.agent.say(channel, sent, message.ts, thread_ts=thread_ts)
        for answer in answers:
            if answer.status_code != 404:
                self._check(answer, "your message")
        await self.screen.settle(ACTION_WAIT, bookings=True)
        if not self.screen.news() and f"<@{BOT_USER_ID}>" not in sent and thread_ts is None:
            # In a channel, Slack sends the bot only what mentions it (or its threads' replies).
            self.out(
                "Tourbot answers messages that mention it, like @Tourbot book Jane Doe "
                "jane@example.com friday at 2pm, and replies in its threads."
            )

    # -- helpers -------------------------------------------------------------------------------

    def _require_form(self) -> StandInView:
        top = self.screen.top()
        if top is None:
            raise ConsoleError("No form is open; /tour opens one.")
        return top

    def _no_form_open(self) -> None:
        top = self.screen.top()
        if top is not None:
            raise ConsoleError(
                f"“{top.title}” is open: submit it or cancel it first (as in Slack, a form "
                "stays in front until then)."
            )

    def _field(self, name: str) -> Field:
        top = self._require_form()
        if not fields(top.payload):
            raise ConsoleError(f"“{top.title}” has no fields to fill. {self._form_help()}")
        return find(fields(top.payload), name)

    def _form_button(self, target: str) -> str | None:
        """ "submit" or "close" when `target` is the label of one of the open form's buttons."""
        top = self.screen.top()
        if top is None:
            return None
        wanted = " ".join(target.lower().split())
        for key in ("submit", "close"):
            label = _label(top.payload.get(key))
            if label and " ".join(label.lower().split()) == wanted:
                return key
        return None

    def _form_help(self) -> str:
        top = self.screen.top()
        if top is None:
            return ""
        submit, close = _label(top.payload.get("submit")), _label(top.payload.get("close"))
        ways = [f"submit to press “{submit}”" if submit else "submit"]
        if close and close.lower() != "cancel":  # "Back" on a pushed view
            ways.append(f"back to press “{close}”")
        else:
            ways.append("cancel to close the form")
        change = ", or a field's name to change it" if fields(top.payload) else ""
        return f"Type {', '.join(ways)}{change}."

    def _field_prompt(self, item: Field, state: FormState) -> str:
        extra = ""
        if item.kind == "static_select":
            extra = f" ({choices(item)})"
        elif item.kind == MULTI:
            extra = f" (one or more: {choices(item)})"
        elif item.kind == "external_select":
            extra = " (type to search)"
        elif item.kind == "datepicker":
            extra = " (YYYY-MM-DD)"
        return f"  {item.label} [{state.shown(item) or '—'}]{extra}: "

    async def _field_help(self, top: StandInView, item: Field) -> list[str]:
        if item.kind == "static_select":
            return [f"{item.label}: one of {choices(item)}, by number or name."]
        if item.kind == MULTI:
            return [f"{item.label}: one or more of {choices(item)}, like “2, 3” or “studio or 1”."]
        if item.kind == "external_select" and item.min_query > 0:
            return [
                f"{item.label}: type at least {item.min_query} characters of what you are "
                "looking for, and pick from what Tourbot finds."
            ]
        if item.kind == "external_select":
            # Its choices are what Slack would list on opening it: the bot's answer to "".
            response = await self.agent.suggest(top.id, str(item.element.get("action_id")), "")
            self._check(response, f"the list of {item.label}")
            listed = option_list(response.json() if response.content else {})
            if not listed:
                return [f"{item.label}: Tourbot lists none; Enter leaves it empty."]
            self.listed[item.block_id] = listed
            return [
                f"{item.label}: one of these, by number or by enough of its name:",
                *(f"  {n}. {label}" for n, (_, label) in enumerate(listed, start=1)),
            ]
        return [f"{item.label}: {item.hint or 'type a value'}."]

    def _check(self, response: httpx.Response, what: str) -> None:
        if response.status_code == 200:
            return
        if response.status_code == 404:
            raise ConsoleError(f"Tourbot has nothing that handles {what}.")
        raise ConsoleError(f"Tourbot answered {what} with HTTP {response.status_code}.")


def _label(text: object) -> str | None:
    """The words of a view's submit or close button."""
    return str(text.get("text") or "") or None if isinstance(text, dict) else None
