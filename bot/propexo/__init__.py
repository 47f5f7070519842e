"""Propexo's EliseAI endpoints: an async client, and a simulator of them for tests and demos.

The simulator (`bot.propexo.simulator`) is imported on its own, so the bot does not load aiohttp's
server for nothing.
"""

from bot.propexo.client import (
    Community,
    CreatedAppointment,
    OutcomeStatus,
    PropexoClient,
    Prospect,
    UpdatedAppointment,
    WriteStatus,
)
from bot.propexo.errors import (
    PropexoConfigurationError,
    PropexoError,
    PropexoNotFound,
    PropexoOutcomeUnknown,
    PropexoRateLimited,
    PropexoRejected,
    PropexoTransientError,
    PropexoUnavailable,
    ValidationIssue,
)

__all__ = [
    "Community",
    "CreatedAppointment",
    "OutcomeStatus",
    "PropexoClient",
    "PropexoConfigurationError",
    "PropexoError",
    "PropexoNotFound",
    "PropexoOutcomeUnknown",
    "PropexoRateLimited",
    "PropexoRejected",
    "PropexoTransientError",
    "PropexoUnavailable",
    "Prospect",
    "UpdatedAppointment",
    "ValidationIssue",
    "WriteStatus",
]
