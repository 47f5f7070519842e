"""The lease term in months, as agents and prospects say it; "in 2 months" is no lease.

"12 month lease", "6-mo", "12mo", "Term: 9 mo", "a year lease", "sign for a year", "a
twelve-month tenancy", "Lease Term: 12 Months"; "3 months' rent" is no lease either.
"""

from __future__ import annotations

import re

from bot.understand.message import Message
from bot.understand.scan import lowered
from bot.understand.wish_fields import (
    DIGITS,
    Cued,
    alone,
    bounded,
    labelled,
    older_labels,
    standing_alone,
    take_one,
)

_COUNT_WORDS = {
    "one": 1, "a": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "eighteen": 18, "twenty-four": 24, "un": 1, "doce": 12, "seis": 6,
}  # fmt: skip
_COUNT = r"(\d{1,2}|" + "|".join(sorted(_COUNT_WORDS, key=len, reverse=True)) + r")"
_UNIT = r"(months?|mos?\.?|mths?|years?|yrs?|meses|mes|años?)"
_LEASE_WORD = r"(?:lease|term|tenancy|contrato|arrendamiento)"
_LEASE_WORDS = ("lease", "term", "tenancy", "contrato", "arrendamiento")
_LEASE_AFTER = Cued(_LEASE_WORDS, re.compile(
    r"(?<![\d\-/])(?:(\d{1,2})\s*(?:-|–|to|or|/)\s*)?\b" + _COUNT + r"[\s-]*" + _UNIT
    + rf"(?:[\s-]*long)?\s+{_LEASE_WORD}\b",
    re.I,
), (*DIGITS, *_COUNT_WORDS))  # fmt: skip
_LEASE_BEFORE = Cued(_LEASE_WORDS, re.compile(
    rf"\b{_LEASE_WORD}(?:\s+(?:term|length))?\s*(?:of|for|is|de|por|:|-|~)?\s*" + _COUNT
    + r"\s*" + _UNIT + r"(?:\s*(?:-|–|to|or|/)\s*\d)?",
    re.I,
), _LEASE_WORDS)  # fmt: skip
# Signing or renting for a time: "sign for 6 months", "rent it for a year" (not "lived there for a
# year", nor "stay 2 months").
_COMMIT = (
    r"\b(?:sign(?:ing)?|rent(?:ing)?|leas(?:e|ing))\s+(?:a\s+lease\s+|on\s+|it\s+|the\s+(?:unit|"
    r"apartment|place)\s+)?"
)
_COMMIT_STARTS = ("sign", "rent", "leas")
_YEAR_LEASE = Cued(
    ("year",),
    re.compile(
        r"\b(?:a\s+|one[\s-]|1[\s-]?)?(?:full\s+)?year[\s-]*(?:long\s+)?(?:lease|term|tenancy)\b"
        # "I'd sign for a year", "sign a lease for one year", "wants to rent it for a year"
        rf"|{_COMMIT}for\s+(?:a|one|1)\s+(?:full\s+)?year\b",
        re.I,
    ),
    ("a", "one", "1", "full", "year", *_COMMIT_STARTS),
)
_SIGN_FOR = Cued(
    ("sign", "rent", "leas"),
    re.compile(
        _COMMIT
        + r"for\s+"
        + _COUNT
        + r"\s*"
        + _UNIT
        + r"\b(?!\s*(?:up\s*front|in\s+advance|deposit|free|off|rent)\b)",
        re.I,
    ),
    _COMMIT_STARTS,
)
# "12 mo" alone: months written short, which after any other cue is taken can only be the lease
# ("in 2 mos", "3 mo ago", "1 mo free" are not), and never Monday. "2 months" in a sentence is
# no lease ("staying 2 months with family"), but "in 2 months" is hidden: it is no tour time.
_MONTHS_ALONE = Cued(
    ("mo", "mth"),
    re.compile(
        r"(?<![\w$/.,\-])(\d{1,2})[\s-]?(mos?|mths?|months?)\b\.?(?!['’])"
        r"(?!\s*(?:ago|from\s+now|later|out|away|old|free|off|rent|deposit|notice|/(?!\s)))",
        re.I,
    ),
)
# "12m", "1yr" as a whole field of an agent's shorthand ("| virt | studio | 12m").
_TERM_ALONE = standing_alone(
    r"(?:\d{1,2}\s?(?:m|mo|mos|months?|yrs?|years?))(?:\s+(?:lease|term))?", ("m", "y")
)
_TERM_PARTS = re.compile(r"(?i)(\d{1,2})\s?([a-z]+)")
_TIME_BEFORE = re.compile(
    r"(?i)\b(?:in|within|after|next|past|last|for|for\s+the\s+(?:next|past|last)|every|about"
    r"|around|over|first|than|only|since|been)\s*$"
)
_LABELLED_LEASE = re.compile(r"\s*" + _COUNT + r"[\s-]*" + _UNIT + r"?\s*$", re.I)


@bounded
def take_lease(message: Message) -> None:
    unread: list[tuple[int, int]] = []
    fields = labelled(message, "lease")
    newer = older_labels(message, fields)
    if newer is not None and take_one(message, "lease_term", _said(message, 0, newer)):
        fields = []  # the newer words win over a form quoted under them
    for field in fields:
        m = _LABELLED_LEASE.match(message.search, field.value_start, field.end)
        if m and (months := _months(m.group(1), m.group(2) or "months")):
            message.set("lease_term", months, source=message.text[field.start : field.end])
            message.take(field.start, field.end)
            message.hide_all(unread)
            return
        unread.append((field.start, field.end))  # "Lease: 6 or 12" stays in the notes
    message.hide_all(unread)
    if "lease_term" not in message.values:
        take_one(message, "lease_term", _said(message, 0, len(message.text)))


def _said(message: Message, start: int, end: int) -> list[tuple[str, tuple[int, int]]]:
    """Every lease term said between `start` and `end`, each piece of text once."""
    found: list[tuple[str, tuple[int, int]]] = []
    text = message.search
    lower = lowered(text)
    for m in _LEASE_AFTER.finditer(text, lower, start, end):
        months = None if m.group(1) else _months(m.group(2), m.group(3))
        found.append((months or "", m.span()))
    for m in _LEASE_BEFORE.finditer(text, lower, start, end):
        if m.group(0)[-1].isdigit():
            found.append(("", m.span()))  # "lease of 6-12 months"
        else:
            found.append((_months(m.group(1), m.group(2)) or "", m.span()))
    for m in _YEAR_LEASE.finditer(text, lower, start, end):
        found.append(("12", m.span()))
    for m in _SIGN_FOR.finditer(text, lower, start, end):
        found.append((_months(m.group(1), m.group(2)) or "", m.span()))
    read = bytearray(len(message.text) + 1)  # where a mention with its cue was found
    for _, (begin, finish) in found:
        read[begin:finish] = b"\x01" * (finish - begin)
    for m in _months_alone(message, read, lower, start, end):
        found.append((_months(m.group(1), m.group(2)) or "", m.span()))
    for m in alone(_TERM_ALONE, message):
        if start <= m.start("piece") < end and not read[m.start("piece")]:
            parts = _TERM_PARTS.match(m["piece"])
            months = _months(parts.group(1), parts.group(2)) if parts else None
            found.append((months or "", m.span("piece")))
    return _without_repeats(found)


def _without_repeats(found: list[tuple[str, tuple[int, int]]]) -> list[tuple[str, tuple[int, int]]]:
    """Each piece of text once: "a year lease" read as a year and as a lease is one mention."""
    kept: list[tuple[str, tuple[int, int]]] = []
    for value, (start, end) in sorted(found, key=lambda item: (item[1][0], -item[1][1])):
        if kept and start < kept[-1][1][1]:
            if value != kept[-1][0]:
                kept[-1] = ("", kept[-1][1])  # two readings of one piece: neither
            continue
        kept.append((value, (start, end)))
    return kept


def _months_alone(
    message: Message, read: bytearray, lower: str, start: int, end: int
) -> list[re.Match[str]]:
    """ "12 mo" with no other cue (unless read already with its "lease" cue); "in 2 mos" is
    hidden, a time but not the tour's."""
    found: list[re.Match[str]] = []
    times: list[tuple[int, int]] = []
    for m in _MONTHS_ALONE.finditer(message.search, lower, start, end):
        if read[m.start()]:
            continue
        if _TIME_BEFORE.search(message.search, max(0, m.start() - 25), m.start()):
            times.append(m.span())
        elif not m.group(2).lower().startswith("month"):
            found.append(m)
    message.hide_all(times)
    return found


def _months(count: str, unit: str) -> str | None:
    n = _COUNT_WORDS.get(count.lower()) or (int(count) if count.isdigit() else 0)
    months = n * 12 if unit.lower().startswith(("y", "a")) else n
    return str(months) if 1 <= months <= 60 else None
