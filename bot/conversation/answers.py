"""What a booking conversation hears and answers, as plain data the Slack edge renders: the
summary with its question or its buttons, the confirmation before an unusual booking, the
booking itself, short notices, and the honest answer after a booking was sent."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from bot.conversation.steps import Step
from bot.store import Booking, Dialogue


@dataclass(frozen=True)
class Heard:
    """A message the bot received: in a channel (a mention or a thread reply) or in its DM."""

    team_id: str
    user_id: str
    channel_id: str
    ts: str
    thread_ts: str | None
    text: str
    direct: bool  # in a DM with the bot
    mentioned: bool  # the bot was @-mentioned


@dataclass(frozen=True)
class Earlier:
    """A message written before the one that mentions the bot, which the mention may point at
    ("@Tourbot book it for her" under a pasted lead)."""

    text: str
    user_id: str | None
    ts: str
    mentions_bot: bool = False  # a request to the bot of its own, never the one pointed at


Heading = Literal["start", "changed", "unchanged", "not_ready", "again"]


@dataclass(frozen=True)
class Change:
    """One thing a reply changed, as the agent reads it: "the last name", "Smyth" → "Smythe".
    `before` None: added; `after` None: taken out."""

    key: str
    label: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Summary:
    """What the bot has so far, and its one question (or Book / Edit in form / Cancel)."""

    dialogue: Dialogue
    heading: Heading
    details: list[tuple[str, str]]
    step: Step
    check: str | None  # a time to double-check before booking ("Tuesday is Dec 1, right?")
    changed: tuple[Change, ...] = ()
    refused: str | None = None  # why an email or phone the agent sent was left out
    said: str | None = None  # an answer to a question, or what a reply that changed nothing was
    source: Earlier | None = None  # the earlier message the conversation started from

    @property
    def ready(self) -> bool:
        return self.step.asked is None

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.dialogue.form_values)


@dataclass(frozen=True)
class ConfirmFirst:
    """The booking is complete but needs the agent's yes first: an unusual time, a likely double."""

    dialogue: Dialogue
    summary: str  # "Tour for Jane Doe · Fri Nov 27, 2:00 PM EST"
    time_check: str | None
    duplicates: list[Booking]

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.dialogue.form_values)


@dataclass(frozen=True)
class Booked:
    dialogue: Dialogue
    booking: Booking
    created: bool  # False: this conversation's booking already existed (a second click)


NoticeKind = Literal["not_yours", "over", "stale", "cancelled", "expired", "busy"]


@dataclass(frozen=True)
class Notice:
    """A short answer: cancelled, expired, not this agent's, out of date, already over."""

    kind: NoticeKind
    dialogue: Dialogue | None


AfterKind = Literal["cancel", "change", "again", "question"]


@dataclass(frozen=True)
class AfterBooking:
    """What the agent asked of a tour already sent to EliseAI (cancel it, change it, book it
    again), which Propexo cannot do: said plainly, with what can be done instead. `booking`
    is None when there is none here ("@Tourbot cancel Jane's tour" in a new message)."""

    kind: AfterKind
    channel_id: str
    thread_ts: str
    dialogue: Dialogue | None
    booking: Booking | None
    changes: tuple[Change, ...] = ()  # what a "change" asked for
    said: str | None = None  # the answer to a question


Answer = Summary | ConfirmFirst | Booked | Notice | AfterBooking


def fingerprint(values: Mapping[str, str]) -> str:
    """Which version of the details a button was shown with: stale buttons book nothing."""
    text = json.dumps(dict(values), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
