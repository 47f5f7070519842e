"""The message shortcut "Book a tour from this message": the form, filled from that message,
reporting in that message's thread."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.tourbot import Tourbot
from handlers.acks import let_ack_leave
from handlers.commands import build_form
from handlers.form_data import ModalContext
from handlers.modals import ReplyTo, open_modal

BOOK_FROM_MESSAGE = "book_from_message"


def register(app: AsyncApp, tourbot: Tourbot) -> None:
    async def book_from_message(
        ack: AsyncAck, shortcut: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        await let_ack_leave()
        message = shortcut.get("message") or {}
        channel_id = (shortcut.get("channel") or {}).get("id")
        user_id = shortcut["user"]["id"]
        values = await tourbot.read_request(message_text(message), channel_id=channel_id)
        if "community" in values:
            values["community_label"] = tourbot.community_name(values["community"])
        context = ModalContext.new(
            user_id=user_id,
            channel_id=channel_id,
            response_url=shortcut.get("response_url"),
            agent_zone=tourbot.cached_agent_zone(user_id),
            thread_channel=channel_id,
            # A reply in a thread answers in that thread; a top-level message starts its own.
            thread_ts=message.get("thread_ts") or message.get("ts"),
        )
        await open_modal(
            client,
            shortcut["trigger_id"],
            build_form(tourbot, values, context),
            reply_to=ReplyTo.of_click(shortcut),
            again="Use “Book a tour from this message” again.",
        )

    app.shortcut(BOOK_FROM_MESSAGE)(book_from_message)


def message_text(message: Mapping[str, Any]) -> str:
    """Everything the message says: its text, then what it carries. A forwarded message or a
    lead posted by an app has its words in attachments; a shared email, in its file."""
    parts = [_text(message.get("text"))]
    for attachment in _items(message.get("attachments")):
        parts += [_text(attachment.get(key)) for key in ("pretext", "title")]
        parts.append(_text(attachment.get("text")) or _text(attachment.get("fallback")))
        parts += [
            f"{_text(field.get('title'))}: {_text(field.get('value'))}"
            for field in _items(attachment.get("fields"))
            if _text(field.get("value"))
        ]
    for file in _items(message.get("files")):
        if file.get("filetype") == "email" or file.get("mode") == "email":
            parts.append(_email_text(file))
    return "\n\n".join(part for part in parts if part.strip())


def _email_text(file: Mapping[str, Any]) -> str:
    """A shared email as the reader knows emails: its sender and subject, then its body."""
    senders = [_text(sender.get("original")) for sender in _items(file.get("from"))]
    headers = [f"From: {sender}" for sender in senders[:1] if sender]
    if subject := _text(file.get("subject")):
        headers.append(f"Subject: {subject}")
    body = next(
        (
            text
            for key in ("plain_text", "preview_plain_text", "preview")
            if (text := _text(file.get(key)))
        ),
        "",
    )
    return "\n".join([*headers, "", body]) if headers else body


def _items(value: object) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
