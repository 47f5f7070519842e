"""Messages: the chat.* methods, the response URLs Slack hands out with commands and interactions,
and what people write in channels, kept with threads, edits and ephemerals as Slack keeps them."""

from __future__ import annotations

import secrets
import time

from bot.offline.slack.arguments import arg_flag, arg_text, json_list
from bot.offline.slack.blockkit import check_blocks
from bot.offline.slack.constants import MAX_TEXT, Json
from bot.offline.slack.records import EphemeralMessage, PostedMessage, ResponseUrl
from bot.offline.slack.workspace import Refusal, Workspace


class Chat:
    """Posting, editing and deleting messages, by the bot, by people and through response URLs."""

    def __init__(self, workspace: Workspace) -> None:
        self._workspace = workspace

    # -- setting up and reading ----------------------------------------------------------------

    def add_message(
        self,
        channel: str,
        text: str,
        *,
        user: str,
        thread_ts: str | None,
        blocks: list[Json] | None,
    ) -> PostedMessage:
        workspace = self._workspace
        with workspace.lock:
            workspace.ensure_channel(channel, create=True)
            message = PostedMessage(
                channel=channel,
                ts=workspace.next_ts(),
                text=text,
                blocks=blocks,
                thread_ts=workspace.thread_root(channel, thread_ts),
                user=user,
                bot_id=None,
                via="person",
            )
            workspace.messages.setdefault(channel, []).append(message)
            return message

    def message(self, channel: str, ts: str) -> PostedMessage | None:
        with self._workspace.lock:
            return self._workspace.find_message(channel, ts)

    def ephemerals(self, *, channel: str | None, user: str | None) -> list[EphemeralMessage]:
        with self._workspace.lock:
            return [
                e
                for e in self._workspace.ephemerals
                if (channel is None or e.channel == channel) and (user is None or e.user == user)
            ]

    # -- the methods ---------------------------------------------------------------------------

    def post_message(self, args: Json) -> Json:
        workspace = self._workspace
        channel = workspace.postable_channel(arg_text(args, "channel"))
        text, blocks, attachments = self._message_content(args)
        metadata = args.get("metadata")
        message = PostedMessage(
            channel=channel.id,
            ts=workspace.next_ts(),
            text=text,
            blocks=blocks,
            thread_ts=workspace.thread_root(channel.id, arg_text(args, "thread_ts")),
            user=workspace.bot_user_id,
            bot_id=workspace.bot_id,
            attachments=attachments,
            metadata=metadata if isinstance(metadata, dict) else None,
            reply_broadcast=arg_flag(args, "reply_broadcast"),
        )
        workspace.messages.setdefault(channel.id, []).append(message)
        return {
            "channel": channel.id,
            "ts": message.ts,
            "message": message.to_json(workspace.team_id),
        }

    def update(self, args: Json) -> Json:
        workspace = self._workspace
        channel = workspace.postable_channel(arg_text(args, "channel"))
        message = workspace.find_message(channel.id, arg_text(args, "ts") or "")
        if message is None:
            raise Refusal("message_not_found")
        if message.user != workspace.bot_user_id:
            raise Refusal("cant_update_message")
        # Slack keeps the previous blocks when `blocks` is left out; [] removes them.
        keep_blocks = "blocks" not in args
        text, blocks, attachments = self._message_content(
            args, fallback_blocks=message.blocks if keep_blocks else None
        )
        message.edits.append(
            {"text": message.text, "blocks": message.blocks, "edited_ts": workspace.next_ts()}
        )
        message.text = text
        message.blocks = message.blocks if keep_blocks else blocks
        if attachments is not None:
            message.attachments = attachments
        return {
            "channel": channel.id,
            "ts": message.ts,
            "text": message.text,
            "message": message.to_json(workspace.team_id),
        }

    def delete(self, args: Json) -> Json:
        workspace = self._workspace
        channel = workspace.postable_channel(arg_text(args, "channel"))
        message = workspace.find_message(channel.id, arg_text(args, "ts") or "")
        if message is None:
            raise Refusal("message_not_found")
        if message.user != workspace.bot_user_id:
            raise Refusal("cant_delete_message")
        message.deleted = True
        return {"channel": channel.id, "ts": message.ts}

    def post_ephemeral(self, args: Json) -> Json:
        workspace = self._workspace
        channel = workspace.postable_channel(arg_text(args, "channel"))
        user = arg_text(args, "user")
        if user is None or user not in workspace.users:
            raise Refusal("user_not_found")
        text, blocks, _attachments = self._message_content(args)
        ephemeral = EphemeralMessage(
            channel=channel.id,
            user=user,
            ts=workspace.next_ts(),
            text=text,
            blocks=blocks,
            thread_ts=arg_text(args, "thread_ts"),
        )
        workspace.ephemerals.append(ephemeral)
        return {"message_ts": ephemeral.ts}

    def get_permalink(self, args: Json) -> Json:
        workspace = self._workspace
        channel = workspace.readable_channel(arg_text(args, "channel"))
        message = workspace.find_message(channel.id, arg_text(args, "message_ts") or "")
        if message is None:
            raise Refusal("message_not_found")
        ts = message.ts.replace(".", "")
        permalink = f"{workspace.workspace_url}archives/{channel.id}/p{ts}"
        if message.is_reply:
            permalink += f"?thread_ts={message.thread_ts}&cid={channel.id}"
        return {"channel": channel.id, "permalink": permalink}

    def _message_content(
        self, args: Json, *, fallback_blocks: list[Json] | None = None
    ) -> tuple[str, list[Json] | None, list[Json] | None]:
        text = args.get("text")
        text = text if isinstance(text, str) else ""
        blocks_value = args.get("blocks")
        if blocks_value is not None:
            if not isinstance(blocks_value, list):
                raise Refusal("invalid_blocks_format")
            problems = check_blocks(blocks_value)
            if problems:
                raise Refusal("invalid_blocks", response_metadata={"messages": problems})
        attachments = json_list(args.get("attachments"))
        blocks = json_list(blocks_value)
        if not text and not blocks and not attachments and not fallback_blocks:
            raise Refusal("no_text")
        if len(text) > MAX_TEXT:
            raise Refusal("msg_too_long")
        return text, blocks, attachments

    # -- response URLs -------------------------------------------------------------------------

    def new_response_url(
        self,
        *,
        channel: str | None,
        user: str | None,
        message_ts: str | None,
        thread_ts: str | None,
        ttl: float,
        uses: int,
    ) -> str:
        workspace = self._workspace
        url_id = f"{secrets.token_hex(4)}-{workspace.next_id()}-{secrets.token_urlsafe(12)}"
        url = f"{workspace.url}/response/{url_id}"
        with workspace.lock:
            workspace.response_urls[url_id] = ResponseUrl(
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

    def answer_response_url(self, url_id: str, body: object) -> tuple[str, int, Json]:
        """What a POST of `body` to the response URL `url_id` does: the URL, status and answer."""
        workspace = self._workspace
        hook = workspace.response_urls.get(url_id)
        url = hook.url if hook else f"{workspace.url}/response/{url_id}"
        status, answer = self._answer_response_url(hook, body)
        return url, status, answer

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
        workspace = self._workspace
        if arg_flag(body, "delete_original"):
            original = workspace.find_message(hook.channel or "", hook.message_ts or "")
            if original is not None:
                original.deleted = True
            return 200, {"ok": True}
        try:
            text, blocks, _attachments = self._message_content(body)
        except Refusal as refusal:
            return 400, {"ok": False, "error": refusal.error, **refusal.extra}
        if arg_flag(body, "replace_original") and hook.message_ts is not None:
            original = workspace.find_message(hook.channel or "", hook.message_ts)
            if original is not None:
                original.edits.append(
                    {
                        "text": original.text,
                        "blocks": original.blocks,
                        "edited_ts": workspace.next_ts(),
                    }
                )
                original.text, original.blocks = text, blocks
                return 200, {"ok": True}
        thread_ts = arg_text(body, "thread_ts") or hook.thread_ts
        if body.get("response_type") == "in_channel" and hook.channel is not None:
            workspace.ensure_channel(hook.channel, create=True)
            message = PostedMessage(
                channel=hook.channel,
                ts=workspace.next_ts(),
                text=text,
                blocks=blocks,
                thread_ts=workspace.thread_root(hook.channel, thread_ts),
                via="response_url",
            )
            workspace.messages.setdefault(hook.channel, []).append(message)
        else:
            workspace.ephemerals.append(
                EphemeralMessage(
                    channel=hook.channel,
                    user=hook.user,
                    ts=workspace.next_ts(),
                    text=text,
                    blocks=blocks,
                    thread_ts=thread_ts,
                    via="response_url",
                )
            )
        return 200, {"ok": True}
