"""A local stand-in for Slack's Web API: a real HTTP server that answers like Slack and records.

The bot's `AsyncWebClient(token=..., base_url=stand_in.api_url)` talks to it unmodified, so tests,
benchmarks and the offline console exercise the same code paths as production. It keeps the state
Slack would (messages and threads, open modals and their stacks, App Home tabs, response URLs),
refuses what Slack refuses (expired or reused trigger ids, stale view hashes, broken Block Kit,
channels the bot is not in), and injects faults on demand (errors, 429s, 5xx pages, delays).
It also plays Slack's side of Socket Mode: `apps.connections.open` and the websocket it points to,
where tests push envelopes and read the app's acks.

    async with SlackStandIn() as slack:
        client = AsyncWebClient(token="xoxb-test", base_url=slack.api_url)
        await client.chat_postMessage(channel=slack.default_channel, text="hi")
        await slack.wait_for("chat.postMessage")

`with SlackStandIn() as slack:` runs the same server on its own thread, for synchronous callers.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import json
import logging
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from types import TracebackType
from typing import Any, Literal, Self, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aiohttp import WSCloseCode, WSMessage, WSMsgType, web
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block, BlockElement
from slack_sdk.models.views import View
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.offline.loop_thread import LoopThread

logger = logging.getLogger(__name__)

Json = dict[str, Any]
ChannelKind = Literal["public", "private", "im", "mpim"]
FaultKind = Literal["error", "ratelimited", "server_error", "delay"]
EnvelopeType = Literal["slash_commands", "interactive", "events_api"]
T = TypeVar("T")

TEAM_ID = "T0TOURBOT"
TEAM_NAME = "Tourbot Test"
WORKSPACE_URL = "https://tourbot-test.slack.com/"
BOT_USER_ID = "U0TOURBOT"
BOT_ID = "B0TOURBOT"
APP_ID = "A0TOURBOT"
DEFAULT_AGENT_ID = "U0AGENT01"
DEFAULT_CHANNEL_ID = "C0LEASING"
TRIGGER_TTL = 3.0  # seconds a trigger_id can be exchanged, as in Slack
RESPONSE_URL_TTL = 30 * 60.0
RESPONSE_URL_USES = 5
MAX_VIEW_STACK = 3
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_TEXT = 40_000
ACK_DEADLINE = 3.0  # seconds Slack waits for an ack before the agent sees an error
SOCKET_PATH = "/link/"  # as in Slack's wss://wss-primary.slack.com/link/?ticket=…&app_id=…
SOCKET_HOST = "applink-stand-in"  # the debug_info host Slack names in hello and disconnect

# The scope a method needs: one, one per kind of conversation (that of the channel the call
# names), or None. A method missing here (a stub) is not checked.
ScopeNeed = str | Mapping[ChannelKind, str] | None
_READ: Mapping[ChannelKind, str] = {
    "public": "channels:read",
    "private": "groups:read",
    "im": "im:read",
    "mpim": "mpim:read",
}
_HISTORY: Mapping[ChannelKind, str] = {
    "public": "channels:history",
    "private": "groups:history",
    "im": "im:history",
    "mpim": "mpim:history",
}
METHOD_SCOPES: Mapping[str, ScopeNeed] = {
    "api.test": None,
    "auth.test": None,
    "apps.connections.open": None,  # an app-level token's (connections:write): see _token_refusal
    "users.info": "users:read",
    "usergroups.users.list": "usergroups:read",
    "conversations.open": "im:write",  # a DM with one person; a group DM would need mpim:write
    "conversations.info": _READ,
    "conversations.join": "channels:join",
    "conversations.history": _HISTORY,
    "conversations.replies": _HISTORY,
    "chat.postMessage": "chat:write",
    "chat.update": "chat:write",
    "chat.delete": "chat:write",
    "chat.postEphemeral": "chat:write",
    "chat.getPermalink": None,
    "views.open": None,
    "views.update": None,
    "views.push": None,
    "views.publish": None,
}
# The scope each event subscription needs (app_home_opened needs none).
EVENT_SCOPES: Mapping[str, str | None] = {
    "app_mention": "app_mentions:read",
    "message.channels": "channels:history",
    "message.groups": "groups:history",
    "message.im": "im:history",
    "message.mpim": "mpim:history",
    "app_home_opened": None,
}
COMMAND_SCOPE = "commands"  # slash commands and shortcuts


def scopes_of(need: ScopeNeed) -> set[str]:
    """Every scope `need` may ask for."""
    if need is None:
        return set()
    return {need} if isinstance(need, str) else set(need.values())


# Unless told otherwise, every scope the stand-in checks is granted.
DEFAULT_SCOPES = tuple(
    sorted(
        {COMMAND_SCOPE}
        | {scope for need in METHOD_SCOPES.values() for scope in scopes_of(need)}
        | {scope for scope in EVENT_SCOPES.values() if scope}
    )
)
_JSON_FIELDS = ("blocks", "view", "attachments", "metadata")  # JSON strings in form bodies

_SERVER_ERROR_PAGE = (
    "<!DOCTYPE html><html><head><title>Server Error | Slack</title></head>"
    "<body><h1>Server Error</h1><p>It seems like there's a problem connecting to our servers."
    "</p></body></html>"
)


class CallsNotArrived(TimeoutError):
    """`wait_for` gave up: fewer calls of the method arrived than expected within the timeout."""


class InvalidViewResponse(ValueError):
    """A view submission's answer that Slack would refuse (an invalid view, a bad errors key)."""


# ----------------------------------------------------------------------------------------------
# What the stand-in records and keeps
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One request the stand-in answered: the Web API method (or "response_url"), its arguments
    (query, form and JSON merged; `blocks`/`view` decoded from JSON strings), when it arrived
    (`time.time()`), the token, and the answer given."""

    method: str
    args: Json
    at: float
    token: str | None
    status: int
    response: Json

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))

    @property
    def error(self) -> str | None:
        error = self.response.get("error")
        return error if isinstance(error, str) else None


@dataclass
class SlackUser:
    """A member of the workspace, as users.info describes them."""

    id: str
    name: str
    real_name: str = ""
    tz: str = "America/Chicago"
    tz_offset: int | None = None  # seconds east of UTC; None: computed from `tz` now
    email: str | None = None
    is_bot: bool = False
    deleted: bool = False
    locale: str = "en-US"

    def to_json(self, team_id: str, *, include_locale: bool = False) -> Json:
        offset, label = _zone_offset_and_label(self.tz)
        real_name = self.real_name or self.name
        profile: Json = {
            "real_name": real_name,
            "real_name_normalized": real_name,
            "display_name": self.name,
            "display_name_normalized": self.name,
            "team": team_id,
        }
        if self.email:
            profile["email"] = self.email
        user: Json = {
            "id": self.id,
            "team_id": team_id,
            "name": self.name,
            "deleted": self.deleted,
            "real_name": real_name,
            "tz": self.tz,
            "tz_label": label,
            "tz_offset": self.tz_offset if self.tz_offset is not None else offset,
            "profile": profile,
            "is_admin": False,
            "is_owner": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": 1_700_000_000,
        }
        if include_locale:
            user["locale"] = self.locale
        return user


@dataclass
class SlackChannel:
    """A conversation: a public or private channel, a DM (`im`, with `user`) or a group DM."""

    id: str
    name: str
    kind: ChannelKind = "public"
    bot_is_member: bool = True
    user: str | None = None  # the other person in a DM
    created: int = 1_700_000_000

    @property
    def visible_to_bot(self) -> bool:
        # A private channel the bot is not in does not exist as far as the bot can tell.
        return self.kind != "private" or self.bot_is_member

    def to_json(self) -> Json:
        if self.kind == "im":
            return {
                "id": self.id,
                "created": self.created,
                "is_im": True,
                "is_org_shared": False,
                "user": self.user,
                "is_user_deleted": False,
                "priority": 0,
            }
        return {
            "id": self.id,
            "name": self.name,
            "name_normalized": self.name,
            "created": self.created,
            "creator": DEFAULT_AGENT_ID,
            "is_channel": self.kind == "public",
            "is_group": self.kind == "private",
            "is_im": False,
            "is_mpim": self.kind == "mpim",
            "is_private": self.kind in ("private", "mpim"),
            "is_archived": False,
            "is_general": False,
            "is_member": self.bot_is_member,
        }


@dataclass
class PostedMessage:
    """A message in a channel, top-level or in a thread (`thread_ts` is the parent's ts)."""

    channel: str
    ts: str
    text: str
    blocks: list[Json] | None = None
    thread_ts: str | None = None
    user: str = BOT_USER_ID
    bot_id: str | None = BOT_ID
    attachments: list[Json] | None = None
    metadata: Json | None = None
    reply_broadcast: bool = False
    deleted: bool = False
    edits: list[Json] = field(default_factory=list)  # earlier versions, oldest first
    via: str = "chat.postMessage"

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts

    def to_json(self, team_id: str = TEAM_ID) -> Json:
        message: Json = {"type": "message", "text": self.text, "user": self.user, "ts": self.ts}
        message["team"] = team_id
        if self.bot_id is not None:
            message["bot_id"] = self.bot_id
            message["app_id"] = APP_ID
        if self.blocks is not None:
            message["blocks"] = self.blocks
        if self.attachments is not None:
            message["attachments"] = self.attachments
        if self.metadata is not None:
            message["metadata"] = self.metadata
        if self.thread_ts is not None:
            message["thread_ts"] = self.thread_ts
        if self.edits:
            message["edited"] = {"user": self.user, "ts": self.edits[-1]["edited_ts"]}
        return message


@dataclass
class EphemeralMessage:
    """A message only `user` sees: from chat.postEphemeral or an ephemeral response_url post."""

    channel: str | None
    user: str | None
    ts: str
    text: str
    blocks: list[Json] | None = None
    thread_ts: str | None = None
    via: str = "chat.postEphemeral"


@dataclass
class StandInView:
    """A modal in a stack, or a user's App Home, with the content last sent and its current hash."""

    id: str
    user: str
    payload: Json
    hash: str
    root_view_id: str
    previous_view_id: str | None = None
    external_id: str | None = None  # kept across updates that leave it out, as in Slack
    closed: bool = False
    errors: dict[str, str] = field(default_factory=dict)  # from a response_action "errors"
    history: list[Json] = field(default_factory=list)  # earlier payloads, oldest first

    @property
    def type(self) -> str:
        return str(self.payload.get("type", ""))

    @property
    def callback_id(self) -> str | None:
        value = self.payload.get("callback_id")
        return value if isinstance(value, str) else None

    @property
    def private_metadata(self) -> str:
        return str(self.payload.get("private_metadata", ""))

    @property
    def blocks(self) -> list[Json]:
        blocks = self.payload.get("blocks")
        return list(blocks) if isinstance(blocks, list) else []

    @property
    def title(self) -> str | None:
        title = self.payload.get("title")
        return title.get("text") if isinstance(title, dict) else None

    def to_json(self, team_id: str = TEAM_ID) -> Json:
        view: Json = {
            "id": self.id,
            "team_id": team_id,
            "type": self.type,
            "blocks": self.blocks,
            "private_metadata": self.private_metadata,
            "callback_id": self.callback_id or "",
            "state": {"values": {}},
            "hash": self.hash,
            "clear_on_close": bool(self.payload.get("clear_on_close", False)),
            "notify_on_close": bool(self.payload.get("notify_on_close", False)),
            "root_view_id": self.root_view_id,
            "previous_view_id": self.previous_view_id,
            "app_id": APP_ID,
            "external_id": self.external_id or "",
            "app_installed_team_id": team_id,
            "bot_id": BOT_ID,
        }
        for key in ("title", "submit", "close"):
            view[key] = self.payload.get(key)
        return view


@dataclass
class Trigger:
    id: str
    user: str
    issued_at: float  # time.monotonic()
    view_id: str | None = None  # the modal the interaction came from, for views.push
    used: bool = False


@dataclass
class ResponseUrl:
    """A response URL the stand-in minted: where in-channel answers go, and how many uses remain."""

    id: str
    url: str
    channel: str | None
    user: str | None
    message_ts: str | None  # the original message, for replace_original / delete_original
    thread_ts: str | None
    expires_at: float  # time.monotonic()
    uses_left: int = RESPONSE_URL_USES
    posts: list[Json] = field(default_factory=list)


@dataclass
class Fault:
    """A misbehaviour for calls of `method` ("*": any method).

    - `error`: answer HTTP 200 `{"ok": false, "error": error}`.
    - `ratelimited`: answer HTTP 429 `{"ok": false, "error": "ratelimited"}` with `Retry-After`.
    - `server_error`: answer `status` (5xx) with Slack's HTML error page.
    - `delay`: wait `seconds`, then answer normally (other faults still apply).

    `times` is how many calls it hits; None means every call until `clear_faults()`.
    """

    method: str
    kind: FaultKind
    error: str = "internal_error"
    times: int | None = 1
    retry_after: int = 1
    status: int = 503
    seconds: float = 0.0
    hits: int = 0

    @property
    def spent(self) -> bool:
        return self.times is not None and self.hits >= self.times

    def matches(self, method: str) -> bool:
        return self.method in ("*", method) and not self.spent


class _Refusal(Exception):
    """Raised by a method handler: Slack's `{"ok": false, "error": ...}` answer."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


# ----------------------------------------------------------------------------------------------
# Block Kit validation: slack_sdk.models plus the structural rules it lets through
# ----------------------------------------------------------------------------------------------


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


# ----------------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------------


def _zone_offset_and_label(tz: str) -> tuple[int, str]:
    try:
        now = datetime.now(ZoneInfo(tz))
    except (ZoneInfoNotFoundError, ValueError):
        return 0, tz
    offset = now.utcoffset()
    return (int(offset.total_seconds()) if offset else 0), now.tzname() or tz


def _text(args: Mapping[str, Any], key: str) -> str | None:
    value = args.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return str(value)
    return value if isinstance(value, str) and value else None


def _flag(args: Mapping[str, Any], key: str) -> bool:
    return args.get(key) in (True, 1, "1", "true", "True")


def _json_list(value: object) -> list[Json] | None:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else None


def _dm_channel_id(user: str) -> str:
    # Stable across runs, so a console or a recorded test sees the same DM id every time.
    return "D" + hashlib.sha1(user.encode()).hexdigest()[:10].upper()


async def _read_args(request: web.Request) -> tuple[Json, str | None]:
    """Query string, form and JSON body merged (body wins); JSON-string fields decoded.

    Returns the arguments and the name of a field that held broken JSON, if any."""
    args: Json = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            raw = await request.text()
            if raw.strip():
                try:
                    body = json.loads(raw)
                except json.JSONDecodeError:
                    return args, "<body>"
                if not isinstance(body, dict):
                    return args, "<body>"
                args.update(body)
        else:
            form = await request.post()
            args.update({key: value for key, value in form.items() if isinstance(value, str)})
    broken: str | None = None
    for key in _JSON_FIELDS:
        value = args.get(key)
        if isinstance(value, str):
            try:
                args[key] = json.loads(value)
            except json.JSONDecodeError:
                broken = broken or key
    return args, broken


# ----------------------------------------------------------------------------------------------
# Socket Mode: what travels over the websocket, and what the stand-in keeps of it
# ----------------------------------------------------------------------------------------------


class SocketNotConnected(RuntimeError):
    """An envelope or a disconnect was to be sent, but the app has no connection open."""


class SocketModeTimeout(TimeoutError):
    """`wait_for_connection` or `wait_for_ack` gave up."""


@dataclass
class SocketConnection:
    """A websocket the app opened with a URL from apps.connections.open (greeted with hello)."""

    id: str
    ticket: str
    opened_at: float  # time.time()
    closed_at: float | None = None
    disconnect_reason: str | None = None  # sent a `disconnect`: nothing more is routed here
    pings: int = 0  # websocket pings from the app, each answered with a pong
    received: list[Json] = field(default_factory=list)  # from the app, other than awaited acks
    socket: web.WebSocketResponse | None = field(default=None, repr=False)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


@dataclass(frozen=True)
class SocketAck:
    """The app's acknowledgement of an envelope: `{"envelope_id", "payload"?}`, when it arrived
    (`time.time()`) and how many seconds after the envelope was sent."""

    envelope_id: str
    payload: Json | None  # e.g. a view submission's `response_action`, a command's message
    at: float
    seconds: float

    @property
    def late(self) -> bool:
        return self.seconds > ACK_DEADLINE


@dataclass
class SocketEnvelope:
    """An envelope pushed to the app over `connection_id`, and its ack once one came back."""

    request: SocketModeRequest
    connection_id: str
    sent_at: float  # time.time()
    ack: SocketAck | None = None


def _envelope_json(request: SocketModeRequest) -> Json:
    # SocketModeRequest.to_dict() keeps only type, envelope_id and payload; Slack sends the rest.
    envelope: Json = {
        **request.to_dict(),
        "accepts_response_payload": request.accepts_response_payload,
    }
    if request.retry_attempt is not None:
        envelope["retry_attempt"] = request.retry_attempt
    if request.retry_reason is not None:
        envelope["retry_reason"] = request.retry_reason
    return envelope


def _socket_message_json(message: WSMessage) -> Json:
    try:
        body = json.loads(message.data)
    except (TypeError, json.JSONDecodeError):
        body = None
    return body if isinstance(body, dict) else {"raw": str(message.data)}


# ----------------------------------------------------------------------------------------------
# The stand-in
# ----------------------------------------------------------------------------------------------


class SlackStandIn:
    """Slack's Web API on 127.0.0.1, recording every call and answering like Slack.

    `async with SlackStandIn() as slack:` serves from the current event loop (for async tests that
    also run the bot's server); `with SlackStandIn() as slack:` serves from its own thread.

    It starts with a bot user, one agent (`DEFAULT_AGENT_ID`, America/Chicago) and one public
    channel the bot is in (`DEFAULT_CHANNEL_ID`); `seed=False` starts with the bot alone.
    With `strict=False`, an unknown channel id is created on first use as a public channel the
    bot is in; with `strict=True` it is `channel_not_found`. `token` and `app_token` are the bot
    and app-level tokens it accepts (None: any `xoxb-`/`xoxp-`, any `xapp-`).
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str | None = None,
        app_token: str | None = None,
        strict: bool = False,
        seed: bool = True,
        scopes: Sequence[str] = DEFAULT_SCOPES,
        trigger_ttl: float = TRIGGER_TTL,
        team_id: str = TEAM_ID,
        bot_user_id: str = BOT_USER_ID,
        bot_id: str = BOT_ID,
    ) -> None:
        self.host, self.port = host, port
        self.token = token  # None: any xoxb-/xoxp- token is accepted
        self.app_token = app_token  # None: any xapp- token is accepted
        self.strict = strict
        self.scopes = list(scopes)
        self.trigger_ttl = trigger_ttl
        self.team_id, self.bot_user_id, self.bot_id = team_id, bot_user_id, bot_id
        self.workspace_url = WORKSPACE_URL

        self._lock = threading.RLock()  # the server may run on another thread than its readers
        self._calls: list[Call] = []
        self._waiters: list[Callable[[], None]] = []
        self._users: dict[str, SlackUser] = {}
        self._channels: dict[str, SlackChannel] = {}
        self._messages: dict[str, list[PostedMessage]] = {}
        self._ephemerals: list[EphemeralMessage] = []
        self._views: dict[str, StandInView] = {}
        self._stacks: dict[str, list[str]] = {}  # root view id -> view ids, bottom first
        self._homes: dict[str, StandInView] = {}  # user id -> published home tab
        self._triggers: dict[str, Trigger] = {}
        self._response_urls: dict[str, ResponseUrl] = {}
        self._faults: list[Fault] = []
        self._stubs: dict[str, Callable[[Json], Json]] = {}
        self._tickets: set[str] = set()  # from apps.connections.open, for the websocket
        self._sockets: list[SocketConnection] = []
        self._envelopes: dict[str, SocketEnvelope] = {}
        self._last_ts_us = 0
        self._ids = itertools.count(1)

        self._url: str | None = None
        self._runner: web.AppRunner | None = None
        self._stopping: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: LoopThread[SlackStandIn] | None = None

        self._handlers: dict[str, Callable[[Json], Json]] = {
            "api.test": lambda args: {"args": dict(args)},
            "apps.connections.open": self._apps_connections_open,
            "auth.test": self._auth_test,
            "users.info": self._users_info,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "conversations.join": self._conversations_join,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.getPermalink": self._chat_get_permalink,
            "views.open": self._views_open,
            "views.update": self._views_update,
            "views.push": self._views_push,
            "views.publish": self._views_publish,
        }

        self.add_user(bot_user_id, name="tourbot", real_name="Tourbot", is_bot=True)
        if seed:
            self.add_user(DEFAULT_AGENT_ID, name="maria", real_name="Maria Lopez")
            self.add_channel(DEFAULT_CHANNEL_ID, name="leasing-team")

    # -- running -------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The base URL, e.g. `http://127.0.0.1:54321`."""
        if self._url is None:
            raise RuntimeError("The Slack stand-in is not running; use `async with` or start().")
        return self._url

    @property
    def api_url(self) -> str:
        """What to pass as `AsyncWebClient(base_url=...)`: `<url>/api/`."""
        return self.url + "/api/"

    @property
    def default_channel(self) -> str:
        return DEFAULT_CHANNEL_ID

    async def start(self) -> Self:
        """Serve from the running event loop."""
        if self._runner is not None:
            raise RuntimeError("The Slack stand-in is already running.")
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._serve_api)
        app.router.add_post("/response/{id}", self._serve_response_url)
        app.router.add_get(SOCKET_PATH, self._serve_socket)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        port = runner.addresses[0][1]
        self._runner = runner
        self._stopping = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        self._url = f"http://{self.host}:{port}"
        return self

    async def stop(self) -> None:
        if self._runner is None:
            return
        if self._stopping is not None:
            self._stopping.set()  # wakes delayed answers so shutdown does not wait for them
        await self._close_sockets()
        await self._runner.cleanup()
        self._runner = None
        self._url = None
        self._loop = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    def start_in_thread(self) -> Self:
        """Serve from a new thread with its own event loop, for synchronous callers."""
        self._thread = LoopThread("slack-stand-in", self.start, self.stop)
        self._thread.start()
        return self

    def stop_thread(self) -> None:
        if self._thread is not None:
            self._thread.stop()
        self._thread = None

    def __enter__(self) -> Self:
        return self.start_in_thread()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop_thread()

    # -- setting up ----------------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        *,
        name: str | None = None,
        real_name: str = "",
        tz: str = "America/Chicago",
        tz_offset: int | None = None,
        email: str | None = None,
        is_bot: bool = False,
        deleted: bool = False,
    ) -> SlackUser:
        """Add (or replace) a member of the workspace directory that users.info answers from."""
        user = SlackUser(
            id=user_id,
            name=name or user_id.lower(),
            real_name=real_name,
            tz=tz,
            tz_offset=tz_offset,
            email=email,
            is_bot=is_bot,
            deleted=deleted,
        )
        with self._lock:
            self._users[user_id] = user
        return user

    def add_channel(
        self,
        channel_id: str,
        *,
        name: str | None = None,
        bot_is_member: bool = True,
        kind: ChannelKind = "public",
        user: str | None = None,
    ) -> SlackChannel:
        """Add (or replace) a conversation. A private channel the bot is not in is invisible to it
        (`channel_not_found`, as in Slack); a public one answers `not_in_channel` to posts."""
        channel = SlackChannel(
            id=channel_id,
            name=name or channel_id.lower(),
            kind=kind,
            bot_is_member=bot_is_member,
            user=user,
        )
        with self._lock:
            self._channels[channel_id] = channel
        return channel

    def add_message(
        self,
        channel: str,
        text: str,
        *,
        user: str = DEFAULT_AGENT_ID,
        thread_ts: str | None = None,
        blocks: list[Json] | None = None,
    ) -> PostedMessage:
        """A message a person wrote (not the bot), e.g. a thread reply the console typed."""
        with self._lock:
            self._ensure_channel(channel, create=True)
            message = PostedMessage(
                channel=channel,
                ts=self._next_ts(),
                text=text,
                blocks=blocks,
                thread_ts=self._thread_root(channel, thread_ts),
                user=user,
                bot_id=None,
                via="person",
            )
            self._messages.setdefault(channel, []).append(message)
            return message

    def new_trigger_id(
        self, user: str = DEFAULT_AGENT_ID, *, view_id: str | None = None, age: float = 0.0
    ) -> str:
        """A trigger id as Slack sends with a command or an interaction: single use, valid for
        `trigger_ttl` seconds. `view_id` is the modal the interaction came from (views.push uses
        that stack); `age` makes one that was issued that many seconds ago."""
        trigger_id = f"{next(self._ids)}{secrets.randbelow(10**9)}.{secrets.randbelow(10**9)}."
        trigger_id += secrets.token_hex(16)
        with self._lock:
            self._triggers[trigger_id] = Trigger(
                id=trigger_id, user=user, issued_at=time.monotonic() - age, view_id=view_id
            )
        return trigger_id

    def new_response_url(
        self,
        *,
        channel: str | None = DEFAULT_CHANNEL_ID,
        user: str | None = DEFAULT_AGENT_ID,
        message_ts: str | None = None,
        thread_ts: str | None = None,
        ttl: float = RESPONSE_URL_TTL,
        uses: int = RESPONSE_URL_USES,
    ) -> str:
        """A response URL as Slack sends with a command or an interaction. `message_ts` is the
        message an interaction came from (what replace_original / delete_original act on)."""
        url_id = f"{secrets.token_hex(4)}-{next(self._ids)}-{secrets.token_urlsafe(12)}"
        url = f"{self.url}/response/{url_id}"
        with self._lock:
            self._response_urls[url_id] = ResponseUrl(
                id=url_id,
                url=url,
                channel=channel,
                user=user,
                message_ts=message_ts,
                thread_ts=thread_ts,
                expires_at=time.monotonic() + ttl,
                uses_left=uses,
            )
        return url

    def stub(self, method: str, answer: Json | Callable[[Json], Json]) -> None:
        """Answer `method` (e.g. one the stand-in does not know) with `answer`, or with what
        `answer(args)` returns; `ok: true` is added when the answer has no `ok`."""
        with self._lock:
            self._stubs[method] = answer if callable(answer) else (lambda _args: dict(answer))

    # -- faults --------------------------------------------------------------------------------

    def fail(self, method: str, error: str = "internal_error", *, times: int | None = 1) -> Fault:
        """Answer the next `times` calls of `method` ("*": any) with `{"ok": false, "error": error}`
        (HTTP 200, as Slack does); `times=None`: every call until `clear_faults()`."""
        return self._add_fault(Fault(method=method, kind="error", error=error, times=times))

    def rate_limit(self, method: str, *, retry_after: int = 1, times: int | None = 1) -> Fault:
        """Answer HTTP 429 `{"ok": false, "error": "ratelimited"}` with `Retry-After`."""
        return self._add_fault(
            Fault(
                method=method,
                kind="ratelimited",
                error="ratelimited",
                times=times,
                retry_after=retry_after,
            )
        )

    def server_error(self, method: str, *, status: int = 503, times: int | None = 1) -> Fault:
        """Answer `status` with Slack's HTML error page instead of JSON."""
        return self._add_fault(
            Fault(method=method, kind="server_error", status=status, times=times)
        )

    def delay(self, method: str, seconds: float, *, times: int | None = 1) -> Fault:
        """Hold the answer to `method` for `seconds`, then answer normally."""
        return self._add_fault(Fault(method=method, kind="delay", seconds=seconds, times=times))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def _add_fault(self, fault: Fault) -> Fault:
        if fault.times is not None and fault.times < 1:
            raise ValueError("times must be at least 1, or None for every call")
        with self._lock:
            self._faults.append(fault)
        return fault

    def _take_fault(self, method: str, kinds: Iterable[FaultKind]) -> Fault | None:
        wanted = set(kinds)
        for fault in self._faults:
            if fault.kind in wanted and fault.matches(method):
                fault.hits += 1
                return fault
        return None

    # -- reading state -------------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Every answered call, in the order answered."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self._calls if call.method == method]

    @property
    def faults(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def user(self, user_id: str) -> SlackUser | None:
        with self._lock:
            return self._users.get(user_id)

    def channel(self, channel_id: str) -> SlackChannel | None:
        with self._lock:
            return self._channels.get(channel_id)

    def dm_channel(self, user: str) -> str:
        """The id of the bot's DM with `user`, as conversations.open answers it."""
        return _dm_channel_id(user)

    def messages(self, channel: str, *, include_replies: bool = False) -> list[PostedMessage]:
        """The channel's messages, oldest first: top-level ones (and broadcast replies), or all."""
        with self._lock:
            return [
                m
                for m in self._messages.get(channel, [])
                if not m.deleted and (include_replies or not m.is_reply or m.reply_broadcast)
            ]

    def message(self, channel: str, ts: str) -> PostedMessage | None:
        with self._lock:
            return self._find_message(channel, ts)

    def thread(self, channel: str, ts: str) -> list[PostedMessage]:
        """The replies in the thread whose parent has `ts`, oldest first (the parent excluded)."""
        with self._lock:
            return [
                m
                for m in self._messages.get(channel, [])
                if m.is_reply and m.thread_ts == ts and not m.deleted
            ]

    def ephemerals(
        self, *, channel: str | None = None, user: str | None = None
    ) -> list[EphemeralMessage]:
        with self._lock:
            return [
                e
                for e in self._ephemerals
                if (channel is None or e.channel == channel) and (user is None or e.user == user)
            ]

    @property
    def views(self) -> dict[str, StandInView]:
        """The open modals by view id (App Home tabs are in `homes`)."""
        with self._lock:
            return {vid: v for vid, v in self._views.items() if not v.closed}

    def view(self, view_id: str) -> StandInView | None:
        """A modal or Home tab by id, open or closed."""
        with self._lock:
            return self._views.get(view_id) or next(
                (h for h in self._homes.values() if h.id == view_id), None
            )

    def view_stack(self, view_id: str) -> list[StandInView]:
        """The open stack `view_id` belongs to, bottom (root) first."""
        with self._lock:
            view = self._views.get(view_id)
            if view is None:
                return []
            return [self._views[v] for v in self._stacks.get(view.root_view_id, [])]

    @property
    def homes(self) -> dict[str, StandInView]:
        """Published App Home tabs by user id."""
        with self._lock:
            return dict(self._homes)

    def response_posts(self, url: str | None = None) -> list[Json]:
        """The bodies POSTed to response URLs (or to one of them), in order."""
        with self._lock:
            return [
                dict(call.args)
                for call in self._calls
                if call.method == "response_url"
                and (url is None or call.args["response_url"] == url)
            ]

    # -- acting as the person in front of Slack ------------------------------------------------

    def close_view(self, view_id: str) -> None:
        """The agent closes a modal: it and the views pushed on top of it close; closing the
        root closes the whole stack. Later views.update calls on them answer `not_found`."""
        with self._lock:
            view = self._views.get(view_id)
            if view is None or view.closed:
                return
            stack = self._stacks.get(view.root_view_id, [])
            position = stack.index(view_id) if view_id in stack else 0
            for closing in stack[position:]:
                self._views[closing].closed = True
            del stack[position:]
            if not stack:
                self._stacks.pop(view.root_view_id, None)

    def apply_view_response(
        self, view_id: str, answer: Mapping[str, Any] | None
    ) -> StandInView | None:
        """What Slack does with the ack to a submission of `view_id`: none or {} closes it;
        `response_action` "update" replaces it, "push" stacks a view, "clear" closes the stack,
        "errors" keeps it open with the messages. Returns the view now on top, or None.
        Raises InvalidViewResponse where Slack would show the agent a generic failure."""
        with self._lock:
            view = self._views.get(view_id)
            if view is None or view.closed:
                raise InvalidViewResponse(f"view {view_id} is not open")
            action = (answer or {}).get("response_action")
            if not action:
                self.close_view(view_id)
                stack = self._stacks.get(view.root_view_id)
                return self._views[stack[-1]] if stack else None
            if action == "clear":
                self.close_view(view.root_view_id)
                return None
            if action == "errors":
                errors = (answer or {}).get("errors")
                input_ids = {b.get("block_id") for b in view.blocks if b.get("type") == "input"}
                if not isinstance(errors, dict) or not errors:
                    raise InvalidViewResponse(
                        "response_action errors needs a non-empty errors object"
                    )
                unknown = sorted(str(k) for k in errors if k not in input_ids)
                if unknown:
                    raise InvalidViewResponse(
                        f"errors keys must be block_ids of input blocks; not: {', '.join(unknown)}"
                    )
                view.errors = {str(k): str(v) for k, v in errors.items()}
                return view
            new_view = (answer or {}).get("view")
            problems = check_view(new_view, "/response_action/view")
            if problems:
                raise InvalidViewResponse("; ".join(problems))
            assert isinstance(new_view, dict)
            if action == "update":
                self._replace_view(view, new_view)
                return view
            if action == "push":
                stack = self._stacks[view.root_view_id]
                if len(stack) >= MAX_VIEW_STACK:
                    raise InvalidViewResponse("push_limit_reached: a stack holds 3 views at most")
                return self._push_view(stack, view.user, new_view)
            raise InvalidViewResponse(f"unknown response_action: {action}")

    # -- waiting -------------------------------------------------------------------------------

    async def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,
        *,
        where: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """Wait until at least `count` calls of `method` (matching `where`) have been answered;
        returns all such calls so far. Raises CallsNotArrived after `timeout` seconds."""

        def enough() -> list[Call] | None:
            found = self._matching(method, where)
            return found if len(found) >= count else None

        def gave_up() -> Exception:
            found = len(self._matching(method, where))
            return CallsNotArrived(self._not_arrived(method, count, found, timeout))

        return await self._until(enough, timeout, gave_up)

    async def _until(
        self, found: Callable[[], T | None], timeout: float, gave_up: Callable[[], Exception]
    ) -> T:
        """What `found()` returns once it is not None, checked whenever the stand-in records
        something; raises `gave_up()` after `timeout` seconds."""
        loop = asyncio.get_running_loop()
        changed = asyncio.Event()

        def wake() -> None:
            with contextlib.suppress(RuntimeError):  # the waiting loop has closed
                loop.call_soon_threadsafe(changed.set)

        deadline = loop.time() + timeout
        with self._lock:
            self._waiters.append(wake)
        try:
            while True:
                changed.clear()
                result = found()
                if result is not None:
                    return result
                remaining = deadline - loop.time()
                if remaining <= 0:
                    raise gave_up()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), remaining)
        finally:
            with self._lock:
                self._waiters.remove(wake)

    def wait_for_blocking(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,
        *,
        where: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """`wait_for` for synchronous callers; the stand-in must run on its own thread."""
        if self._thread is None:
            raise RuntimeError("wait_for_blocking needs the stand-in on its own thread (`with`).")
        changed = threading.Event()
        deadline = time.monotonic() + timeout
        with self._lock:
            self._waiters.append(changed.set)
        try:
            while True:
                changed.clear()
                found = self._matching(method, where)
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise CallsNotArrived(self._not_arrived(method, count, len(found), timeout))
                changed.wait(remaining)
        finally:
            with self._lock:
                self._waiters.remove(changed.set)

    def _matching(self, method: str, where: Callable[[Call], bool] | None) -> list[Call]:
        return [c for c in self.calls_to(method) if where is None or where(c)]

    def _not_arrived(self, method: str, count: int, found: int, timeout: float) -> str:
        seen = ", ".join(c.method for c in self.calls) or "none"
        return (
            f"waited {timeout:g} s for {count} call(s) of {method}, {found} arrived; "
            f"calls so far: {seen}"
        )

    def _record(self, call: Call) -> None:
        with self._lock:
            self._calls.append(call)
        self._wake()

    def _wake(self) -> None:
        with self._lock:
            waiters = list(self._waiters)
        for wake in waiters:
            wake()

    # -- Socket Mode ---------------------------------------------------------------------------

    @property
    def socket_connections(self) -> list[SocketConnection]:
        """Every websocket the app opened, oldest first."""
        with self._lock:
            return list(self._sockets)

    @property
    def envelopes(self) -> list[SocketEnvelope]:
        """Every envelope pushed to the app, oldest first, with its ack if one came back."""
        with self._lock:
            return list(self._envelopes.values())

    async def send_envelope(
        self,
        kind: EnvelopeType,
        payload: Json,
        *,
        accepts_response_payload: bool = False,
        retry_attempt: int | None = None,
        retry_reason: str | None = None,
    ) -> str:
        """Push an envelope to the app over its newest connection, as Slack delivers a command,
        an interaction or an event in Socket Mode; returns its envelope_id (see `wait_for_ack`).
        `payload` is shaped exactly as the HTTP body would be. Raises SocketNotConnected."""
        request = SocketModeRequest(
            type=kind,
            envelope_id=str(uuid.uuid4()),
            payload=payload,
            accepts_response_payload=accepts_response_payload,
            retry_attempt=retry_attempt,
            retry_reason=retry_reason,
        )
        with self._lock:
            connection = self._live_connection()
            self._envelopes[request.envelope_id] = SocketEnvelope(
                request, connection.id, sent_at=time.time()
            )
        await self._send_on(connection, _envelope_json(request))
        return request.envelope_id

    async def disconnect_socket(self, reason: str = "refresh_requested") -> SocketConnection:
        """Ask the app to reconnect, as Slack does every few hours: a `disconnect` message on the
        newest connection, which gets no envelope after it. The app is expected to open a new
        connection and close this one. Raises SocketNotConnected."""
        with self._lock:
            connection = self._live_connection()
            connection.disconnect_reason = reason
        message = {"type": "disconnect", "reason": reason, "debug_info": {"host": SOCKET_HOST}}
        await self._send_on(connection, message)
        return connection

    async def wait_for_connection(self, count: int = 1, timeout: float = 5.0) -> SocketConnection:
        """Wait until the app has opened `count` connections (each greeted with hello); returns
        the last of them. Raises SocketModeTimeout."""

        def opened() -> SocketConnection | None:
            with self._lock:
                return self._sockets[count - 1] if len(self._sockets) >= count else None

        def gave_up() -> Exception:
            return SocketModeTimeout(
                f"waited {timeout:g} s for {count} Socket Mode connection(s), "
                f"{len(self.socket_connections)} opened"
            )

        return await self._until(opened, timeout, gave_up)

    async def wait_for_ack(self, envelope_id: str, timeout: float = ACK_DEADLINE) -> SocketAck:
        """Wait for the app's ack of an envelope; by default no longer than Slack would.
        Raises SocketModeTimeout."""

        def acked() -> SocketAck | None:
            with self._lock:
                envelope = self._envelopes.get(envelope_id)
            if envelope is None:
                raise KeyError(f"no envelope {envelope_id} was sent")
            return envelope.ack

        def gave_up() -> Exception:
            return SocketModeTimeout(f"no ack of envelope {envelope_id} within {timeout:g} s")

        return await self._until(acked, timeout, gave_up)

    def _live_connection(self) -> SocketConnection:
        # The newest open one, as Slack routes to one of the app's connections.
        for connection in reversed(self._sockets):
            if connection.is_open and connection.disconnect_reason is None:
                return connection
        raise SocketNotConnected("the app has no Socket Mode connection open")

    async def _send_on(self, connection: SocketConnection, message: Json) -> None:
        socket, loop = connection.socket, self._loop
        assert socket is not None and loop is not None
        if loop is asyncio.get_running_loop():
            await socket.send_json(message)
        else:  # the websocket belongs to the server's loop, on its own thread under `with`
            sending = asyncio.run_coroutine_threadsafe(socket.send_json(message), loop)
            await asyncio.wrap_future(sending)

    def _hello(self) -> Json:
        return {
            "type": "hello",
            "num_connections": sum(1 for c in self._sockets if c.is_open) + 1,
            "debug_info": {
                "host": SOCKET_HOST,
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
            "connection_info": {"app_id": APP_ID},
        }

    async def _serve_socket(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        with self._lock:
            known = ticket in self._tickets
        if not known:
            return web.Response(status=401, text="invalid_ticket")
        socket = web.WebSocketResponse(autoping=False)  # pings are answered (and counted) below
        await socket.prepare(request)
        connection = SocketConnection(
            id=f"socket-{next(self._ids)}", ticket=ticket, opened_at=time.time(), socket=socket
        )
        with self._lock:
            hello = self._hello()
        await socket.send_json(hello)
        with self._lock:
            self._sockets.append(connection)
        self._wake()
        try:
            async for message in socket:
                await self._socket_message(connection, message)
        finally:
            with self._lock:
                connection.closed_at = time.time()
            self._wake()
        return socket

    async def _socket_message(self, connection: SocketConnection, message: WSMessage) -> None:
        if message.type == WSMsgType.PING:
            with self._lock:
                connection.pings += 1
            assert connection.socket is not None
            await connection.socket.pong(message.data)
        elif message.type == WSMsgType.TEXT:
            self._take_ack(connection, _socket_message_json(message))

    def _take_ack(self, connection: SocketConnection, body: Json) -> None:
        arrived = time.time()
        with self._lock:
            envelope = self._envelopes.get(str(body.get("envelope_id")))
            if envelope is None or envelope.ack is not None:
                connection.received.append(body)  # not an ack Slack is waiting for
                return
            payload = body.get("payload")
            # Read as slack_sdk reads it: a string payload is {"text": ...}.
            response = SocketModeResponse(
                envelope.request.envelope_id, payload if isinstance(payload, dict | str) else None
            )
            envelope.ack = SocketAck(
                response.envelope_id, response.payload, arrived, arrived - envelope.sent_at
            )
        self._wake()

    async def _close_sockets(self) -> None:
        for connection in self.socket_connections:
            if connection.socket is not None and not connection.socket.closed:
                await connection.socket.close(code=WSCloseCode.GOING_AWAY)

    # -- HTTP ----------------------------------------------------------------------------------

    async def _serve_api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        arrived = time.time()
        args, broken = await _read_args(request)
        token = self._token(request, args)
        with self._lock:
            delay = self._take_fault(method, ["delay"])
        if delay is not None:
            await self._pause(delay.seconds)
        headers = {"x-oauth-scopes": ",".join(self.scopes), "x-slack-req-id": secrets.token_hex(8)}
        with self._lock:
            fault = self._take_fault(method, ["error", "ratelimited", "server_error"])
            if fault is not None and fault.kind == "server_error":
                self._record(Call(method, args, arrived, token, fault.status, {}))
                return web.Response(
                    status=fault.status, text=_SERVER_ERROR_PAGE, content_type="text/html"
                )
            status = 200
            if fault is not None and fault.kind == "ratelimited":
                status, answer = 429, {"ok": False, "error": "ratelimited"}
                headers["Retry-After"] = str(fault.retry_after)
            elif fault is not None:
                answer = {"ok": False, "error": fault.error}
            else:
                answer = self._answer(method, args, token, broken)
            self._record(Call(method, args, arrived, token, status, answer))
        return web.json_response(answer, status=status, headers=headers)

    async def _pause(self, seconds: float) -> None:
        assert self._stopping is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    @staticmethod
    def _token(request: web.Request, args: Json) -> str | None:
        token = args.pop("token", None)
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            return header.removeprefix("Bearer ").strip() or None
        return token if isinstance(token, str) and token else None

    def _answer(self, method: str, args: Json, token: str | None, broken: str | None) -> Json:
        if token is None:
            return {"ok": False, "error": "not_authed"}
        if (refused := self._token_refusal(method, token)) is not None:
            return {"ok": False, "error": refused}
        stub = self._stubs.get(method)
        handler = self._handlers.get(method)
        if stub is None and handler is None:
            return {"ok": False, "error": "unknown_method", "req_method": method}
        try:
            if broken == "<body>":
                raise _Refusal("invalid_json")
            if broken == "blocks":
                raise _Refusal("invalid_blocks_format")
            if broken is not None:
                raise _Refusal(
                    "invalid_arguments",
                    response_metadata={
                        "messages": [f"[ERROR] invalid JSON [json-pointer:/{broken}]"]
                    },
                )
            self._check_scope(method, args)
            respond = stub or handler
            assert respond is not None
            answer = respond(args)
        except _Refusal as refusal:
            return {"ok": False, "error": refusal.error, **refusal.extra}
        except Exception:  # a bug in the stand-in: say so in the log, answer like Slack would
            logger.exception("The Slack stand-in failed to answer %s", method)
            return {"ok": False, "error": "fatal_error"}
        return {"ok": True, **answer} if "ok" not in answer else answer

    def _token_refusal(self, method: str, token: str) -> str | None:
        app_level = token.startswith("xapp-")
        expected = self.app_token if app_level else self.token
        if expected is not None and token != expected:
            return "invalid_auth"
        if expected is None and not token.startswith(("xapp-", "xoxb-", "xoxp-")):
            return "invalid_auth"
        # An app-level token opens Socket Mode connections and does nothing else, and only it can.
        if app_level != (method == "apps.connections.open"):
            return "not_allowed_token_type"
        return None

    def _check_scope(self, method: str, args: Json) -> None:
        need = METHOD_SCOPES.get(method)
        if need is None:
            return
        if isinstance(need, str):
            needed = need
        else:
            channel = self._channels.get(_text(args, "channel") or "")
            needed = need[channel.kind if channel else "public"]
        if needed not in self.scopes:
            raise _Refusal("missing_scope", needed=needed, provided=",".join(self.scopes))

    async def _serve_response_url(self, request: web.Request) -> web.StreamResponse:
        url_id = request.match_info["id"]
        arrived = time.time()
        raw = await request.text()
        try:
            body = json.loads(raw) if raw.strip() else {}
        except json.JSONDecodeError:
            body = None
        with self._lock:
            hook = self._response_urls.get(url_id)
            url = hook.url if hook else f"{self.url}/response/{url_id}"
            status, answer = self._answer_response_url(hook, body)
            args: Json = {**body} if isinstance(body, dict) else {"raw": raw}
            args["response_url"] = url
            self._record(Call("response_url", args, arrived, None, status, answer))
        return web.json_response(answer, status=status)

    # -- the methods ---------------------------------------------------------------------------

    def _auth_test(self, args: Json) -> Json:
        return {
            "url": self.workspace_url,
            "team": TEAM_NAME,
            "user": self._users[self.bot_user_id].name,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _apps_connections_open(self, args: Json) -> Json:
        ticket = secrets.token_hex(16)
        self._tickets.add(ticket)
        socket_url = "ws" + self.url.removeprefix("http") + SOCKET_PATH
        return {"url": f"{socket_url}?ticket={ticket}&app_id={APP_ID}"}

    def _users_info(self, args: Json) -> Json:
        user = self._users.get(_text(args, "user") or "")
        if user is None:
            raise _Refusal("user_not_found")
        return {"user": user.to_json(self.team_id, include_locale=_flag(args, "include_locale"))}

    def _conversations_open(self, args: Json) -> Json:
        if (channel_id := _text(args, "channel")) is not None:
            channel = self._channels.get(channel_id)
            if channel is None or channel.kind not in ("im", "mpim"):
                raise _Refusal("channel_not_found")
            return {"channel": {"id": channel.id}}
        users = [u.strip() for u in (_text(args, "users") or "").split(",") if u.strip()]
        if not users:
            raise _Refusal("users_list_not_supplied")
        for user_id in users:
            if user_id not in self._users:
                raise _Refusal("user_not_found")
        if len(users) == 1:
            channel_id, kind = _dm_channel_id(users[0]), "im"
        else:
            digest = hashlib.sha1(",".join(sorted(users)).encode()).hexdigest()[:10].upper()
            channel_id, kind = "G" + digest, "mpim"
        already_open = channel_id in self._channels
        if not already_open:
            self._channels[channel_id] = SlackChannel(
                id=channel_id,
                name=channel_id.lower() if kind == "im" else "mpdm-" + "--".join(users),
                kind="im" if kind == "im" else "mpim",
                user=users[0] if kind == "im" else None,
            )
        channel = self._channels[channel_id]
        answer: Json = {
            "channel": channel.to_json() if _flag(args, "return_im") else {"id": channel_id}
        }
        if already_open:
            answer["no_op"] = answer["already_open"] = True
        return answer

    def _conversations_info(self, args: Json) -> Json:
        return {"channel": self._visible_channel(_text(args, "channel")).to_json()}

    def _conversations_join(self, args: Json) -> Json:
        channel = self._visible_channel(_text(args, "channel"))
        if channel.kind != "public":
            raise _Refusal("method_not_supported_for_channel_type")
        already = channel.bot_is_member
        channel.bot_is_member = True
        answer: Json = {"channel": channel.to_json()}
        if already:
            answer["warning"] = "already_in_channel"
            answer["response_metadata"] = {"warnings": ["already_in_channel"]}
        return answer

    def _conversations_history(self, args: Json) -> Json:
        channel = self._readable_channel(_text(args, "channel"))
        messages = [m.to_json(self.team_id) for m in reversed(self.messages(channel.id))]
        return {"messages": messages, "has_more": False, "pin_count": 0}

    def _conversations_replies(self, args: Json) -> Json:
        channel = self._readable_channel(_text(args, "channel"))
        parent = self._find_message(channel.id, _text(args, "ts") or "")
        if parent is None:
            raise _Refusal("thread_not_found")
        root = parent.thread_ts or parent.ts
        top = self._find_message(channel.id, root) or parent
        replies = self.thread(channel.id, root)
        return {"messages": [m.to_json(self.team_id) for m in [top, *replies]], "has_more": False}

    def _chat_post_message(self, args: Json) -> Json:
        channel = self._postable_channel(_text(args, "channel"))
        text, blocks, attachments = self._message_content(args)
        metadata = args.get("metadata")
        message = PostedMessage(
            channel=channel.id,
            ts=self._next_ts(),
            text=text,
            blocks=blocks,
            thread_ts=self._thread_root(channel.id, _text(args, "thread_ts")),
            user=self.bot_user_id,
            bot_id=self.bot_id,
            attachments=attachments,
            metadata=metadata if isinstance(metadata, dict) else None,
            reply_broadcast=_flag(args, "reply_broadcast"),
        )
        self._messages.setdefault(channel.id, []).append(message)
        return {"channel": channel.id, "ts": message.ts, "message": message.to_json(self.team_id)}

    def _chat_update(self, args: Json) -> Json:
        channel = self._postable_channel(_text(args, "channel"))
        message = self._find_message(channel.id, _text(args, "ts") or "")
        if message is None:
            raise _Refusal("message_not_found")
        if message.user != self.bot_user_id:
            raise _Refusal("cant_update_message")
        # Slack keeps the previous blocks when `blocks` is left out; [] removes them.
        keep_blocks = "blocks" not in args
        text, blocks, attachments = self._message_content(
            args, fallback_blocks=message.blocks if keep_blocks else None
        )
        message.edits.append(
            {"text": message.text, "blocks": message.blocks, "edited_ts": self._next_ts()}
        )
        message.text = text
        message.blocks = message.blocks if keep_blocks else blocks
        if attachments is not None:
            message.attachments = attachments
        return {
            "channel": channel.id,
            "ts": message.ts,
            "text": message.text,
            "message": message.to_json(self.team_id),
        }

    def _chat_delete(self, args: Json) -> Json:
        channel = self._postable_channel(_text(args, "channel"))
        message = self._find_message(channel.id, _text(args, "ts") or "")
        if message is None:
            raise _Refusal("message_not_found")
        if message.user != self.bot_user_id:
            raise _Refusal("cant_delete_message")
        message.deleted = True
        return {"channel": channel.id, "ts": message.ts}

    def _chat_post_ephemeral(self, args: Json) -> Json:
        channel = self._postable_channel(_text(args, "channel"))
        user = _text(args, "user")
        if user is None or user not in self._users:
            raise _Refusal("user_not_found")
        text, blocks, _attachments = self._message_content(args)
        ephemeral = EphemeralMessage(
            channel=channel.id,
            user=user,
            ts=self._next_ts(),
            text=text,
            blocks=blocks,
            thread_ts=_text(args, "thread_ts"),
        )
        self._ephemerals.append(ephemeral)
        return {"message_ts": ephemeral.ts}

    def _chat_get_permalink(self, args: Json) -> Json:
        channel = self._readable_channel(_text(args, "channel"))
        message = self._find_message(channel.id, _text(args, "message_ts") or "")
        if message is None:
            raise _Refusal("message_not_found")
        permalink = f"{self.workspace_url}archives/{channel.id}/p{message.ts.replace('.', '')}"
        if message.is_reply:
            permalink += f"?thread_ts={message.thread_ts}&cid={channel.id}"
        return {"channel": channel.id, "permalink": permalink}

    def _views_open(self, args: Json) -> Json:
        view = self._valid_view(args, allowed="modal")
        trigger = self._exchange_trigger(args)
        self._check_external_id(view)
        root_id = self._new_view_id()
        self._stacks[root_id] = []
        opened = self._push_view(self._stacks[root_id], trigger.user, view, view_id=root_id)
        return {"view": opened.to_json(self.team_id)}

    def _views_push(self, args: Json) -> Json:
        view = self._valid_view(args, allowed="modal")
        trigger = self._exchange_trigger(args)
        stack = self._stack_for(trigger)
        if stack is None:
            raise _Refusal("not_found")
        if len(stack) >= MAX_VIEW_STACK:
            raise _Refusal("push_limit_reached")
        self._check_external_id(view)
        pushed = self._push_view(stack, trigger.user, view)
        return {"view": pushed.to_json(self.team_id)}

    def _views_update(self, args: Json) -> Json:
        view_id, external_id = _text(args, "view_id"), _text(args, "external_id")
        if view_id is None and external_id is None:
            raise _Refusal(
                "invalid_arguments",
                response_metadata={"messages": ["[ERROR] view_id or external_id is required"]},
            )
        target = self._find_view(view_id, external_id)
        if target is None or target.closed:
            raise _Refusal("not_found")
        new_view = self._valid_view(args, allowed=target.type)
        expected = _text(args, "hash")
        if expected is not None and expected != target.hash:
            raise _Refusal("hash_conflict")
        self._check_external_id(new_view, allow=target)
        self._replace_view(target, new_view)
        return {"view": target.to_json(self.team_id)}

    def _views_publish(self, args: Json) -> Json:
        user = _text(args, "user_id")
        if user is None or user not in self._users:
            raise _Refusal("user_not_found")
        view = self._valid_view(args, allowed="home")
        home = self._homes.get(user)
        expected = _text(args, "hash")
        if home is not None and expected is not None and expected != home.hash:
            raise _Refusal("hash_conflict")
        if home is None:
            view_id = self._new_view_id()
            home = StandInView(
                id=view_id,
                user=user,
                payload=view,
                hash=self._new_hash(),
                root_view_id=view_id,
                external_id=_text(view, "external_id"),
            )
            self._homes[user] = home
        else:
            self._replace_view(home, view)
        return {"view": home.to_json(self.team_id)}

    # -- method helpers ------------------------------------------------------------------------

    def _next_ts(self) -> str:
        # Unique and increasing, in Slack's "seconds.microseconds" form, close to the wall clock.
        self._last_ts_us = max(int(time.time() * 1_000_000), self._last_ts_us + 1)
        return f"{self._last_ts_us // 1_000_000}.{self._last_ts_us % 1_000_000:06d}"

    def _new_view_id(self) -> str:
        return "V" + secrets.token_hex(5).upper()

    def _new_hash(self) -> str:
        return f"{int(time.time())}.{next(self._ids)}{secrets.randbelow(10**6):06d}"

    def _ensure_channel(self, channel_id: str, *, create: bool) -> SlackChannel | None:
        channel = self._channels.get(channel_id)
        if channel is None and create and channel_id[:1] in ("C", "G"):
            channel = self._channels[channel_id] = SlackChannel(
                id=channel_id, name=channel_id.lower()
            )
        elif channel is None and channel_id[:1] == "D":
            # The bot's DM with a person exists from their first message, as in Slack.
            user = next((u for u in self._users if _dm_channel_id(u) == channel_id), None)
            if user is not None:
                channel = self._channels[channel_id] = SlackChannel(
                    id=channel_id, name=channel_id.lower(), kind="im", user=user
                )
        return channel

    def _visible_channel(self, channel_id: str | None) -> SlackChannel:
        if channel_id is None:
            raise _Refusal("channel_not_found")
        channel = self._ensure_channel(channel_id, create=not self.strict)
        if channel is None or not channel.visible_to_bot:
            raise _Refusal("channel_not_found")
        return channel

    def _readable_channel(self, channel_id: str | None) -> SlackChannel:
        channel = self._visible_channel(channel_id)
        if not channel.bot_is_member:
            raise _Refusal("not_in_channel")
        return channel

    def _postable_channel(self, channel_id: str | None) -> SlackChannel:
        # A user id posts to the bot's DM with that person, as Slack does.
        if channel_id is not None and channel_id[:1] in ("U", "W") and channel_id in self._users:
            dm = _dm_channel_id(channel_id)
            if dm not in self._channels:
                self._channels[dm] = SlackChannel(
                    id=dm, name=dm.lower(), kind="im", user=channel_id
                )
            return self._channels[dm]
        channel = self._visible_channel(channel_id)
        if channel.bot_is_member:
            return channel
        if channel.kind == "public" and "chat:write.public" in self.scopes:
            return channel
        raise _Refusal("not_in_channel")

    def _message_content(
        self, args: Json, *, fallback_blocks: list[Json] | None = None
    ) -> tuple[str, list[Json] | None, list[Json] | None]:
        text = args.get("text")
        text = text if isinstance(text, str) else ""
        blocks_value = args.get("blocks")
        if blocks_value is not None:
            if not isinstance(blocks_value, list):
                raise _Refusal("invalid_blocks_format")
            problems = check_blocks(blocks_value)
            if problems:
                raise _Refusal("invalid_blocks", response_metadata={"messages": problems})
        attachments = _json_list(args.get("attachments"))
        blocks = _json_list(blocks_value)
        if not text and not blocks and not attachments and not fallback_blocks:
            raise _Refusal("no_text")
        if len(text) > MAX_TEXT:
            raise _Refusal("msg_too_long")
        return text, blocks, attachments

    def _find_message(self, channel: str, ts: str) -> PostedMessage | None:
        for message in self._messages.get(channel, []):
            if message.ts == ts and not message.deleted:
                return message
        return None

    def _thread_root(self, channel: str, thread_ts: str | None) -> str | None:
        # Replying to a reply lands in the parent's thread, as in Slack.
        if thread_ts is None:
            return None
        parent = self._find_message(channel, thread_ts)
        return parent.thread_ts if parent is not None and parent.thread_ts else thread_ts

    def _valid_view(self, args: Json, *, allowed: str) -> Json:
        view = args.get("view")
        if view is None:
            raise _Refusal(
                "invalid_arguments",
                response_metadata={"messages": ["[ERROR] missing required field: view"]},
            )
        problems = check_view(view)
        if not problems and isinstance(view, dict) and view.get("type") != allowed:
            problems = [f"[ERROR] must be {allowed} here [json-pointer:/view/type]"]
        if problems:
            raise _Refusal("invalid_arguments", response_metadata={"messages": problems})
        assert isinstance(view, dict)
        return view

    def _exchange_trigger(self, args: Json) -> Trigger:
        trigger_id = _text(args, "trigger_id") or _text(args, "interactivity_pointer")
        trigger = self._triggers.get(trigger_id or "")
        if trigger is None:
            raise _Refusal("invalid_trigger_id")
        if trigger.used:
            raise _Refusal("exchanged_trigger_id")
        if time.monotonic() - trigger.issued_at > self.trigger_ttl:
            raise _Refusal("expired_trigger_id")
        trigger.used = True
        return trigger

    def _stack_for(self, trigger: Trigger) -> list[str] | None:
        if trigger.view_id is not None:
            view = self._views.get(trigger.view_id)
            return None if view is None or view.closed else self._stacks.get(view.root_view_id)
        # Without a view id: the stack the agent opened last, the one in front of them.
        for view in reversed(list(self._views.values())):
            if view.user == trigger.user and not view.closed:
                return self._stacks.get(view.root_view_id)
        return None

    def _find_view(self, view_id: str | None, external_id: str | None) -> StandInView | None:
        candidates = [*self._views.values(), *self._homes.values()]
        if view_id is not None:
            return next((v for v in candidates if v.id == view_id), None)
        open_views = (v for v in candidates if not v.closed)
        return next((v for v in open_views if external_id and v.external_id == external_id), None)

    def _check_external_id(self, view: Json, *, allow: StandInView | None = None) -> None:
        external_id = view.get("external_id")
        if not external_id:
            return
        for other in [*self._views.values(), *self._homes.values()]:
            if other is not allow and not other.closed and other.external_id == external_id:
                raise _Refusal("duplicate_external_id")

    def _push_view(
        self, stack: list[str], user: str, payload: Json, *, view_id: str | None = None
    ) -> StandInView:
        view_id = view_id or self._new_view_id()
        root = stack[0] if stack else view_id
        view = StandInView(
            id=view_id,
            user=user,
            payload=payload,
            hash=self._new_hash(),
            root_view_id=root,
            previous_view_id=stack[-1] if stack else None,
            external_id=_text(payload, "external_id"),
        )
        self._views[view_id] = view
        stack.append(view_id)
        self._stacks[root] = stack
        return view

    def _replace_view(self, view: StandInView, payload: Json) -> None:
        if isinstance(payload.get("external_id"), str):
            view.external_id = payload["external_id"]
        view.history.append(view.payload)
        view.payload = payload
        view.hash = self._new_hash()
        view.errors = {}

    def _answer_response_url(self, hook: ResponseUrl | None, body: object) -> tuple[int, Json]:
        if hook is None:
            return 404, {"ok": False, "error": "no_service"}
        if time.monotonic() > hook.expires_at:
            return 404, {"ok": False, "error": "expired_url"}
        if hook.uses_left <= 0:
            return 404, {"ok": False, "error": "used_url"}
        if not isinstance(body, dict):
            return 400, {"ok": False, "error": "invalid_payload"}
        hook.uses_left -= 1
        hook.posts.append(body)
        if _flag(body, "delete_original"):
            original = self._find_message(hook.channel or "", hook.message_ts or "")
            if original is not None:
                original.deleted = True
            return 200, {"ok": True}
        try:
            text, blocks, _attachments = self._message_content(body)
        except _Refusal as refusal:
            return 400, {"ok": False, "error": refusal.error, **refusal.extra}
        if _flag(body, "replace_original") and hook.message_ts is not None:
            original = self._find_message(hook.channel or "", hook.message_ts)
            if original is not None:
                original.edits.append(
                    {"text": original.text, "blocks": original.blocks, "edited_ts": self._next_ts()}
                )
                original.text, original.blocks = text, blocks
                return 200, {"ok": True}
        thread_ts = _text(body, "thread_ts") or hook.thread_ts
        if body.get("response_type") == "in_channel" and hook.channel is not None:
            self._ensure_channel(hook.channel, create=True)
            message = PostedMessage(
                channel=hook.channel,
                ts=self._next_ts(),
                text=text,
                blocks=blocks,
                thread_ts=self._thread_root(hook.channel, thread_ts),
                via="response_url",
            )
            self._messages.setdefault(hook.channel, []).append(message)
        else:
            self._ephemerals.append(
                EphemeralMessage(
                    channel=hook.channel,
                    user=hook.user,
                    ts=self._next_ts(),
                    text=text,
                    blocks=blocks,
                    thread_ts=thread_ts,
                    via="response_url",
                )
            )
        return 200, {"ok": True}
