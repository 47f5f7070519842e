"""Block Kit and Slack's mrkdwn as plain text for a terminal: forms with their fields, values and
errors; messages and their threads; buttons numbered so they can be pressed by number."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.offline.console.errors import ConsoleError
from bot.offline.console.form import Field, FormState, fields

Json = dict[str, Any]

EMOJI = {
    "calendar": "📅",
    "warning": "⚠️",
    "grey_question": "❔",
    "question": "❓",
    "hourglass": "⌛",
    "hourglass_flowing_sand": "⏳",
    "white_check_mark": "✅",
    "heavy_check_mark": "✔️",
    "x": "❌",
    "no_entry": "⛔",
    "outbox_tray": "📤",
    "repeat": "🔁",
    "wave": "👋",
    "tada": "🎉",
    "house": "🏠",
    "information_source": "ℹ️",
    "bust_in_silhouette": "👤",
    "speech_balloon": "💬",
    "memo": "📝",
    "clock3": "🕒",
}

_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_CODE = re.compile(r"`([^`\n]+)`")
_EMOJI = re.compile(r":([a-z0-9_+-]+):")


@dataclass(frozen=True)
class Button:
    label: str
    action_id: str
    value: str
    channel: str
    ts: str
    url: str | None = None


class Names:
    """Turns user and channel ids into the names Slack would show, and moments into the
    reader's time zone."""

    def __init__(
        self,
        user: Callable[[str], str | None],
        channel: Callable[[str], str | None],
        zone: ZoneInfo,
    ) -> None:
        self._user, self._channel, self.zone = user, channel, zone

    def user(self, user_id: str) -> str:
        return self._user(user_id) or user_id

    def channel(self, channel_id: str) -> str:
        return self._channel(channel_id) or channel_id


class Buttons:
    """Numbers every button shown, once: the same button keeps its number when shown again."""

    def __init__(self) -> None:
        self.shown: list[Button] = []

    def number(self, button: Button) -> int:
        if button not in self.shown:
            self.shown.append(button)
        return self.shown.index(button) + 1

    def find(self, target: str) -> Button:
        if target.isdigit():
            number = int(target)
            if 1 <= number <= len(self.shown):
                return self.shown[number - 1]
            raise ConsoleError(f"There is no button [{number}] in the transcript.")
        wanted = target.strip().lower()
        for button in reversed(self.shown):
            if button.label.lower() == wanted:
                return button
        raise ConsoleError(f"No button “{target}” has been shown yet.")


def mrkdwn(text: str, names: Names) -> str:
    """Slack's markup as it reads on screen: mentions as @name, links as their text."""

    def link(match: re.Match[str]) -> str:
        target, label = match[1], match[2]
        if target.startswith("@"):
            return "@" + (label or names.user(target[1:]))
        if target.startswith("#"):
            return "#" + (label or names.channel(target[1:]))
        if target.startswith("!date^"):
            return _date(target, label, names.zone)
        if target.startswith("!subteam^"):
            return label or "@" + target.split("^", 1)[1]
        if target.startswith("!"):
            return "@" + (label or target[1:].split("^")[0])
        return f"{label} ({target})" if label and label != target else target

    text = _LINK.sub(link, text)
    text = _BOLD.sub(r"\1", text)
    text = _ITALIC.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    text = _EMOJI.sub(lambda m: EMOJI.get(m[1], m[0]), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _date(target: str, fallback: str | None, zone: ZoneInfo) -> str:
    """`<!date^SECONDS^{date_short_pretty} at {time}|fallback>` as its reader sees it."""
    parts = target.split("^")
    try:
        moment = datetime.fromtimestamp(int(parts[1]), zone)
        template = parts[2]
    except (IndexError, ValueError, OverflowError, OSError):
        return fallback or ""
    day = moment.date()
    today = datetime.now(zone).date()
    relative = {today: "today", today - timedelta(days=1): "yesterday",
                today + timedelta(days=1): "tomorrow"}.get(day)  # fmt: skip
    short, long = f"{moment:%b} {day.day}, {day.year}", f"{moment:%B} {day.day}, {day.year}"
    tokens = {
        "date_num": day.isoformat(),
        "date": long,
        "date_short": short,
        "date_long": f"{moment:%A}, {long}",
        "date_pretty": relative or long,
        "date_short_pretty": relative or short,
        "date_long_pretty": relative or f"{moment:%A}, {long}",
        "time": moment.strftime("%I:%M %p").lstrip("0"),
        "time_secs": moment.strftime("%I:%M:%S %p").lstrip("0"),
    }
    return re.sub(r"\{(\w+)\}", lambda m: tokens.get(m[1], m[0]), template)


def plain(obj: object, names: Names) -> str:
    """A text object (plain_text or mrkdwn) as text."""
    if not isinstance(obj, dict):
        return str(obj or "")
    text = str(obj.get("text", ""))
    return mrkdwn(text, names) if obj.get("type") == "mrkdwn" else text


def message_lines(
    text: str, blocks: list[Json] | None, names: Names, buttons: Buttons, *, channel: str, ts: str
) -> list[str]:
    """A message's content: its blocks when it has any (what Slack shows), else its text."""
    if not blocks:
        return mrkdwn(text, names).splitlines() or [""]
    lines: list[str] = []
    for block in blocks:
        lines.extend(_block_lines(block, names, buttons, channel=channel, ts=ts))
    return lines or [""]


def _block_lines(
    block: Json, names: Names, buttons: Buttons | None, *, channel: str = "", ts: str = ""
) -> list[str]:
    kind = block.get("type")
    if kind == "section":
        lines = plain(block.get("text"), names).splitlines() if block.get("text") else []
        for item in block.get("fields") or []:
            # Slack shows fields as a grid of "title over value"; a line each reads better here.
            title, _, value = plain(item, names).partition("\n")
            lines.extend([f"{title}: {value}"] if value and "\n" not in value else [title, value])
        accessory = block.get("accessory")
        if isinstance(accessory, dict) and accessory.get("type") == "button":
            lines.append(_button(accessory, names, buttons, channel, ts))
        return lines
    if kind == "context":
        parts = [
            plain(e, names) if e.get("type") != "image" else f"[{e.get('alt_text', 'image')}]"
            for e in block.get("elements") or []
        ]
        return "  ".join(parts).splitlines()
    if kind == "header":
        return [plain(block.get("text"), names).upper()]
    if kind == "divider":
        return ["───"]
    if kind == "actions":
        shown = [
            _button(e, names, buttons, channel, ts)
            for e in block.get("elements") or []
            if e.get("type") == "button"
        ]
        return ["   ".join(shown)] if shown else []
    if kind == "image":
        return [f"[image: {block.get('alt_text', '')}]"]
    if kind == "rich_text":
        return _rich_text(block, names).splitlines()
    return []


def carries(blocks: list[Json] | None, button: Button) -> bool:
    """Whether a message's blocks still hold `button` (Slack removes replaced buttons)."""
    for block in blocks or []:
        elements = list(block.get("elements") or []) if block.get("type") == "actions" else []
        if isinstance(block.get("accessory"), dict):
            elements.append(block["accessory"])
        if any(
            (e.get("action_id"), str(e.get("value", ""))) == (button.action_id, button.value)
            for e in elements
        ):
            return True
    return False


def _button(element: Json, names: Names, buttons: Buttons | None, channel: str, ts: str) -> str:
    label = plain(element.get("text"), names)
    if buttons is None:
        return f"[{label}]"
    button = Button(
        label=label,
        action_id=str(element.get("action_id", "")),
        value=str(element.get("value", "")),
        channel=channel,
        ts=ts,
        url=element.get("url"),
    )
    return f"[{buttons.number(button)}] {label}"


def _rich_text(block: Json, names: Names) -> str:
    out: list[str] = []

    def walk(node: Json) -> None:
        kind = node.get("type")
        if kind == "text":
            out.append(str(node.get("text", "")))
        elif kind == "user":
            out.append("@" + names.user(str(node.get("user_id", ""))))
        elif kind == "channel":
            out.append("#" + names.channel(str(node.get("channel_id", ""))))
        elif kind == "link":
            out.append(str(node.get("text") or node.get("url", "")))
        elif kind == "emoji":
            out.append(EMOJI.get(str(node.get("name")), f":{node.get('name')}:"))
        for child in node.get("elements") or []:
            walk(child)

    walk(block)
    return "".join(out)


# -- forms ----------------------------------------------------------------------------------------


def form_lines(view: Json, state: FormState, errors: dict[str, str], names: Names) -> list[str]:
    """A modal as a card: each input's label and value, its error under it, notes in place."""
    inputs = {item.block_id: item for item in fields(view)}
    width = max((len(item.label) for item in inputs.values()), default=0) + 2
    lines = [f"┌ {plain(view.get('title'), names)}"]
    attached = False  # a context block right under an input belongs to it: indent it
    for block in view.get("blocks") or []:
        if block.get("type") == "input":
            item = inputs[str(block.get("block_id"))]
            lines.append(f"│ {item.label:<{width}}{state.shown(item) or '—'}")
            if item.block_id in errors:
                lines.append(f"│   ⚠️ {errors[item.block_id]}")
            attached = True
            continue
        attached = attached and _belongs(block)
        indent = "  " if attached else ""
        lines.extend(f"│ {indent}{line}" for line in _block_lines(block, names, None))
    pressable = [plain(view.get(key), names) for key in ("submit", "close") if view.get(key)]
    lines.append("└ " + "  ".join(f"[{label}]" for label in pressable))
    return lines


def attached_lines(view: Json, block_id: str, names: Names) -> list[str]:
    """The context blocks right under the input `block_id` (the time preview, a zone note)."""
    blocks = view.get("blocks") or []
    found: list[str] = []
    for index, block in enumerate(blocks):
        if block.get("block_id") != block_id:
            continue
        for following in blocks[index + 1 :]:
            if not _belongs(following):
                break
            found.extend(_block_lines(following, names, None))
    return found


def _belongs(block: Json) -> bool:
    """A context block the bot named (so it can update it), right under an input, is about that
    input: the time preview, the zone note. An unnamed one is a note of its own."""
    return block.get("type") == "context" and bool(block.get("block_id"))


def field_line(item: Field, state: FormState, error: str | None) -> list[str]:
    lines = [f"  {item.label}: {state.shown(item) or '—'}"]
    if error:
        lines.append(f"    ⚠️ {error}")
    return lines
