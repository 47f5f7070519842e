"""The prospect's email and phone: taken when one is clearly theirs, left in the notes otherwise.

A labelled field ("Phone: …") is surer than the sender of a forwarded email, which is surer than a
number somewhere in the text; the surest source decides, and two different values there mean none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import phonenumbers

from bot.booking.fields import Unreadable, read_phone
from bot.understand.message import Message

_EMAIL = re.compile(
    r"(?<![\w.%+'-])[A-Za-z0-9_%+-][A-Za-z0-9._%+'-]*"
    r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
# The office's and the lead sources' own addresses are never the prospect's.
_ROLE_EMAIL = re.compile(
    r"(?i)^(?:no-?reply|do-?not-?reply|notifications?|alerts?|leads?|info|leasing|rentals?|"
    r"mailer|support|admin|office|tours?)@"
)
_NANP = r"(?:\+?1[\s.\-]{0,2})?(?:\(\s*\d{3}\s*\)|\d{3})[\s.\-]{0,2}\d{3}[\s.\-]{0,2}\d{4}"
_INTERNATIONAL = r"\+[02-9]\d{0,2}(?:[\s.\-]{0,2}\(?\d{1,4}\)?){2,5}"
_PHONE = re.compile(
    rf"(?<![\w+$/.\-])(?P<number>{_INTERNATIONAL}|{_NANP})"
    r"(?:\s*(?:x|ext\.?|extension|#)\s*\d{1,6})?(?![\w/]|[.\-]\d)",
    re.I,
)


def take_email(message: Message, sender: str | None) -> None:
    labelled = [
        m
        for label in message.labelled("email")
        for m in _emails(message, label.value_start, label.end)
    ]
    anywhere = [m for m in _emails(message, 0, len(message.text)) if not _ROLE_EMAIL.match(m)]
    for tier in (labelled, [sender] if sender else [], anywhere):
        distinct = {email.lower() for email in tier}
        if len(distinct) == 1:
            email = tier[0]
            message.set("email", email)
            for m in _EMAIL.finditer(message.search):
                if m.group(0).lower() == email.lower():
                    message.take(*m.span())
        if distinct:
            break
    for m in _EMAIL.finditer(message.search):
        message.hide(*m.span())  # a spare address is no name, time or community


def _emails(message: Message, start: int, end: int) -> list[str]:
    return [m.group(0) for m in _EMAIL.finditer(message.search, start, end)]


def take_phone(message: Message) -> None:
    found = list(_phones(message.search, 0, len(message.text)))
    labelled = [
        phone
        for label in message.labelled("phone")
        for phone in found
        if label.value_start <= phone[1] < label.end
    ]
    for tier in (labelled, found):
        distinct = {e164 for _, _, _, e164 in tier}
        if len(distinct) == 1:
            message.set("phone", tier[0][0])
            for _, start, end, e164 in found:
                if e164 in distinct:
                    message.take(start, end)
        if distinct:
            break
    for m in _PHONE.finditer(message.search):
        message.hide(*m.span())  # a spare number is no time or budget


def _phones(text: str, start: int, end: int) -> Iterable[tuple[str, int, int, str]]:
    """(as written, start, end, E.164) of each number the form's phone reader accepts."""
    for m in _PHONE.finditer(text, start, end):
        written = m.group("number")
        # POSSIBLE, not VALID: agents (and examples) use 555 numbers that no carrier owns.
        matched = phonenumbers.PhoneNumberMatcher(
            written, "US", leniency=phonenumbers.Leniency.POSSIBLE
        )
        if not any(found.raw_string == written for found in matched):
            continue
        try:
            e164 = read_phone(written)
        except Unreadable:
            continue
        yield written, m.start("number"), m.end("number"), e164
