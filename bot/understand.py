"""Reads a free-text tour request into the booking form's fields.

It never invents: a field it is not sure of stays out, and the form's own checks (and the agent)
decide the rest. Each piece found is cut from the text before the next is looked for, so a phone
number is never read as a time, nor a budget as a bedroom count.
"""

from __future__ import annotations

import re

import phonenumbers

from bot.timewords import WEEKDAYS, read_phrase

FormValues = dict[str, str]
TIME_WORDS_MAX = 120

_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_TOUR_TYPES = [
    (re.compile(r"\bself[\s-]?guided\b|\bself[\s-]tour\b", re.I), "self-guided"),
    (re.compile(r"\b(?:virtual(?:ly)?|video(?:\s+call)?|facetime|zoom)\b", re.I), "virtual"),
    (re.compile(r"\bin[\s-]?person\b|\bguided\b|\bwith\s+an?\s+agent\b", re.I), "in person"),
]
_BEDROOMS = re.compile(
    r"\b(?:(studio)|(\d)\s*(\+)?\s*(?:br|bd|bdr|bdrm|bed(?:room)?s?|b/r)\b(\s*\+|\s+or\s+more)?)",
    re.I,
)
_MONEY = r"\$?\s?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s?(k)?"
_BUDGET_RANGE = re.compile(
    r"(?:budget|rent|price|range|between|from)?[:\s]*" + _MONEY + r"\s*(?:-|–|to|and)\s*" + _MONEY
    + r"(?:\s*(?:rent|budget|/mo(?:nth)?|a\s+month|per\s+month|monthly))?",
    re.I,
)  # fmt: skip
_BUDGET_MAX = re.compile(
    r"\b(?:under|below|up\s+to|max(?:imum)?|at\s+most|no\s+more\s+than|less\s+than)\s*" + _MONEY,
    re.I,
)
_BUDGET_MIN = re.compile(r"\b(?:over|above|at\s+least|min(?:imum)?|from)\s*" + _MONEY, re.I)
_BUDGET_ONE = re.compile(r"\b(?:budget|rent)\s*(?:is|of|:|around|about)?\s*" + _MONEY, re.I)
_BUDGET_ONE_AFTER = re.compile(
    _MONEY + r"\s*(?:budget|rent|/mo(?:nth)?|a\s+month|per\s+month|monthly)\b", re.I
)
_MOVE_IN = re.compile(
    r"\b(?:moving\s+in|move[\s-]?in(?:\s+date)?|move\s+date)\s*(?:is|on|by|:|around|date)?\s*"
    r"((?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?"
    r"(?:,?\s+\d{4})?|\d{1,2}/\d{1,2}(?:/\d{2,4})?|\d{4}-\d{2}-\d{2})",
    re.I,
)
_LEASE = re.compile(
    r"\b(\d{1,2})[\s-]?(?:months?|mo)\s+lease\b|\blease\s+(?:term\s+)?(?:of\s+)?(\d{1,2})\s*"
    r"(?:months?|mo)\b",
    re.I,
)
_NAME_WORD = r"[A-ZÀ-ÖØ-Þ](?:[^\W\d_]|['’-])+"
_NAME_AFTER = re.compile(
    r"\b(?:for|prospect|name|client|with)\s*:?\s+("
    + _NAME_WORD
    + r"(?:\s+"
    + _NAME_WORD
    + r"){1,2})"
)
_NAME_FIRST = re.compile(r"^\s*(" + _NAME_WORD + r"(?:\s+" + _NAME_WORD + r"){1,2})\b")
_NOT_NAMES = {
    *WEEKDAYS, "today", "tomorrow", "tonight", "next", "this", "book", "tour", "please", "hi",
    "hello", "hey", "can", "could", "the", "new", "prospect", "self", "virtual", "studio",
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    "january", "february", "march", "april", "june", "july", "august", "september", "october",
    "november", "december", "mon", "tue", "wed", "thu", "fri", "sat", "sun",
}  # fmt: skip


def read_request(text: str) -> FormValues:
    """The form fields `text` states plainly; keys are the booking form's field names."""
    values: FormValues = {}
    rest = text

    def take(match: re.Match[str]) -> None:
        nonlocal rest
        rest = rest[: match.start()] + " " + rest[match.end() :]

    if m := _EMAIL.search(rest):
        values["email"] = m.group(0)
        take(m)
    # POSSIBLE, not VALID: agents (and examples) use 555 numbers that no carrier owns.
    for found in phonenumbers.PhoneNumberMatcher(
        rest, "US", leniency=phonenumbers.Leniency.POSSIBLE
    ):
        values["phone"] = found.raw_string
        rest = rest[: found.start] + " " + rest[found.end :]
        break
    if m := _MOVE_IN.search(rest):
        values["move_in_date"] = m.group(1)
        take(m)
    if m := _LEASE.search(rest):
        values["lease_term"] = m.group(1) or m.group(2)
        take(m)
    if budget := _read_budget(rest):
        values.update(budget[0])
        take(budget[1])
    if m := _BEDROOMS.search(rest):
        more = "+" if m.group(3) or m.group(4) else ""
        values["bedrooms"] = "studio" if m.group(1) else m.group(2) + more
        take(m)
    for pattern, tour_type in _TOUR_TYPES:
        if m := pattern.search(rest):
            values["tour_type"] = tour_type
            take(m)
            break
    if name := _read_name(rest):
        first, _, last = name.partition(" ")
        values["first_name"] = first
        if last:
            values["last_name"] = last
        rest = rest.replace(name, " ", 1)
    words = read_phrase(rest).words
    if words and len(words) <= TIME_WORDS_MAX:  # time words scattered over a page: not sure
        values["tour_time"] = words
    return values


def _read_budget(rest: str) -> tuple[FormValues, re.Match[str]] | None:
    def dollars(amount: str, thousands: str | None) -> str:
        number = float(amount.replace(",", "")) * (1000 if thousands else 1)
        return f"{number:g}"

    def has_money_cue(m: re.Match[str]) -> bool:
        written = m.group(0).lower()
        thousands = m.group(2) or (m.re is _BUDGET_RANGE and m.group(4))
        return (
            "$" in written
            or bool(thousands)
            or any(cue in written for cue in ("budget", "rent", "price", "range", "/mo", "month"))
        )

    ranges = (m for m in _BUDGET_RANGE.finditer(rest) if has_money_cue(m))
    if m := next(ranges, None):
        return {
            "rent_min": dollars(m.group(1), m.group(2)),
            "rent_max": dollars(m.group(3), m.group(4)),
        }, m
    if m := _BUDGET_MAX.search(rest):
        return {"rent_max": dollars(m.group(1), m.group(2))}, m
    if (m := _BUDGET_MIN.search(rest)) and has_money_cue(m):
        return {"rent_min": dollars(m.group(1), m.group(2))}, m
    if m := _BUDGET_ONE.search(rest) or _BUDGET_ONE_AFTER.search(rest):
        return {"rent_max": dollars(m.group(1), m.group(2))}, m
    return None


def _read_name(text: str) -> str | None:
    for pattern in (_NAME_AFTER, _NAME_FIRST):
        if m := pattern.search(text):
            words = m.group(1).split()
            while words and words[-1].lower() in _NOT_NAMES:
                words.pop()
            if len(words) >= 2 and not any(w.lower() in _NOT_NAMES for w in words):
                return " ".join(words)
    return None
