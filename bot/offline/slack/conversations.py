"""The workspace's directory as the Web API shows it: users.info and the conversations.* methods,
and the people and channels a test adds to it."""

from __future__ import annotations

import hashlib

from bot.offline.slack.arguments import arg_flag, arg_text
from bot.offline.slack.constants import Json
from bot.offline.slack.records import SlackChannel, SlackUser
from bot.offline.slack.workspace import Refusal, Workspace, dm_channel_id


class Conversations:
    """People and conversations: setting them up, and the methods that read or join them."""

    def __init__(self, workspace: Workspace) -> None:
        self._workspace = workspace

    # -- setting up ----------------------------------------------------------------------------

    def add_user(self, user: SlackUser) -> SlackUser:
        with self._workspace.lock:
            self._workspace.users[user.id] = user
        return user

    def add_channel(self, channel: SlackChannel) -> SlackChannel:
        with self._workspace.lock:
            self._workspace.channels[channel.id] = channel
        return channel

    def user(self, user_id: str) -> SlackUser | None:
        with self._workspace.lock:
            return self._workspace.users.get(user_id)

    def channel(self, channel_id: str) -> SlackChannel | None:
        with self._workspace.lock:
            return self._workspace.channels.get(channel_id)

    # -- the methods ---------------------------------------------------------------------------

    def users_info(self, args: Json) -> Json:
        user = self._workspace.users.get(arg_text(args, "user") or "")
        if user is None:
            raise Refusal("user_not_found")
        team_id = self._workspace.team_id
        return {"user": user.to_json(team_id, include_locale=arg_flag(args, "include_locale"))}

    def open(self, args: Json) -> Json:
        channels = self._workspace.channels
        if (channel_id := arg_text(args, "channel")) is not None:
            channel = channels.get(channel_id)
            if channel is None or channel.kind not in ("im", "mpim"):
                raise Refusal("channel_not_found")
            return {"channel": {"id": channel.id}}
        users = [u.strip() for u in (arg_text(args, "users") or "").split(",") if u.strip()]
        if not users:
            raise Refusal("users_list_not_supplied")
        for user_id in users:
            if user_id not in self._workspace.users:
                raise Refusal("user_not_found")
        if len(users) == 1:
            channel_id, kind = dm_channel_id(users[0]), "im"
        else:
            digest = hashlib.sha1(",".join(sorted(users)).encode()).hexdigest()[:10].upper()
            channel_id, kind = "G" + digest, "mpim"
        already_open = channel_id in channels
        if not already_open:
            channels[channel_id] = SlackChannel(
                id=channel_id,
                name=channel_id.lower() if kind == "im" else "mpdm-" + "--".join(users),
                kind="im" if kind == "im" else "mpim",
                user=users[0] if kind == "im" else None,
            )
        channel = channels[channel_id]
        answer: Json = {
            "channel": channel.to_json() if arg_flag(args, "return_im") else {"id": channel_id}
        }
        if already_open:
            answer["no_op"] = answer["already_open"] = True
        return answer

    def info(self, args: Json) -> Json:
        return {"channel": self._workspace.visible_channel(arg_text(args, "channel")).to_json()}

    def join(self, args: Json) -> Json:
        channel = self._workspace.visible_channel(arg_text(args, "channel"))
        if channel.kind != "public":
            raise Refusal("method_not_supported_for_channel_type")
        already = channel.bot_is_member
        channel.bot_is_member = True
        answer: Json = {"channel": channel.to_json()}
        if already:
            answer["warning"] = "already_in_channel"
            answer["response_metadata"] = {"warnings": ["already_in_channel"]}
        return answer

    def history(self, args: Json) -> Json:
        """Newest first, between `oldest` and `latest` (each excluded unless `inclusive`), at
        most `limit` (default 100), as Slack answers it."""
        workspace = self._workspace
        channel = workspace.readable_channel(arg_text(args, "channel"))
        inclusive = arg_flag(args, "inclusive")
        latest, oldest = _ts_arg(args, "latest"), _ts_arg(args, "oldest")
        limit = int(arg_text(args, "limit") or 100)
        kept = [
            m
            for m in reversed(workspace.channel_messages(channel.id))
            if (latest is None or float(m.ts) < latest or (inclusive and float(m.ts) == latest))
            and (oldest is None or float(m.ts) > oldest or (inclusive and float(m.ts) == oldest))
        ]
        return {
            "messages": [m.to_json(workspace.team_id) for m in kept[:limit]],
            "has_more": len(kept) > limit,
            "pin_count": 0,
        }

    def replies(self, args: Json) -> Json:
        workspace = self._workspace
        channel = workspace.readable_channel(arg_text(args, "channel"))
        parent = workspace.find_message(channel.id, arg_text(args, "ts") or "")
        if parent is None:
            raise Refusal("thread_not_found")
        root = parent.thread_ts or parent.ts
        top = workspace.find_message(channel.id, root) or parent
        replies = workspace.thread(channel.id, root)
        return {
            "messages": [m.to_json(workspace.team_id) for m in [top, *replies]],
            "has_more": False,
        }


def _ts_arg(args: Json, key: str) -> float | None:
    text = arg_text(args, key)
    try:
        return float(text) if text else None
    except ValueError:
        return None
