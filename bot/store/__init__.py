"""Where Tourbot keeps its bookings (SQLite by default, PostgreSQL for several instances), with
the booking state machine and compare-and-set moves between its states.
"""

from bot.store.schema import BookingState, metadata
from bot.store.store import (
    TRANSITIONS,
    Booking,
    BookingNotFound,
    InvalidTransition,
    NewBooking,
    Store,
    database_url,
)

__all__ = [
    "TRANSITIONS",
    "Booking",
    "BookingNotFound",
    "BookingState",
    "InvalidTransition",
    "NewBooking",
    "Store",
    "database_url",
    "metadata",
]
