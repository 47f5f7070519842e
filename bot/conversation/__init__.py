"""Booking through a conversation in a Slack thread: what the agent said (answers, corrections,
changes of time, other people, cancels, questions), what is missing, and booking it the same way
the form does."""

from bot.conversation.service import (
    AfterBooking,
    Booked,
    ConfirmFirst,
    Conversations,
    Earlier,
    Heard,
    Notice,
    Summary,
    booked_in_form,
    retried_in_form,
)

__all__ = [
    "AfterBooking",
    "Booked",
    "ConfirmFirst",
    "Conversations",
    "Earlier",
    "Heard",
    "Notice",
    "Summary",
    "booked_in_form",
    "retried_in_form",
]
