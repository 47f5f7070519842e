"""What the stand-in records and keeps, as plain data: calls it answered, the workspace's people
and conversations, messages, views, trigger ids and response URLs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.offline.slack.constants import (
    APP_ID,
    BOT_ID,
    BOT_USER_ID,
    DEFAULT_AGENT_ID,
    RESPONSE_URL_USES,
    TEAM_ID,
    ChannelKind,
    Json,
)


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
    """A trigger id as Slack sends with a command or an interaction: single use, short-lived."""

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


def _zone_offset_and_label(tz: str) -> tuple[int, str]:
    try:
        now = datetime.now(ZoneInfo(tz))
    except (ZoneInfoNotFoundError, ValueError):
        return 0, tz
    offset = now.utcoffset()
    return (int(offset.total_seconds()) if offset else 0), now.tzname() or tz
