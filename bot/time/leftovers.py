"""Words of a day that no rule read: a misspelt weekday ("thrus"), a holiday or a count the
grammar does not know ("boxing day", "in a fortnight"), a month without its day. Left out, they
would leave a bare hour to be booked today; the phrase is asked about instead."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from bot.time.vocabulary import WEEKDAYS

_MONTHS = ("january", "february", "march", "april", "june", "july", "august", "september",
           "october", "november", "december")  # fmt: skip
# Months that are also people's names ("April wants fri 2pm"): read when a rule reads them.
_NAMES = ("april", "june", "july", "august")
# A word of a day, read by a rule when it is part of one: unread, it says something was missed.
_DAY_WORDS = frozenset(
    (*WEEKDAYS, *(m for m in _MONTHS if m not in _NAMES), "jan", "feb", "apr", "jun", "jul",
     "aug", "sep", "sept", "oct", "nov", "dec", "today", "tomorrow", "tonight", "week", "weeks",
     "weekend", "weekends", "fortnight", "fortnights", "month", "months", "year", "years", "eve",
     "boxing", "anzac", "holiday")
)  # fmt: skip
# What a misspelling is held against: the long forms, where one letter off is still that word.
# ("jane" is one letter from "june": the short names are held against nothing.)
_TARGETS = (*WEEKDAYS, *(m for m in _MONTHS if m not in ("june", "july")), "thurs", "tues",
            "weds", "sept", "tomorrow", "tonight", "yesterday", "weekend", "fortnight")  # fmt: skip
# Words that are one letter from a target and mean something else.
_WORDS = frozenset("thus thru".split())
_TOKEN = re.compile(r"[a-z]+")
_FUZZY_UP_TO = 300  # characters: a phrase, not a page; a page's words are only looked up
_NEAR = 60  # characters around what was read, in a page, where a misspelt day may stand


# A date in figures no rule read: "12.1" (the 12th of January, or a decimal?), "1.5", "12-16".
_FIGURES = re.compile(r"(?<![\d.:/-])\d{1,2}[./-]\d{1,2}(?:[./-]\d{2,4})?(?![\d.:/-])")


# A day of the month no rule read ("jne 22 at 10am": the month's word was not known); 13 to 31
# can be no hour, and no count of people, units or minutes follows.
_DAY_NUMBER = re.compile(
    r"(?<![\d:./$-])\b(?:1[3-9]|2\d|3[01])(?:st|nd|rd|th)?\b(?![:./\d%])"
    r"(?!\s*(?:min|mins|minutes|hours?|hrs?|people|persons|guests|k\b|bed|br|ba|units?|years?"
    r"|months?|weeks?|days?|floor))"
)


def unread_day_words(
    text: str, free: Callable[[int, int], bool], first: int = 0, last: int = -1
) -> list[str]:
    """The words of a day in `text` (normalised) that no rule claimed, in order. In a text
    longer than a phrase, misspellings and figures are looked for only near what was read
    (`first` to `last`): a page's every word is not held against the calendar."""
    near = (0, len(text))
    if len(text) > _FUZZY_UP_TO:
        near = (max(0, first - _NEAR), min(len(text), last + _NEAR)) if last >= first else (0, 0)
    found = []
    for pattern in (_FIGURES, _DAY_NUMBER):
        found += [m.group(0) for m in pattern.finditer(text, *near) if free(*m.span())]
    for m in _TOKEN.finditer(text):
        word = m.group(0)
        fuzzy = near[0] <= m.start() < near[1]
        day_word = word in _DAY_WORDS or (fuzzy and len(word) >= 4 and _misspelt(word))
        if day_word and free(*m.span()):
            found.append(word)
    return found


@lru_cache(maxsize=4096)
def _misspelt(word: str) -> bool:
    """One letter off a day's long form ("thrus", "fryday", "decemeber"), two for long words."""
    if word in _WORDS or word in _DAY_WORDS:
        return False
    most = 1 if len(word) <= 6 else 2
    return any(
        abs(len(word) - len(target)) <= most and _distance(word, target) <= most
        for target in _TARGETS
        if len(word) >= 5 or word[0] == target[0]  # "onday": a short word keeps its first letter
    )


def _distance(a: str, b: str) -> int:
    """Edits from `a` to `b`, a swap of two letters counted once (Damerau-Levenshtein)."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[i - 2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]
