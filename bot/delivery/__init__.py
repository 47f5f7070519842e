"""Taking an accepted booking to EliseAI and back: the worker that claims due bookings, the steps
that send and follow each write, Propexo's shared request budget, and a tour's recorded outcome.
"""

from bot.delivery.budget import SharedBudget
from bot.delivery.outcomes import OutcomeResult, record_outcome
from bot.delivery.steps import WHEN, DeliveryPolicy, Pause, Reporter, Steps, Update, no_pause
from bot.delivery.worker import Worker

__all__ = [
    "WHEN",
    "DeliveryPolicy",
    "OutcomeResult",
    "Pause",
    "Reporter",
    "SharedBudget",
    "Steps",
    "Update",
    "Worker",
    "no_pause",
    "record_outcome",
]
