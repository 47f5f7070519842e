"""Where Tourbot keeps its bookings (SQLite by default, PostgreSQL for several instances), with
the booking state machine and compare-and-set moves between its states, and the booking
conversations held in Slack threads.
"""

from bot.store.dialogues import Dialogue, Dialogues, NewDialogue
from bot.store.schema import BookingState, DialogueState, metadata
from bot.store.store import (
    TRANSITIONS,
    Added,
    Booking,
    BookingNotFound,
    InvalidTransition,
    NewBooking,
    Store,
    StoreUnavailable,
    database_url,
)

__all__ = [
    "TRANSITIONS",
    "Added",
    "Booking",
    "BookingNotFound",
    "BookingState",
    "Dialogue",
    "DialogueState",
    "Dialogues",
    "InvalidTransition",
    "NewBooking",
    "NewDialogue",
    "Store",
    "StoreUnavailable",
    "database_url",
    "metadata",
]
