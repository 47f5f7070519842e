"""Where Tourbot keeps its bookings, rate budget, users' time zones, Slack conversations and its
copy of Propexo's prospects and communities, in SQLite or PostgreSQL: `Store` is the one object
callers use, built from a part per table.
"""

from bot.store.bookings import (
    TRANSITIONS,
    Added,
    Booking,
    BookingNotFound,
    InvalidTransition,
    NewBooking,
)
from bot.store.budget import BudgetUnit
from bot.store.database import StoreUnavailable, database_url
from bot.store.dialogues import Dialogue, Dialogues, NewDialogue
from bot.store.intake import NotSavedInTime
from bot.store.portfolio import KnownCommunity, KnownProspect, ListProgress, Portfolio
from bot.store.schema import BookingState, DialogueState, metadata
from bot.store.store import Store

__all__ = [
    "TRANSITIONS",
    "Added",
    "Booking",
    "BookingNotFound",
    "BookingState",
    "BudgetUnit",
    "Dialogue",
    "DialogueState",
    "Dialogues",
    "InvalidTransition",
    "KnownCommunity",
    "KnownProspect",
    "ListProgress",
    "NewBooking",
    "NewDialogue",
    "NotSavedInTime",
    "Portfolio",
    "Store",
    "StoreUnavailable",
    "database_url",
    "metadata",
]
