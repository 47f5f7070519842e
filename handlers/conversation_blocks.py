"""The messages of a booking conversation in its thread: the summary (what changed, then its one
question or its Book / Edit in form / Cancel buttons), the confirmation before an unusual booking,
short notices, and the plain answer to a cancel or a change after Book."""

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

from bot.conversation.service import AfterBooking, Change, ConfirmFirst, Earlier, Notice, Summary
from bot.store import BookingState
from handlers.blocks import BUTTONS, NO_SHOW, escape

DIALOGUE_BOOK = "dialogue_book"
DIALOGUE_CONFIRM = "dialogue_confirm"
DIALOGUE_EDIT = "dialogue_edit"
DIALOGUE_CANCEL = "dialogue_cancel"
DIALOGUE_REBOOK = "dialogue_rebook"
DIALOGUE_BUTTONS = "dialogue_buttons"
QUOTED = 80  # characters of an earlier message quoted when the bot says it started from it
FIELD_TEXT_MAX = 500  # a section field holds 2,000 characters; a summary stays compact
FIELDS_PER_SECTION = 10  # Slack's limit

HINT = (
    "Answer here in the thread, or correct anything in words (“make it 4pm instead”, "
    "“last name is Smythe”, “push it an hour”)."
)


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
        opening = said_changes(summary.changed)
    elif summary.heading == "unchanged":
        opening = escape(summary.said) if summary.said else "Nothing changed."
    elif summary.heading == "not_ready":
        opening = "I can't book it yet."
    elif summary.heading == "again":
        opening = (
            "A new booking at another time, with the same details. The tour already sent "
            "stays in EliseAI until you cancel it there."
        )
    else:
        opening = "Let's book this tour."
        if summary.source is not None:
            opening = f"{_from(summary.source)} {opening}"
    if summary.said and summary.heading not in ("unchanged",):
        opening = f"{opening} {escape(summary.said)}"
    if summary.refused:  # an email or phone left out: say so before the question comes again
        refused = escape(summary.refused)
        opening = refused if summary.heading == "unchanged" else f"{opening} {refused}"
    if summary.ready:
        return f"{opening} Here is the tour:"
    if summary.details:
        return f"{opening} So far I have:"
    return f"{opening} Tell me who it is for, when, and an email or phone."


def said_changes(changes: Sequence[Change]) -> str:
    """ "Changed the last name to Smythe. Added the email: jane@example.com." """
    changed = [
        f"the {c.label} to {_value(c.after)}"
        for c in changes
        if c.before and c.after and c.before != c.after
    ]
    # The words changed, not what they mean: "yes the 28th" settles "next saturday".
    kept = [
        f"The {c.label} stays {_value(c.after)}."
        for c in changes
        if c.before and c.before == c.after
    ]
    added = [
        f"the {c.label}: {_value(c.after)}"
        for c in changes
        if c.after and not c.before and c.key not in ("notes", "one_name")
    ]
    sentences: list[str] = []
    if changed:
        sentences.append(f"Changed {_joined(changed)}.")
    if added:
        sentences.append(f"Added {_joined(added)}.")
    sentences += kept
    for c in changes:
        if c.key == "notes" and c.after and not c.before:
            sentences.append(f"Added to the notes: {_value(c.after)}.")
        elif c.key == "notes" and c.before and not c.after:
            sentences.append(f"Took out of the notes: {_value(c.before)}.")
        elif c.key == "one_name":
            sentences.append(f"Noted that {_value(c.after)} goes by one name.")
        elif not c.after and c.before and c.key != "notes":
            sentences.append(f"Took out the {c.label}.")
    return " ".join(sentences) or "Nothing changed."


def _joined(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _value(text: str | None) -> str:
    return _clip(escape(" ".join((text or "").split())), QUOTED * 2)


def _from(source: Earlier) -> str:
    """Which message the conversation started from, quoted, so the agent can check."""
    first = next((line for line in source.text.splitlines() if line.strip()), "")
    quoted = _clip(escape(" ".join(first.split())), QUOTED)
    who = f"<@{source.user_id}>’s message" if source.user_id else "the message above"
    return f"Starting from {who} (“{quoted}”)."


def after_booking_message(after: AfterBooking) -> tuple[str, list[Block]]:
    """What the bot can and cannot do for a tour already sent to EliseAI, said plainly."""
    sent = "This tour was already sent to EliseAI"
    if after.booking is not None:
        sent = f"{sent} ({escape(after.booking.summary)}, {after.booking.state.value})"
    cannot = "Propexo has no way to cancel or move an EliseAI appointment"
    state = after.booking.state if after.booking is not None else None
    if state is BookingState.FAILED and after.kind in ("cancel", "change"):
        text = (
            "EliseAI did not book this tour (see above), so there is nothing to cancel or "
            "change. Book a new time to try again."
        )
        return text, [SectionBlock(text=MarkdownTextObject(text=text)), _rebook(after)]
    if state is BookingState.UNKNOWN and after.kind == "cancel":
        text = (
            "Whether EliseAI has this tour is not known (see above): check EliseAI, and if it is "
            f"there, cancel it in EliseAI itself. {cannot}, so I can't do it from here."
        )
        return text, [SectionBlock(text=MarkdownTextObject(text=text))]
    if after.kind == "cancel" and after.booking is None:
        text = (
            f"I can only cancel a booking before it is sent. {cannot}, so I can't cancel a "
            "tour that is booked: cancel it in EliseAI itself."
        )
        return text, [SectionBlock(text=MarkdownTextObject(text=text))]
    if after.kind == "cancel":
        text = (
            f"{sent}. {cannot}, so I haven't cancelled anything: it is still booked. Cancel it "
            "in EliseAI itself (and tell the prospect). If they don't come, record a no-show "
            "once the time has passed; or book a new tour at another time."
        )
    elif after.kind == "change":
        wanted = _joined([f"the {c.label}" for c in after.changes])
        text = (
            f"{sent}. {cannot}, or change {wanted} on it, so I haven't changed anything. "
            "Change it in EliseAI itself, or book a new tour with the new details (then "
            "cancel the old one in EliseAI)."
        )
    elif after.kind == "again":
        text = (
            f"{sent}: I won't book it a second time. To book another tour for this prospect, "
            "use Book a new time."
        )
    else:
        text = f"{escape(after.said or '')} {sent}; nothing was changed.".strip()
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=text))]
    offers: list[ButtonElement] = []
    if after.dialogue is not None:
        offers.append(
            ButtonElement(
                text="Book a new time", action_id=DIALOGUE_REBOOK, value=after.dialogue.id
            )
        )
    if after.booking is not None and after.kind == "cancel":
        offers.append(
            ButtonElement(text="Record no-show", action_id=NO_SHOW, value=after.booking.id)
        )
    if offers:
        # The outcome buttons' block id: recording a no-show replaces them with who did it.
        blocks.append(ActionsBlock(block_id=BUTTONS, elements=offers))
    return _clip(text, 3000), blocks


def _rebook(after: AfterBooking) -> ActionsBlock:
    value = after.dialogue.id if after.dialogue is not None else ""
    button = ButtonElement(text="Book a new time", action_id=DIALOGUE_REBOOK, value=value)
    return ActionsBlock(block_id=BUTTONS, elements=[button])


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
