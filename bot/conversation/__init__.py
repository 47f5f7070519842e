"""Booking through a conversation in a Slack thread: what the agent said, what is missing, and
booking it the same way the form does."""

from bot.conversation.service import (
    Booked,
    ConfirmFirst,
    Conversations,
    Heard,
    Notice,
    Summary,
    booked_in_form,
)

__all__ = [
    "Booked",
    "ConfirmFirst",
    "Conversations",
    "Heard",
    "Notice",
    "Summary",
    "booked_in_form",
]
