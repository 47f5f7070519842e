"""Propexo's EliseAI endpoints as Tourbot calls them: an async client (transport apart from the
endpoints), its typed answers and its errors. The simulator of these endpoints is offline's.
"""

from bot.propexo.client import (
    Community,
    CreatedAppointment,
    OutcomeStatus,
    Page,
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
    "Page",
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
