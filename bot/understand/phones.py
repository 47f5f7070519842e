"""Phone numbers in a message, typed or said in words, each with its E.164 key."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

from bot.booking.fields import Unreadable, read_phone


@dataclass(frozen=True)
class Found:
    """An email or a phone found in the message: what the form gets, its key and where it is."""

    kind: str  # "email" or "phone"
    value: str  # as written, or as built from words ("347-555-0198")
    key: str  # E.164, or the address in lower case: two equal keys are one contact
    start: int
    end: int
    spoken: bool = False
    sender: bool = False  # the address of a From: header (the header itself is taken)


_NANP = r"(?:\+?1[\s.\-]{0,2})?(?:\(\s*\d{3}\s*\)|\d{3})[\s.\-]{0,2}\d{3}[\s.\-]{0,2}\d{4}"
_INTERNATIONAL = r"\+[02-9]\d{0,2}(?:[\s.\-]{0,2}\(?\d{1,4}\)?){2,5}"
PHONE = re.compile(
    rf"(?<![\w+$/.\-])(?P<number>{_INTERNATIONAL}|{_NANP})"
    r"(?:\s*(?:x|ext\.?|extension|#)\s*\d{1,6})?(?![\w/]|[.\-]\d)",
    re.I,
)
# Toll-free area codes: a business's line, never a prospect's.
_TOLL_FREE = re.compile(r"\+1(?:800|833|844|855|866|877|888)\d{7}")

_DIGIT_WORDS = {
    "zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4",
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
}  # fmt: skip
_REPEATS = {"double": 2, "triple": 3}
_WORD = re.compile(r"[^\W\d_]+")
# Each word `_WORD` finds that is a digit's or a repeat's (and a few more, case-insensitively).
_SAID_DIGITS = re.compile(
    r"(?i)(?<![^\W\d_])(?:" + "|".join([*_DIGIT_WORDS, *_REPEATS]) + r")(?![^\W\d_])"
)
_SAID_MIN = 10  # words in a row, at least, that say a phone number
_GAP = re.compile(r"[ \t]*[,.\-]?[ \t]*")  # between the digits of "three four seven, five…"


@lru_cache(maxsize=4)
def typed_numbers(text: str) -> tuple[re.Match[str], ...]:
    """Every number typed in `text` that looks like a phone's: looked for once per message."""
    return tuple(PHONE.finditer(text))


# A number that identifies something: "Zillow lead ID is 2125550199", "confirmation # 4155550177".
_IDENTIFIER_BEFORE = re.compile(
    r"(?i)\b(?:id|confirmation|conf|ref|reference|account|acct|order|ticket|case|invoice|tracking"
    r"|transfer|routing|license|permit|listing|mls)\b[ \t]*(?:(?:#|no\.?|number|num)[ \t]*)?"
    r"(?:is[ \t]+|[:=][ \t]*)?$"
)


def find_phones(text: str) -> list[Found]:
    """Every typed number in `text` that the form's phone reader accepts."""
    found = []
    for m in typed_numbers(text):
        if _IDENTIFIER_BEFORE.search(text, max(0, m.start() - 30), m.start()):
            continue
        written = m.group("number")
        if (key := _key(written)) is not None:
            found.append(Found("phone", written, key, m.start("number"), m.end("number")))
    return found


def find_spoken_phones(text: str) -> list[Found]:
    """Every ten-digit number said in words in `text`: "nine seven three, five five five, zero
    one six eight" ("oh" and "o" are zero, "double five" is 55)."""
    found: list[Found] = []
    if len(_SAID_DIGITS.findall(text)) < _SAID_MIN:
        return found  # too few digit words for a phone: the words are not gone through
    run: list[re.Match[str]] = []
    for word in _WORD.finditer(text):
        lower = word.group(0).lower()
        if lower not in _DIGIT_WORDS and lower not in _REPEATS:
            _said(text, run, found)
            run = []
            continue
        if run and not _GAP.fullmatch(text, run[-1].end(), word.start()):
            _said(text, run, found)
            run = []
        run.append(word)
    _said(text, run, found)
    return found


def _said(text: str, run: list[re.Match[str]], found: list[Found]) -> None:
    """The number a run of digit words says, if it is a phone's."""
    if len(run) < _SAID_MIN:
        return
    digits, times = "", 1
    for word in run:
        lower = word.group(0).lower()
        if lower in _REPEATS:
            times = _REPEATS[lower]
        else:
            digits, times = digits + _DIGIT_WORDS[lower] * times, 1
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) == 10:
        written = f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
        if (key := _key(written)) is not None:
            found.append(Found("phone", written, key, run[0].start(), run[-1].end(), spoken=True))


def is_toll_free(key: str) -> bool:
    return bool(_TOLL_FREE.fullmatch(key))


@lru_cache(maxsize=512)
def _key(written: str) -> str | None:
    # POSSIBLE, not VALID: agents (and examples) use 555 numbers that no carrier owns.
    matched = phonenumbers.PhoneNumberMatcher(
        written, "US", leniency=phonenumbers.Leniency.POSSIBLE
    )
    if not any(found.raw_string == written for found in matched):
        return None
    try:
        return read_phone(written)
    except Unreadable:
        return None
