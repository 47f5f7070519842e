"""What can go wrong talking to Propexo, one exception per thing the bot does differently about it.

`str(error)` is a sentence a leasing agent can act on: what happened, and what to do next.
No message ever contains the API key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ValidationIssue:
    """One problem Propexo found in a request body: where (`path`) and what (`message`)."""

    path: tuple[str | int, ...]
    message: str
    code: str | None = None

    @property
    def field(self) -> str | None:
        """The top-level field the issue is about (to show it under that field), if any."""
        return self.path[0] if self.path and isinstance(self.path[0], str) else None

    def __str__(self) -> str:
        where = ".".join(str(part) for part in self.path)
        return f"{where}: {self.message}" if where else self.message


class PropexoError(Exception):
    """Anything that stopped a Propexo call; `status` is the HTTP status when there was one."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class PropexoConfigurationError(PropexoError):
    """Propexo refused the API key (401/403), or what answers at PROPEXO_BASE_URL is not
    Propexo's API (a redirect, a 4xx that is not Propexo's JSON): nothing will work until
    someone fixes the settings. `message` says which; by default, the key."""

    def __init__(self, status: int, message: str | None = None) -> None:
        super().__init__(
            message
            or f"Propexo refused Tourbot's API key (HTTP {status}). Ask whoever runs Tourbot to "
            "check PROPEXO_API_KEY (a production key for api.propexo.com, a sandbox key for the "
            "sandbox) and PROPEXO_BASE_URL.",
            status=status,
        )


class PropexoRejected(PropexoError):
    """Propexo refused the request as it stands (400); sending it again unchanged will not help.

    `propexo_message` is Propexo's own message, `issues` its validation issues (often empty).
    """

    def __init__(
        self,
        propexo_message: str,
        issues: Sequence[ValidationIssue] = (),
        *,
        code: str | None = None,
        status: int = 400,
        message: str | None = None,
    ) -> None:
        self.propexo_message = propexo_message
        self.issues = tuple(issues)
        self.code = code
        if message is None:
            if self.issues:
                listed = "; ".join(str(issue) for issue in self.issues)
                message = f"Propexo rejected the request: {listed}. Correct these and try again."
            else:
                message = (
                    f"Propexo rejected the request: {propexo_message.rstrip('.')}. "
                    "Correct it and try again."
                )
        super().__init__(message, status=status)


class PropexoNotFound(PropexoRejected):
    """Propexo has no record with the id the request names (404)."""


class PropexoTransientError(PropexoError):
    """Propexo is busy or unreachable for now; the same request may work later."""


class PropexoRateLimited(PropexoTransientError):
    """Propexo's per-minute budget stayed used up through every retry (429)."""

    def __init__(self) -> None:
        super().__init__(
            "Propexo's rate limit for this minute is used up. Wait a minute and try again.",
            status=429,
        )


class PropexoUnavailable(PropexoTransientError):
    """Propexo did not answer usefully (5xx, timeout, dropped or refused connection).

    `sent` says whether the request may have reached Propexo; for the calls that raise this
    (reads, and writes that certainly did not arrive) it never matters for duplicates.
    """

    def __init__(self, reason: str, *, sent: bool, status: int | None = None) -> None:
        self.reason = reason
        self.sent = sent
        if sent:
            message = f"Propexo is not answering properly ({reason}). Try again in a few minutes."
        else:
            message = (
                f"Propexo could not be reached ({reason}), so nothing was sent. "
                "Try again in a few minutes."
            )
        super().__init__(message, status=status)


class PropexoOutcomeUnknown(PropexoError):
    """A write may or may not have reached Propexo, and Propexo has no idempotency key.

    Sending it again could book twice, so the client never does; a person has to look first.
    """

    def __init__(self, reason: str, *, action: str = "booking", status: int | None = None) -> None:
        self.reason = reason
        self.action = action
        super().__init__(
            f"It is not known whether Propexo received the {action} ({reason}). Do not send it "
            "again yet: check EliseAI for it first, since sending it twice could book it twice.",
            status=status,
        )
