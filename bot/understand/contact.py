"""The prospect's email and phone: taken when one is clearly theirs, left in the notes otherwise.

A labelled field ("Phone: …") is surer than the sender of a forwarded email, which is surer than a
number somewhere in the text; the surest source decides, and two different values there mean none.
An address or number that was meant as one but cannot be read ("jane@example", "phone 555 12")
goes nowhere: in the notes it would outlive the right one given later.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import phonenumbers

from bot.booking.fields import Unreadable, read_email, read_phone
from bot.time.words import read_phrase
from bot.understand.message import Message

_EMAIL = re.compile(
    r"(?<![\w.%+'-])[A-Za-z0-9_%+-][A-Za-z0-9._%+'-]*"
    r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
# Meant as an email: "jane@example", "jane@gmail.", "jane at gmail dot com".
_EMAIL_TRIED = re.compile(
    r"(?<![\w.%+'-])[\w.%+'-]+@[\w.-]*[\w-]"
    r"|\b[\w.+-]+\s+[(\[]?at[)\]]?\s+[\w-]+(?:\s+[(\[]?dot[)\]]?\s+[\w-]+)+\b",
    re.I,
)
# Meant as a phone: a number after "phone", "cell", "mobile", "tel" or "ph".
_PHONE_TRIED = re.compile(
    r"(?i)\b(?:phone|cell|mobile|tel|ph)(?:\s*(?:number|num|no\.?|#))?(?:\s*(?:is\b|[:#\-]))?"
    r"[ \t]*(?P<number>\+?\(?\d(?:[\d().\-]|[ \t](?=[\d(]))*)"
)
_NUMBER = re.compile(r"\+?\(?\d(?:[\d().\-]|[ \t](?=[\d(]))*")
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


def take_unreadable(message: Message) -> None:
    """What was meant as an email or a phone but is neither goes: not a name, time or note."""
    for _, _, start, end in unreadable(message):
        message.take(start, end)


def unreadable(message: Message) -> list[tuple[str, str, int, int]]:
    """("email" or "phone", as written, start, end) of each piece of the message that was meant
    as an email or a phone but that the form's readers refuse. Read after `take_email` and
    `take_phone`, which hide every address and number they could read."""
    found: list[tuple[str, str, int, int]] = []
    for m in _EMAIL_TRIED.finditer(message.search):
        written = m.group(0)
        if not read_phrase(written).words and not _reads(read_email, written):
            found.append(("email", written, m.start(), m.end()))  # "fri@noon" is a time
    numbers = [m.span("number") for m in _PHONE_TRIED.finditer(message.search)]
    for label in message.labelled("phone"):
        if number := _NUMBER.search(message.search, label.value_start, label.end):
            numbers.append(number.span())
    for start, end in sorted(set(numbers)):
        written = message.search[start:end].rstrip("(.- \t")
        if sum(c.isdigit() for c in written) >= 3 and not _reads(read_phone, written):
            found.append(("phone", written, start, start + len(written)))
    return found


def _reads(reader: Callable[[str], object], text: str) -> bool:
    try:
        reader(text)
    except Unreadable:
        return False
    return True
