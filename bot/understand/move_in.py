"""The move-in date, after its cue or labelled; "ASAP" or a month alone gives none.

"move-in 2/1", "mi 1/15", "moving: 3/1/27", "moving in January fifteenth", "lease start Feb 1";
"flexible", "-", "Feb 2027", "03/2027" and "first week of January" give none.
"""

from __future__ import annotations

import re
from datetime import date

from bot.booking.fields import Unreadable, read_move_in_date
from bot.time.vocabulary import MONTH_NAME, ORDINAL_WORDS, ordinal_number
from bot.understand.message import Message
from bot.understand.scan import fold, lowered
from bot.understand.wish_fields import (
    Cued,
    bounded,
    labelled,
    newest,
    older_labels,
)

_ANY_DATE_DAY = date(2000, 1, 1)  # for checking that a date exists, not that it is ahead

_MONTH = MONTH_NAME
_ORDINAL = ORDINAL_WORDS
_ANY_DATE = (
    r"(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}(?:/(?:\d{4}|\d{2}))?"
    r"|\d{1,2}-\d{1,2}-(?:\d{4}|\d{2})"
    rf"|{_MONTH}\.?\s+(?:the\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?|{_ORDINAL}\b)(?:,?\s+\d{{4}})?"
    rf"|(?:the\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?|{_ORDINAL})\s+(?:of\s+)?{_MONTH}\.?"
    r"(?:,?\s+\d{4})?)(?![\w/])"
)
_DATE = f"(?P<date>{_ANY_DATE})"
# "move-in 2/1 or 3/1": two dates, so neither.
_ANOTHER_DATE = re.compile(r"\s*(?:or|to|-|–|and|/)\s*" + _ANY_DATE, re.I)
_MOVE_CUE = (
    r"\b(?:(?:desired|target|expected|earliest|ideal)\s+)?(?:move[\s-]*in(?:\s+date)?|moving\s+in"
    r"|moving\s+date|move\s+date|(?:looking|wants?|needs?|hoping|hopes|plans?|planning|intends?)"
    r"\s+to\s+move(?:\s+in)?|lease\s+start(?:s|ing)?(?:\s+date)?"
    r"|start(?:s|ing)?\s+(?:the\s+|a\s+|my\s+|our\s+)?lease"
    r"|moving|m/i|(?-i:MI|mi)(?=[\s:.\-]+\d))\b"
)
_MOVE_IN = Cued(
    ("mov", "lease", "mi", "m/i", "start"),
    re.compile(
        _MOVE_CUE
        + r"(?:[\s:~\-–]*(?:is|on|by|around|about|approx\.?|approximately|date|before|of|now|still"
        r"|actually)\b)*"
        r"[\s:~\-–]*" + _DATE,
        re.I,
    ),
)
_MOVE_IN_BEFORE = re.compile(_DATE + r"\s+(?:move[\s-]*in|move\s+date)\b", re.I)
_MOVE_IN_WORDS = re.compile(r"(?i)\bmove(?:[\s-]*in|\s+date)\b")
# A move-in that is not a date ("moving in 2 weeks", "move in ASAP") is no tour time either.
_MOVE_CLAUSE = re.compile(
    _MOVE_CUE + r"(?:[ \t]+(?!(?:tomorrow|today|tonight|tour|at|on|mon|tue|wed|thu|fri|sat|sun)"
    r"\w*\b)[^\s,;.!?@]+){0,4}",
    re.I,
)
_DATE_FIRST = re.compile(r"\s*" + _DATE, re.I)
_MI = re.compile(r"(?:MI|mi|m/i|M/I)[\s:.\-]{1,3}\d")  # "mi 1/15": a quick look for the cue
_LEASE_WORD = re.compile(r"(?i)(?:(?:desired|target|expected|earliest|ideal)\s+)?lease\b")
_ORDINAL_WORD = re.compile(_ORDINAL, re.I)


@bounded
def take_move_in(message: Message) -> None:
    unread: list[tuple[int, int]] = []
    fields = labelled(message, "move_in")
    newer = older_labels(message, fields)
    if newer is not None and _take_said(message, _said(message, 0, newer)):
        fields = []  # the newer words win over a form quoted under them
    for field in fields:
        m = _DATE_FIRST.match(message.search, field.value_start, field.end)
        another = m and _ANOTHER_DATE.match(message.search, m.end(), field.end)
        if m and not another and _readable_date(m.group("date")):
            message.set("move_in_date", _date_text(m.group("date")), source=m.group("date"))
            message.take(field.start, m.end())
            break
        unread.append((field.start, field.end))  # "Move-in: ASAP" or "Feb 2027": no tour time
    message.hide_all(unread)
    lower = lowered(message.search)
    if (
        "mov" not in lower
        and "lease" not in lower
        and (("mi" not in lower and "m/i" not in lower) or not _MI.search(message.search))
    ):
        return
    said = _said(message, 0, len(message.text))
    if "move_in_date" not in message.values:
        _take_said(message, said)
    search = message.search  # "moving in 2 weeks" holds no tour time
    message.hide_all(
        (_after_lease(search, m.start()), m.end()) for m in _MOVE_CLAUSE.finditer(search)
    )


Said = list[tuple[str, tuple[int, int], str]]
"""Each move-in said: the date it means ("01-15", or "2027-01-15" with its year), where, and
the date as written."""


def _said(message: Message, start: int, end: int) -> Said:
    """Every move-in date said between `start` and `end`; "move-in 2/1 or 3/1" is hidden, two
    dates and so neither."""
    text = message.search
    # "2/1 move-in" is looked for only just before each "move-in": a date pattern is slow to run.
    before = (
        m
        for cue in _MOVE_IN_WORDS.finditer(text, start, end)
        if (m := _MOVE_IN_BEFORE.search(text, max(start, cue.start() - 30), cue.end()))
    )
    said: Said = []
    doubts: list[tuple[int, int]] = []
    for m in (*_MOVE_IN.finditer(text, lowered(text), start, end), *before):
        if another := _ANOTHER_DATE.match(text, m.end("date")):
            doubts.append((m.start(), another.end()))
        elif meant := _meant(m.group("date")):
            said.append((meant, (_after_lease(text, m.start()), m.end()), m.group("date")))
    message.hide_all(doubts)
    return said


def _take_said(message: Message, said: Said) -> bool:
    """The date when every mention means the same one (the newest part of a thread wins)."""
    newer = {span for _, span in newest(message.text, [(key, span) for key, span, _ in said])}
    said = [mention for mention in said if mention[1] in newer]
    if len({key for key, _, _ in said}) != 1:
        message.hide_all((span for _, span, _ in said))
        return False
    written = said[0][2]
    message.set("move_in_date", _date_text(written), source=written)
    message.take_all((span for _, span, _ in said))
    return True


def _meant(written: str) -> str:
    """ "Jan 15" and "1/15" mean "01-15"; "" when it is no date."""
    try:
        day = read_move_in_date(_date_text(written), today=_ANY_DATE_DAY)
    except Unreadable:
        return ""
    has_year = re.search(r"\d{4}|\d/\d{2}$|-\d{2}$", written.strip())
    return day.isoformat() if has_year else day.isoformat()[5:]


def _after_lease(text: str, start: int) -> int:
    """Where "lease starting Feb 1" starts being the move-in: "lease" stays for the lease term
    ("a 12 month lease starting Feb 1")."""
    lease = _LEASE_WORD.match(text, start)
    return lease.end() if lease else start


def _date_text(text: str) -> str:
    """The date as the form reads it: "January fifteenth" is "January 15"."""
    text = re.sub(r"(?i)^the\s+|(?<=\s)(?:the|of)\s+", "", text)
    # Folded: the case-insensitive pattern finds "FİFTEENTH" and "ſecond" too.
    text = _ORDINAL_WORD.sub(lambda m: str(ordinal_number(fold(m.group(0)))), text)
    return " ".join(text.split())


def _readable_date(text: str) -> bool:
    try:
        read_move_in_date(_date_text(text), today=_ANY_DATE_DAY)
    except Unreadable:
        return False
    return True
