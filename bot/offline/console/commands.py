"""What a line typed at the console asks for; the grammar is the script format's
(`bot.offline.console.script`), the same at the keyboard and in a file."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.offline.console.errors import ConsoleError


@dataclass(frozen=True)
class SlashCommand:
    text: str


@dataclass(frozen=True)
class SetField:
    name: str
    value: str | None  # None clears the field


@dataclass(frozen=True)
class AskField:
    """A field's name alone, at the form's prompt: ask for its value."""

    name: str


@dataclass(frozen=True)
class Submit:
    pass


@dataclass(frozen=True)
class CloseForm:
    pass


@dataclass(frozen=True)
class Click:
    target: str  # a button's number or label


@dataclass(frozen=True)
class Wait:
    seconds: float | None


@dataclass(frozen=True)
class InjectFault:
    spec: str


@dataclass(frozen=True)
class Reply:
    text: str


@dataclass(frozen=True)
class Say:
    text: str


@dataclass(frozen=True)
class Show:
    pass


@dataclass(frozen=True)
class Help:
    pass


@dataclass(frozen=True)
class Quit:
    pass


@dataclass(frozen=True)
class Nothing:
    """An empty line: at the channel's prompt, show what arrived since."""


Command = (
    SlashCommand | SetField | AskField | Submit | CloseForm | Click | Wait | InjectFault | Reply
    | Say | Show | Help | Quit | Nothing
)  # fmt: skip

_WORD = re.compile(r"(\S+)\s*(.*)", re.S)


def parse(line: str, *, form_open: bool) -> Command:
    """The command `line` asks for; at a form's prompt a bare `Label = value` fills a field."""
    line = line.strip()
    if not line:
        return Nothing()
    if line.startswith("/"):
        name, _, text = line.partition(" ")
        if name.lower() != "/tour":
            raise ConsoleError(f"Tourbot has one slash command, /tour; {name} is not it.")
        return SlashCommand(text.strip())
    if line.startswith(">"):
        return _field(line[1:], strict=True)
    match = _WORD.match(line)
    assert match is not None
    word, rest = match[1].lower(), match[2].strip()
    if line.isdigit():
        return Click(line)
    if word in ("quit", "exit") and not rest:
        return Quit()
    if word == "help" and not rest:
        return Help()
    if word == "show" and not rest:
        return Show()
    if word == "submit" and not rest:
        return Submit()
    if word in ("cancel", "back", "close") and not rest:
        return CloseForm()
    if word in ("click", "press"):
        if not rest:
            raise ConsoleError("Say which button: click 1, or click Edit and retry.")
        return Click(rest)
    if word in ("wait", "refresh") and (not rest or _is_number(rest)):
        return Wait(float(rest) if rest else None)
    if word == "fault":
        if not rest:
            raise ConsoleError("Say which fault, like fault 400:Community is not accepting tours.")
        return InjectFault(rest)
    if word == "reply":
        if not rest:
            raise ConsoleError("Say what to reply, like reply Friday at 2 works.")
        return Reply(rest)
    if form_open:
        return _field(line, strict=False)
    return Say(line)


def _field(text: str, *, strict: bool) -> SetField | AskField:
    name, equals, value = text.partition("=")
    name = name.strip()
    if not name:
        raise ConsoleError("Name the field to fill, like > Email = jane@example.com.")
    if not equals:
        if strict:
            raise ConsoleError(
                f"Give “{name}” a value, like > {name} = something (or > {name} = to clear it)."
            )
        return AskField(name)
    value = value.strip()
    return SetField(name, value or None)


def _is_number(text: str) -> bool:
    try:
        return float(text) >= 0
    except ValueError:
        return False
