"""Replies in a thread whose tour was already sent to EliseAI. Propexo can neither cancel nor move
an EliseAI appointment, so a cancel or a change is answered with what it cannot do and what it
can (a new booking at another time, a no-show); "book it" again books nothing; chatter
("thanks!") gets no answer."""

from __future__ import annotations

from bot.conversation.answers import AfterBooking, AfterKind, Change
from bot.conversation.reading import Reply
from bot.store import Booking, Dialogue


def after_booking(
    dialogue: Dialogue,
    booking: Booking | None,
    reply: Reply,
    changes: tuple[Change, ...],
    *,
    asked_back: str | None,
) -> AfterBooking | None:
    """What the reply asks of the sent tour, or None when it asks nothing."""
    kind: AfterKind | None = None
    if reply.intent == "cancel":
        kind = "cancel"
    elif changes:
        kind = "change"
    elif reply.intent == "book":
        kind = "again"
    elif asked_back is not None:
        kind = "question"
    if kind is None:
        return None
    return AfterBooking(
        kind, dialogue.channel_id, dialogue.thread_ts, dialogue, booking, changes, reply.said
    )
