"""The messages of a booking conversation in its thread: the summary with its one question or its
Book / Edit in form / Cancel buttons, the confirmation before an unusual booking, short notices."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.booking import FIELD_LABELS
from bot.conversation.service import ConfirmFirst, Notice, Summary
from handlers.blocks import escape

DIALOGUE_BOOK = "dialogue_book"
DIALOGUE_CONFIRM = "dialogue_confirm"
DIALOGUE_EDIT = "dialogue_edit"
DIALOGUE_CANCEL = "dialogue_cancel"
DIALOGUE_BUTTONS = "dialogue_buttons"
FIELD_TEXT_MAX = 500  # a section field holds 2,000 characters; a summary stays compact
FIELDS_PER_SECTION = 10  # Slack's limit

HINT = "Answer here in the thread, or correct anything in words (“make it 4pm instead”)."


def summary_message(summary: Summary) -> tuple[str, list[Block]]:
    """What the bot has understood so far, then its question, or the buttons to book."""
    heading = _heading(summary)
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=heading))]
    fields = [
        MarkdownTextObject(text=f"*{escape(label)}*\n{_clip(escape(value))}")
        for label, value in summary.details
    ]
    for start in range(0, len(fields), FIELDS_PER_SECTION):
        blocks.append(SectionBlock(fields=fields[start : start + FIELDS_PER_SECTION]))
    if summary.check and summary.ready:
        blocks.append(_context(f":warning: {escape(summary.check)}"))
    # The plain text is what notifications and screen readers get: the details in one line.
    listed = " · ".join(escape(value) for _, value in summary.details)
    if summary.ready:
        blocks.append(_buttons(summary.dialogue.id, summary.fingerprint, DIALOGUE_BOOK, "Book"))
        text = f"{heading} {listed}. Ready to book."
    else:
        question = summary.step.question or ""
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f"*{escape(question)}*")))
        blocks.append(_context(f"{HINT} Say “cancel” to stop."))
        text = f"{heading} {listed}. {escape(question)}" if listed else f"{heading} {question}"
    return _clip(text, 3000), blocks


def confirm_message(confirm: ConfirmFirst) -> tuple[str, list[Block]]:
    """Before booking a time that needs a second look, or a likely double booking."""
    reasons: list[str] = []
    if confirm.time_check:
        reasons.append(escape(confirm.time_check))
    who = escape(confirm.summary.removeprefix("Tour for ").split(" · ")[0])
    for other in confirm.duplicates:
        reasons.append(
            f"{who} already has a tour then, booked by <@{other.user_id}> ({other.state.value})."
        )
    lines = "\n".join(f"• {reason}" for reason in reasons)
    text = f"Before I book {confirm.summary}: " + " ".join(reasons)
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"Before I book *{escape(confirm.summary)}*, please check:\n{lines}"
            )
        ),
        _buttons(confirm.dialogue.id, confirm.fingerprint, DIALOGUE_CONFIRM, "Yes, book it"),
    ]
    return _clip(text, 3000), blocks


NOTICES = {
    "cancelled": "Cancelled: nothing was booked. Mention me to start again.",
    "over": "This conversation is already over (booked, cancelled or expired). "
    "Mention me in a new message to book another tour.",
    "stale": "Those details have changed since that message: use the newest one in this thread.",
    "busy": "Several changes arrived at once and I couldn't keep up. Send that again, please.",
}


def notice_text(notice: Notice, *, idle_minutes: float) -> str:
    if notice.kind == "not_yours":
        owner = notice.dialogue.user_id if notice.dialogue else None
        whose = f"<@{owner}>’s" if owner else "someone else’s"
        return f"This tour is {whose} to book. Mention me in a new message to book one of yours."
    if notice.kind == "expired":
        return (
            f"This conversation ended after {_minutes(idle_minutes)} without a reply; nothing "
            "was booked. Mention me to start again."
        )
    return NOTICES[notice.kind]


def without_buttons(blocks: Sequence[dict[str, object]], note: str) -> list[dict[str, object]]:
    """A summary whose buttons no longer apply, with a line saying why."""
    kept = [block for block in blocks if block.get("block_id") != DIALOGUE_BUTTONS]
    return [*kept, _context(note).to_dict()]


def _heading(summary: Summary) -> str:
    if summary.heading == "changed":
        changed = ", ".join(_field_name(key) for key in summary.changed)
        opening = f"Got it: changed the {changed}."
    elif summary.heading == "unchanged":
        opening = "I didn't find anything to change in that."
    elif summary.heading == "not_ready":
        opening = "I can't book it yet."
    else:
        opening = "Let's book this tour."
    if summary.refused:  # an email or phone left out: say so before the question comes again
        refused = escape(summary.refused)
        opening = refused if summary.heading == "unchanged" else f"{opening} {refused}"
    if summary.ready:
        return f"{opening} Here is the tour:"
    if summary.details:
        return f"{opening} So far I have:"
    return f"{opening} Tell me who it is for, when, and an email or phone."


def _field_name(key: str) -> str:
    if key in ("first_name", "last_name"):
        return "name"
    label = FIELD_LABELS.get(key, key.replace("_", " "))
    return label.lower()


def _buttons(dialogue_id: str, fingerprint: str, book_action: str, book_text: str) -> ActionsBlock:
    return ActionsBlock(
        block_id=DIALOGUE_BUTTONS,
        elements=[
            ButtonElement(
                text=book_text,
                action_id=book_action,
                value=f"{dialogue_id}:{fingerprint}",
                style="primary",
            ),
            ButtonElement(text="Edit in form", action_id=DIALOGUE_EDIT, value=dialogue_id),
            ButtonElement(text="Cancel", action_id=DIALOGUE_CANCEL, value=dialogue_id),
        ],
    )


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=text)])


def _clip(text: str, limit: int = FIELD_TEXT_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _minutes(minutes: float) -> str:
    if minutes >= 120 and minutes % 60 == 0:
        return f"{int(minutes // 60)} hours"
    if minutes >= 1:
        whole = round(minutes)
        return f"{whole} minute{'s' if whole != 1 else ''}"
    seconds = max(1, round(minutes * 60))
    return f"{seconds} second{'s' if seconds != 1 else ''}"
