"""Block Kit checks: slack_sdk.models plus the structural rules it lets through, answering with
Slack's own error messages; used by the stand-in and, on their own, by tests of the bot's views."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block, BlockElement
from slack_sdk.models.views import View

from bot.offline.slack.constants import MAX_MESSAGE_BLOCKS, MAX_VIEW_BLOCKS, Json


def _sdk_types(base: type[Any]) -> frozenset[str]:
    found: set[str] = set()
    pending = list(base.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        kind = getattr(cls, "type", None)
        if isinstance(kind, str):
            found.add(kind)
    return frozenset(found)


_BLOCK_TYPES = _sdk_types(Block)
_RICH_TEXT_PARTS = frozenset(
    {"broadcast", "channel", "color", "date", "emoji", "link", "rich_text_list"}
    | {"rich_text_preformatted", "rich_text_quote", "rich_text_section", "team", "text", "url"}
    | {"user", "usergroup"}
)
_TEXT_INPUTS = frozenset(
    {"plain_text_input", "email_text_input", "url_text_input", "number_input", "file_input"}
    | {"rich_text_input"}
)
_ELEMENT_TYPES = _sdk_types(BlockElement) - _RICH_TEXT_PARTS
_ACTION_TYPES = _ELEMENT_TYPES - _TEXT_INPUTS - {"image"}
_ACCESSORY_TYPES = _ACTION_TYPES | {"image"}
_INPUT_TYPES = (_ELEMENT_TYPES - {"button", "overflow", "image", "workflow_button"}) - {
    "feedback_buttons",
    "icon_button",
}
_OPTION_LIMITS = {"overflow": 5, "radio_buttons": 10, "checkboxes": 10}
_PLAIN_OPTION_ELEMENTS = frozenset({"static_select", "multi_static_select", "overflow"})


class _Problems:
    """Slack-style validation messages: `[ERROR] <what> [json-pointer:<where>]`."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, detail: str, pointer: str) -> None:
        self.messages.append(f"[ERROR] {detail} [json-pointer:{pointer}]")

    def __bool__(self) -> bool:
        return bool(self.messages)


def _check_text(
    value: object,
    pointer: str,
    problems: _Problems,
    *,
    max_length: int,
    plain_only: bool = False,
    required: bool = True,
) -> None:
    if value is None:
        if required:
            problems.add("missing required field: text object", pointer)
        return
    if not isinstance(value, dict):
        problems.add("must provide an object", pointer)
        return
    kind = value.get("type")
    if kind not in ("plain_text", "mrkdwn"):
        problems.add("must be a text object of type plain_text or mrkdwn", pointer + "/type")
    elif plain_only and kind != "plain_text":
        problems.add("must be a text object of type plain_text", pointer + "/type")
    text = value.get("text")
    if not isinstance(text, str) or not text:
        problems.add("must be more than 0 characters", pointer + "/text")
    elif len(text) > max_length:
        problems.add(f"must be less than {max_length + 1} characters", pointer + "/text")


def _check_options(element: Json, pointer: str, problems: _Problems) -> None:
    kind = str(element.get("type"))
    plain_only = kind in _PLAIN_OPTION_ELEMENTS
    all_options: list[Json] = []

    def check_list(options: object, where: str, limit: int) -> None:
        if not isinstance(options, list) or not options:
            problems.add("must provide a non-empty array", where)
            return
        if len(options) > limit:
            problems.add(f"no more than {limit} items allowed", where)
        for i, option in enumerate(options):
            at = f"{where}/{i}"
            if not isinstance(option, dict):
                problems.add("must provide an object", at)
                continue
            _check_text(
                option.get("text"), at + "/text", problems, max_length=75, plain_only=plain_only
            )
            value = option.get("value")
            if not isinstance(value, str) or not value:
                problems.add("missing required field: value", at + "/value")
            elif len(value) > 150:
                problems.add("must be less than 151 characters", at + "/value")
            all_options.append(option)

    limit = _OPTION_LIMITS.get(kind, 100)
    if "option_groups" in element:
        groups = element["option_groups"]
        if not isinstance(groups, list) or not groups:
            problems.add("must provide a non-empty array", pointer + "/option_groups")
        else:
            for i, group in enumerate(groups):
                at = f"{pointer}/option_groups/{i}"
                if not isinstance(group, dict):
                    problems.add("must provide an object", at)
                    continue
                _check_text(
                    group.get("label"), at + "/label", problems, max_length=75, plain_only=True
                )
                check_list(group.get("options"), at + "/options", limit)
    elif (
        "options" in element
        or kind in ("static_select", "multi_static_select", "overflow")
        or (kind in ("radio_buttons", "checkboxes"))
    ):
        check_list(element.get("options"), pointer + "/options", limit)

    def same(a: object, b: Json) -> bool:
        if not isinstance(a, dict):
            return False
        a_text, b_text = a.get("text"), b.get("text")
        return a.get("value") == b.get("value") and (
            isinstance(a_text, dict)
            and isinstance(b_text, dict)
            and a_text.get("text") == b_text.get("text")
        )

    # Slack refuses an initial option that is not exactly one of the options.
    initial_option = element.get("initial_option")
    if (
        all_options
        and initial_option is not None
        and not any(same(initial_option, o) for o in all_options)
    ):
        problems.add("initial_option must match one of the options", pointer + "/initial_option")
    initial_options = element.get("initial_options")
    if all_options and isinstance(initial_options, list):
        for i, chosen in enumerate(initial_options):
            if not any(same(chosen, o) for o in all_options):
                problems.add(
                    "initial_options must match the options", f"{pointer}/initial_options/{i}"
                )


def _check_element(
    element: object,
    pointer: str,
    problems: _Problems,
    allowed: frozenset[str],
    action_ids: set[str],
) -> None:
    if not isinstance(element, dict):
        problems.add("must provide an object", pointer)
        return
    kind = element.get("type")
    if not isinstance(kind, str):
        problems.add("missing required field: type", pointer + "/type")
        return
    if kind not in allowed:
        problems.add(f"unsupported type: {kind}", pointer + "/type")
        return
    action_id = element.get("action_id")
    if action_id is not None:
        if not isinstance(action_id, str) or not action_id or len(action_id) > 255:
            problems.add("must be between 1 and 255 characters", pointer + "/action_id")
        elif action_id in action_ids:
            problems.add(f"duplicate action_id: {action_id}", pointer + "/action_id")
        else:
            action_ids.add(action_id)
    if "placeholder" in element:
        _check_text(
            element["placeholder"],
            pointer + "/placeholder",
            problems,
            max_length=150,
            plain_only=True,
        )
    if kind == "button":
        _check_text(
            element.get("text"), pointer + "/text", problems, max_length=75, plain_only=True
        )
        value = element.get("value")
        if value is not None and (not isinstance(value, str) or len(value) > 2000):
            problems.add("must be less than 2001 characters", pointer + "/value")
        if element.get("style") not in (None, "primary", "danger"):
            problems.add("must be one of primary, danger", pointer + "/style")
    if kind in ("static_select", "multi_static_select", "overflow", "radio_buttons", "checkboxes"):
        _check_options(element, pointer, problems)
    if kind == "plain_text_input":
        max_length = element.get("max_length", 3000)
        if not isinstance(max_length, int) or not 1 <= max_length <= 3000:
            problems.add("must be between 1 and 3000", pointer + "/max_length")
        initial = element.get("initial_value")
        if isinstance(initial, str) and isinstance(max_length, int) and len(initial) > max_length:
            problems.add("initial_value is longer than max_length", pointer + "/initial_value")
    confirm = element.get("confirm")
    if confirm is not None:
        at = pointer + "/confirm"
        if not isinstance(confirm, dict):
            problems.add("must provide an object", at)
        else:
            _check_text(
                confirm.get("title"), at + "/title", problems, max_length=100, plain_only=True
            )
            _check_text(confirm.get("text"), at + "/text", problems, max_length=300)
            for key in ("confirm", "deny"):
                _check_text(
                    confirm.get(key), f"{at}/{key}", problems, max_length=30, plain_only=True
                )


def _check_block(block: object, pointer: str, problems: _Problems, block_ids: set[str]) -> None:
    if not isinstance(block, dict):
        problems.add("must provide an object", pointer)
        return
    kind = block.get("type")
    if not isinstance(kind, str):
        problems.add("missing required field: type", pointer + "/type")
        return
    if kind not in _BLOCK_TYPES:
        problems.add(f"unsupported type: {kind}", pointer + "/type")
        return
    found = len(problems.messages)
    block_id = block.get("block_id")
    if block_id is not None:
        if not isinstance(block_id, str) or not block_id or len(block_id) > 255:
            problems.add("must be between 1 and 255 characters", pointer + "/block_id")
        elif block_id in block_ids:
            problems.add(f"duplicate block_id: {block_id}", pointer + "/block_id")
        else:
            block_ids.add(block_id)
    action_ids: set[str] = set()
    if kind == "section":
        if "text" in block or "fields" not in block:
            _check_text(block.get("text"), pointer + "/text", problems, max_length=3000)
        fields = block.get("fields")
        if fields is not None:
            if not isinstance(fields, list) or not 1 <= len(fields) <= 10:
                problems.add("must provide between 1 and 10 items", pointer + "/fields")
            else:
                for i, item in enumerate(fields):
                    _check_text(item, f"{pointer}/fields/{i}", problems, max_length=2000)
        if "accessory" in block:
            _check_element(
                block["accessory"], pointer + "/accessory", problems, _ACCESSORY_TYPES, action_ids
            )
    elif kind == "header":
        _check_text(block.get("text"), pointer + "/text", problems, max_length=150, plain_only=True)
    elif kind == "context":
        elements = block.get("elements")
        if not isinstance(elements, list) or not 1 <= len(elements) <= 10:
            problems.add("must provide between 1 and 10 items", pointer + "/elements")
        else:
            for i, item in enumerate(elements):
                at = f"{pointer}/elements/{i}"
                if isinstance(item, dict) and item.get("type") == "image":
                    continue
                _check_text(item, at, problems, max_length=3000)
    elif kind == "actions":
        elements = block.get("elements")
        if not isinstance(elements, list) or not 1 <= len(elements) <= 25:
            problems.add("must provide between 1 and 25 items", pointer + "/elements")
        else:
            for i, item in enumerate(elements):
                _check_element(item, f"{pointer}/elements/{i}", problems, _ACTION_TYPES, action_ids)
    elif kind == "input":
        _check_text(
            block.get("label"), pointer + "/label", problems, max_length=2000, plain_only=True
        )
        if "hint" in block:
            _check_text(
                block["hint"], pointer + "/hint", problems, max_length=2000, plain_only=True
            )
        if "element" not in block:
            problems.add("missing required field: element", pointer + "/element")
        else:
            _check_element(
                block["element"], pointer + "/element", problems, _INPUT_TYPES, action_ids
            )
    if len(problems.messages) > found:
        return
    # What the structural checks above do not cover, slack_sdk's own model checks.
    try:
        parsed = Block.parse(block)
        if parsed is not None:
            parsed.to_dict()
    except SlackObjectFormationError as exc:
        problems.add(str(exc), pointer)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        problems.add(f"invalid {kind} block: {exc}", pointer)


def check_blocks(
    blocks: object, pointer: str = "/blocks", *, limit: int = MAX_MESSAGE_BLOCKS
) -> list[str]:
    """Slack-style error messages for a list of blocks; empty when Slack would accept them."""
    problems = _Problems()
    _check_block_list(blocks, pointer, problems, limit)
    return problems.messages


def _check_block_list(blocks: object, pointer: str, problems: _Problems, limit: int) -> None:
    if not isinstance(blocks, list):
        problems.add("must provide an array", pointer)
        return
    if len(blocks) > limit:
        problems.add(f"no more than {limit} items allowed", pointer)
    block_ids: set[str] = set()
    for i, block in enumerate(blocks):
        _check_block(block, f"{pointer}/{i}", problems, block_ids)


def check_view(view: object, pointer: str = "/view") -> list[str]:
    """Slack-style error messages for a modal or Home tab view; empty when Slack would accept it.
    A view checked before is not checked again: bots send the same modal over and over, with
    only its private_metadata (checked here, on its own) changing."""
    if not isinstance(view, dict):
        return _check_view(view, pointer)
    problems = _Problems()
    metadata = view.get("private_metadata")
    if metadata is not None and (not isinstance(metadata, str) or len(metadata) > 3000):
        problems.add("must be a string of at most 3000 characters", f"{pointer}/private_metadata")
    try:
        rest = json.dumps(
            {k: v for k, v in view.items() if k != "private_metadata"}, sort_keys=True
        )
    except (TypeError, ValueError):  # not JSON at all: the full check says where
        return _check_view(view, pointer)
    return problems.messages + list(_checked_view(rest, pointer))


@lru_cache(maxsize=256)
def _checked_view(view_json: str, pointer: str) -> tuple[str, ...]:
    return tuple(_check_view(json.loads(view_json), pointer))


def _check_view(view: object, pointer: str) -> list[str]:
    problems = _Problems()
    if not isinstance(view, dict):
        problems.add("must provide an object", pointer)
        return problems.messages
    kind = view.get("type")
    if kind not in ("modal", "home"):
        problems.add("must be one of modal, home", pointer + "/type")
        return problems.messages
    if kind == "modal":
        _check_text(view.get("title"), pointer + "/title", problems, max_length=24, plain_only=True)
        for key in ("submit", "close"):
            if key in view:
                _check_text(view[key], f"{pointer}/{key}", problems, max_length=24, plain_only=True)
    else:
        for key in ("submit", "close"):
            if key in view:
                problems.add("a home tab cannot have submit or close", f"{pointer}/{key}")
    for key, limit in (("private_metadata", 3000), ("callback_id", 255), ("external_id", 255)):
        value = view.get(key)
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            problems.add(f"must be a string of at most {limit} characters", f"{pointer}/{key}")
    blocks = view.get("blocks")
    if blocks is None:
        problems.add("missing required field: blocks", pointer + "/blocks")
    else:
        _check_block_list(blocks, pointer + "/blocks", problems, MAX_VIEW_BLOCKS)
        has_input = isinstance(blocks, list) and any(
            isinstance(b, dict) and b.get("type") == "input" for b in blocks
        )
        if kind == "modal" and has_input and "submit" not in view:
            problems.add(
                "submit is required when a modal contains input blocks", pointer + "/submit"
            )
    if problems:
        return problems.messages
    try:
        View(**view).to_dict()
    except SlackObjectFormationError as exc:
        problems.add(str(exc), pointer)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        problems.add(f"invalid view: {exc}", pointer)
    return problems.messages
