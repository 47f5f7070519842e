"""The modal on top, as the console fills it: its inputs, what the person typed over the values
the bot put in, and how typed text becomes what Slack would send for each kind of input."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.offline.console.errors import ConsoleError

Json = dict[str, Any]
SELECTS = ("static_select", "external_select", "multi_static_select")
MULTI = "multi_static_select"
_MANY = re.compile(r"\s*(?:,|;|&|\band\b|\bor\b)\s*", re.I)  # "2, 3", "studio or 1"
_SPAN = re.compile(r"(.+?)\s*(?:-|–|\bto\b)\s*(.+)", re.I)  # "2-3": both and what is between


@dataclass(frozen=True)
class Field:
    block_id: str
    label: str
    kind: str
    element: Json
    hint: str | None
    dispatches: bool  # Slack tells the bot as soon as it changes

    @property
    def options(self) -> list[tuple[str, str]]:
        """(value, label) of a static select's options."""
        return [(o["value"], _text(o.get("text"))) for o in self.element.get("options") or []]

    @property
    def searches(self) -> bool:
        return self.kind == "external_select"

    @property
    def min_query(self) -> int:
        return int(self.element.get("min_query_length") or 0)


def fields(view: Json) -> list[Field]:
    found = []
    for block in view.get("blocks") or []:
        if block.get("type") != "input":
            continue
        element = block.get("element") or {}
        hint = _text(block.get("hint")) or None
        found.append(
            Field(
                block_id=str(block.get("block_id")),
                label=_text(block.get("label")),
                kind=str(element.get("type")),
                element=element,
                hint=hint,
                dispatches=bool(block.get("dispatch_action")),
            )
        )
    return found


@dataclass
class FormState:
    """What the person typed into one view (Slack keeps it while the bot updates the view)."""

    typed: dict[str, str | None] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # picked options' labels

    def set(self, block_id: str, value: str | None, label: str | None = None) -> None:
        self.typed[block_id] = value
        if label is not None and value is not None:
            self.labels[block_id] = label
        else:
            self.labels.pop(block_id, None)

    def value(self, item: Field) -> str | None:
        if item.block_id in self.typed:
            return self.typed[item.block_id]
        element = item.element
        if element.get("initial_option"):
            return str(element["initial_option"]["value"])
        if element.get("initial_options"):
            return ", ".join(str(o["value"]) for o in element["initial_options"])
        for key in ("initial_value", "initial_date"):
            if element.get(key) is not None:
                return str(element[key])
        return None

    def shown(self, item: Field) -> str:
        """The value as Slack shows it: a picked option by its label."""
        value = self.value(item)
        if value is None or value == "":
            return ""
        if item.kind in SELECTS:
            if item.block_id in self.labels:
                return self.labels[item.block_id]
            initial = item.element.get("initial_option")
            if item.block_id not in self.typed and initial:
                return _text(initial.get("text"))
            labels = dict(item.options)
            return ", ".join(labels.get(v, v) for v in value.split(", "))
        return value


def find(form_fields: list[Field], name: str) -> Field:
    """The field `name` means: its label or block id, or the start of exactly one label."""
    wanted = _key(name)
    for item in form_fields:
        if wanted in (_key(item.label), _key(item.block_id)):
            return item
    starting = [item for item in form_fields if _key(item.label).startswith(wanted)]
    if len(starting) == 1:
        return starting[0]
    names = ", ".join(item.label for item in form_fields)
    if starting:
        names = ", ".join(item.label for item in starting)
        raise ConsoleError(f"“{name}” could be {names}: say which.")
    raise ConsoleError(f"This form has no field “{name}”. Its fields: {names}.")


def choose_static(item: Field, text: str) -> tuple[str, str]:
    """(value, label) of the option `text` names: by value or label, by the first word of a label
    ("2" or "2br" is "2 bedrooms", not the second option), by number, or by a label's start."""
    options = item.options
    wanted = _key(text)
    exact = [o for o in options if wanted in (_key(o[0]), _key(o[1]))]
    first = _first_word(text)
    same_first = [o for o in options if first and _first_word(o[1]) == first]
    numbered = [options[int(text) - 1]] if text.isdigit() and 1 <= int(text) <= len(options) else []
    starting = [o for o in options if _key(o[1]).startswith(wanted)]
    for candidates in (exact, same_first, numbered, starting):
        if len(candidates) == 1:
            return candidates[0]
    raise ConsoleError(f"{item.label} is one of: {choices(item)}.")


def choose_many(item: Field, text: str) -> tuple[str, str]:
    """(values, labels) of the options `text` names, each as `choose_static` reads it, joined by
    ", " in the order given: "2, 3", "studio or 1", or a span of options, "1-3"."""
    values: list[str] = []
    labels: list[str] = []
    try:
        for part in filter(None, _MANY.split(text.strip())):
            for value, label in _span(item, part) or [choose_static(item, part)]:
                if value not in values:
                    values.append(value)
                    labels.append(label)
    except ConsoleError:
        values = []
    if not values:  # unless one option's label has "or" or "," in it
        wanted = _key(text)
        exact = [o for o in item.options if wanted in (_key(o[0]), _key(o[1]))]
        if len(exact) != 1:
            raise ConsoleError(f"{item.label} is one or more of: {choices(item)}.")
        return exact[0]
    return ", ".join(values), ", ".join(labels)


def _span(item: Field, part: str) -> list[tuple[str, str]]:
    """ "1-3": the options from one to the other, as the form lists them; [] if it is no span."""
    found = _SPAN.fullmatch(part)
    if not found:
        return []
    try:
        low, high = (item.options.index(choose_static(item, end)) for end in found.groups())
    except ConsoleError:
        return []
    return item.options[low : high + 1] if low < high else []


def choices(item: Field) -> str:
    labels = [label for _, label in item.options]
    if any(label[:1].isdigit() for label in labels):  # "2 1 bedroom" would read as nonsense
        return ", ".join(labels)
    return ", ".join(f"{n} {label}" for n, label in enumerate(labels, start=1))


def _first_word(text: str) -> str:
    found = re.match(r"\s*(\d+\+?|[^\W\d_]+)", text.lower())
    return found[1] if found else ""


def check_typed(item: Field, text: str) -> str:
    """What Slack's own input would let through, or a sentence saying what it wants."""
    element = item.element
    if item.kind == "datepicker":
        try:
            date.fromisoformat(text)
        except ValueError:
            raise ConsoleError(f"{item.label} takes a date like 2026-12-01.") from None
        return text
    if item.kind == "number_input":
        try:
            number = float(text) if element.get("is_decimal_allowed") else int(text)
        except ValueError:
            raise ConsoleError(f"{item.label} takes a whole number, like 12.") from None
        low, high = element.get("min_value"), element.get("max_value")
        if (low is not None and number < float(low)) or (high is not None and number > float(high)):
            raise ConsoleError(f"{item.label} must be between {low} and {high}.")
        return text
    limit = element.get("max_length")
    if limit is not None and len(text) > int(limit):
        raise ConsoleError(f"{item.label} takes at most {limit} characters.")
    return text


def option_list(answer: Json) -> list[tuple[str, str]]:
    """(value, label) of the options in an options request's answer (flat or grouped)."""
    options = list(answer.get("options") or [])
    for group in answer.get("option_groups") or []:
        options.extend(group.get("options") or [])
    return [(str(o["value"]), _text(o.get("text"))) for o in options if "value" in o]


def _text(obj: object) -> str:
    if isinstance(obj, dict):
        return str(obj.get("text", ""))
    return str(obj) if obj else ""


def _key(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").split())
