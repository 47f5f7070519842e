"""Reading one field of the tour form the way agents type it: phones, emails, dollars, move-in
dates, bedrooms, lease terms and tour types."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

import phonenumbers
from email_validator import EmailNotValidError, validate_email

DateOrder = Literal["MDY", "DMY"]

RENT_MAX_CENTS = 1_000_000 * 100
LEASE_TERM_MONTHS = range(1, 61)
BEDROOM_CHOICES: dict[int, tuple[str, str]] = {
    0: ("studio", "Studio"),
    1: ("1", "1 bedroom"),
    2: ("2", "2 bedrooms"),
    3: ("3", "3 bedrooms"),
    4: ("4+", "4+ bedrooms"),
}
"""What the form offers for bedrooms: the number sent, the text the form reads, and a label."""


class Unreadable(ValueError):
    """The text cannot be read; the message ends the sentence the field's label begins."""


_PHONE_CHARACTERS = re.compile(r"[0-9+()\-. ]+(?:(?:x|ext\.?|#) ?[0-9]+)?", re.ASCII | re.I)


def read_phone(text: str) -> str:
    """A phone number as people type it, in E.164 (+15552017788); US when no country is given."""
    hint = "must be a number like +1 555 201 7788"
    # phonenumbers finds a number inside any text ("Jane 555-201-7788"): allow phone characters.
    if not _PHONE_CHARACTERS.fullmatch(text):
        raise Unreadable(hint)
    try:
        number = phonenumbers.parse(text, "US")
    except phonenumbers.NumberParseException:
        raise Unreadable(hint) from None
    if number.extension:
        raise Unreadable(f"can't carry an extension: put x{number.extension} in the notes")
    if not (phonenumbers.is_valid_number(number) or _north_american_shape(number)):
        raise Unreadable(hint)
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def _north_american_shape(number: phonenumbers.PhoneNumber) -> bool:
    # The fictional 555 numbers agents test with, and area codes newer than phonenumbers' data,
    # fail is_valid_number; a well-formed NANP number (NXX-NXX-XXXX) is good enough.
    national = str(number.national_number)
    return bool(number.country_code == 1 and re.fullmatch(r"[2-9][0-9]{2}[2-9][0-9]{6}", national))


def read_email(text: str) -> str:
    """An email address, normalised (the domain in lower case); nothing is looked up online."""
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        raise Unreadable("must look like name@example.com") from None


_DOLLARS = re.compile(
    r"\$? ?(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?P<fraction>\.[0-9]{1,2})? ?(?P<k>k)?"
    r"(?: ?(?:/|per|a) ?(?:mo|month))?",
    re.ASCII | re.IGNORECASE,
)


def read_dollars(text: str) -> int:
    """A monthly rent in dollars ("$1,800", "1800", "1,800.50", "2k", "2.5k") as cents."""
    match = _DOLLARS.fullmatch(text)
    if not match:
        raise Unreadable("must be an amount in dollars like $1,800")
    dollars = Decimal(match["whole"].replace(",", "") + (match["fraction"] or ""))
    cents = int(dollars * (1000 if match["k"] else 1) * 100)
    if cents < 1:
        raise Unreadable("must be more than $0")
    if cents > RENT_MAX_CENTS:
        raise Unreadable(f"must be at most {format_dollars(RENT_MAX_CENTS)}")
    return cents


def format_dollars(cents: int) -> str:
    """$1,800 for whole dollars, $1,800.50 otherwise."""
    dollars, rest = divmod(cents, 100)
    return f"${dollars:,}" + (f".{rest:02d}" if rest else "")


def read_bedrooms(text: str) -> int:
    """Bedrooms wanted: "studio" is 0, then 1, 2, 3 and "4+" (sent as 4)."""
    word = text.lower()
    if word in ("studio", "0"):
        return 0
    match = re.fullmatch(
        r"(?P<n>[1-4])(?P<plus> ?\+)? ?(?:b|br|bd|bdr|bed|beds|bedrooms?)?", word, re.ASCII
    )
    if not match or (match["plus"] and match["n"] != "4"):
        raise Unreadable(_BEDROOMS_HINT)
    return int(match["n"])


_BEDROOMS_HINT = "must be studio, 1, 2, 3 or 4+"
_BEDROOM_SIZE = r"(?:studio|[0-4])(?: ?\+)?(?: ?(?:b|br|bd|bdr|bed|beds|bedrooms?))?"
_BEDROOM_PART = re.compile(rf"(?P<low>{_BEDROOM_SIZE})(?: ?(?:-|–|to) ?(?P<high>{_BEDROOM_SIZE}))?")
_BEDROOM_JOINS = re.compile(r" ?(?:,|/|&|\band\b|\bor\b)(?: ?(?:,|/|&|\band\b|\bor\b))* ?")
_STUDIO = re.compile(r"studio(?: ?(?:b|br|bd|bdr|bed|beds|bedrooms?))?")


def read_bedroom_choices(text: str) -> tuple[int, ...]:
    """One size or several, in the order given: "2" is (2,), "2, 3", "2 or 3" and "2-3" are
    (2, 3), "studio or 1" is (0, 1), "2+" is (2, 3, 4); 4 stands for "4+"."""
    choices: list[int] = []
    for part in _BEDROOM_JOINS.split(" ".join(text.lower().split())):
        match = _BEDROOM_PART.fullmatch(part)
        if not match:
            raise Unreadable(_BEDROOMS_HINT)
        low = _bedroom_size(match["low"])
        if match["high"] is None:
            # "2+" is two bedrooms or more: every choice from 2 on.
            sizes = range(low, 5) if "+" in match["low"] and low < 4 else range(low, low + 1)
        else:
            high = _bedroom_size(match["high"])
            if high <= low or "+" in match["low"]:
                raise Unreadable(_BEDROOMS_HINT)
            sizes = range(low, high + 1)
        choices.extend(size for size in sizes if size not in choices)
    return tuple(choices)


def _bedroom_size(text: str) -> int:
    text = text.replace(" ", "").replace("+", "")
    if _STUDIO.fullmatch(text) or re.fullmatch(r"0(?:b|br|bd|bdr|bed|beds|bedrooms?)?", text):
        return 0
    return read_bedrooms(text)


def bedroom_codes(choices: Sequence[int]) -> str:
    """The sizes as the form's text reads them back: (0, 1) is "studio, 1"."""
    return ", ".join(BEDROOM_CHOICES[min(size, 4)][0] for size in choices)


def picked_bedrooms(value: str) -> list[str]:
    """The choice codes a form value picks ("2-3" as an agent wrote it is ["2", "3"]); a value the
    form cannot read keeps its own parts, so the form shows what was typed."""
    try:
        return bedroom_codes(read_bedroom_choices(value)).split(", ")
    except Unreadable:
        return [part.strip() for part in value.split(",")]


def bedroom_words(choices: Sequence[int]) -> str:
    """The sizes in words: "2 bedrooms", "Studio or 1 bedroom", "2, 3 or 4+ bedrooms"."""
    if len(choices) == 1:
        return BEDROOM_CHOICES[min(choices[0], 4)][1]
    codes = [BEDROOM_CHOICES[min(size, 4)][0] for size in choices]
    rooms = [size for size in choices if size]
    unit = "bedroom" if rooms == [1] else "bedrooms"
    if choices[-1] == 0:  # "1 bedroom or studio"
        text = f"{', '.join(codes[:-1])} {unit} or studio"
    else:
        text = f"{', '.join(codes[:-1])} or {codes[-1]} {unit}"
    return text[0].upper() + text[1:]


_LEASE_COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "six": 6, "nine": 9,
                 "twelve": 12, "eighteen": 18, "half a": 0.5}  # fmt: skip


def read_lease_term(text: str) -> int:
    """A lease term in whole months ("12", "12 months", "9-mo", "1 year", "a year", "18mo"),
    from 1 to 60."""
    match = re.fullmatch(
        r"(?P<n>[0-9]{1,3}|a|an|one|two|three|six|nine|twelve|eighteen|half a)[ -]?"
        r"(?:(?P<months>m|mo|mos|months?)|(?P<years>y|yr|yrs|years?))?(?: lease)?",
        " ".join(text.lower().split()),
        re.ASCII,
    )
    if match and not match["n"].isdigit() and not (match["months"] or match["years"]):
        match = None  # "six" alone is no lease; "six months" is
    count = (
        (_LEASE_COUNTS[match["n"]] if not match["n"].isdigit() else int(match["n"])) if match else 0
    )
    months = int(count * (12 if match and match["years"] else 1))
    if months not in LEASE_TERM_MONTHS:
        raise Unreadable("must be a whole number of months from 1 to 60")
    return months


_MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_ORDINAL = r"(?:st|nd|rd|th)?"
# A month or a part of one, without its day: "next month", "January", "early feb 2027".
_A_MONTH = re.compile(
    r"(?:(?:early|mid|late|end of|beginning of|start of|the)[ -]+)?(?:next|this|the)?[ ]*"
    r"(?:month|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?)(?:,? [0-9]{4})?",
    re.ASCII,
)
_YEAR = r"(?:,? (?P<year>[0-9]{4}))?"
_DATE_FORMS = (
    re.compile(r"(?P<year>[0-9]{4})[-/](?P<month>[0-9]{1,2})[-/](?P<day>[0-9]{1,2})", re.ASCII),
    re.compile(rf"(?P<name>[a-z]+)\.? (?P<day>[0-9]{{1,2}}){_ORDINAL}{_YEAR}", re.ASCII),
    re.compile(rf"(?P<day>[0-9]{{1,2}}){_ORDINAL} (?:of )?(?P<name>[a-z]+)\.?{_YEAR}", re.ASCII),
)


def read_move_in_date(text: str, *, today: date, date_order: DateOrder = "MDY") -> date:
    """A move-in date: 2027-01-15, 1/15/2027 (15/1/2027 in DMY order), Jan 15, 2027 or 15 January.
    A month without its day ("next month", "early March") is refused with a sentence saying so.

    Without a year it is the date's next occurrence from `today` on; an earlier date is refused.
    """
    # The examples are a date to come, whenever this is read.
    example = (today.replace(day=1) + timedelta(days=45)).replace(day=15)
    d, m, y = example.day, example.month, example.year
    numeric = f"{d}/{m}/{y}" if date_order == "DMY" else f"{m}/{d}/{y}"
    hint = f"must be a date like {example.isoformat()}, {numeric} or {example:%b} {d}, {y}"
    year, month, day = _date_parts(text.lower(), date_order)
    if month is None or day is None:
        if _A_MONTH.fullmatch(text.lower().strip()):
            # The day is the agent's to choose: a guessed first of the month is a wrong date.
            raise Unreadable(
                f"names a month, not a day: give the day (like {numeric}), or leave it "
                "empty and say it in Notes"
            )
        raise Unreadable(hint)
    if year is None:
        # Feb 29 may be up to eight years away.
        for candidate_year in range(today.year, today.year + 9):
            found = _date_or_none(candidate_year, month, day)
            if found is not None and found >= today:
                return found
        raise Unreadable(hint)
    found = _date_or_none(year, month, day)
    if found is None:
        raise Unreadable(hint)
    if found < today:
        raise Unreadable(f"has passed ({found.isoformat()}): give today or a later date")
    return found


def _date_parts(text: str, date_order: DateOrder) -> tuple[int | None, int | None, int | None]:
    numeric = re.fullmatch(
        r"(?P<a>[0-9]{1,2})[/.-](?P<b>[0-9]{1,2})(?:[/.-](?P<year>[0-9]{4}|[0-9]{2}))?",
        text,
        re.ASCII,
    )
    if numeric:
        first, second = int(numeric["a"]), int(numeric["b"])
        month, day = (second, first) if date_order == "DMY" else (first, second)
        year = numeric["year"]
        if year is not None and len(year) == 2:
            year = "20" + year
        return (int(year) if year else None), month, day
    for form in _DATE_FORMS:
        match = form.fullmatch(text)
        if not match:
            continue
        groups = match.groupdict()
        if groups.get("name") is not None:
            month_number = _month_number(groups["name"])
        else:
            month_number = int(groups["month"])
        year = groups.get("year")
        return (int(year) if year else None), month_number, int(groups["day"])
    return None, None, None


def _month_number(name: str) -> int | None:
    if len(name) < 3:
        return None
    for number, month in enumerate(_MONTHS, start=1):
        if month.startswith(name):
            return number
    return None


def _date_or_none(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


_TOUR_TYPE_LABELS = {"SELF_GUIDED": "Self-guided", "IN_PERSON": "In person", "VIRTUAL": "Virtual"}
_TOUR_TYPE_WORDS = {
    "self": "SELF_GUIDED",
    "selfguided": "SELF_GUIDED",
    "inperson": "IN_PERSON",
    "guided": "IN_PERSON",
    "video": "VIRTUAL",
}


def tour_type_label(tour_type: str) -> str:
    """The words agents see for a Propexo tour type: SELF_GUIDED is "Self-guided"."""
    return _TOUR_TYPE_LABELS.get(tour_type, tour_type.replace("_", " ").capitalize())


def read_tour_type(text: str, tour_types: Sequence[str]) -> str:
    """One of the configured Propexo tour types, from its value, its label or agents' words for it
    ("self guided", "in-person", "guided", "video")."""
    known = {
        _tour_type_key(name): value
        for value in tour_types
        for name in (value, tour_type_label(value))
    }
    key = _tour_type_key(text)
    found = known.get(key) or _TOUR_TYPE_WORDS.get(key)
    if found is None or found not in tour_types:
        raise Unreadable(f"must be {_one_of([tour_type_label(value) for value in tour_types])}")
    return found


def _tour_type_key(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.lower()).strip().removesuffix(" tour")


def _one_of(labels: Sequence[str]) -> str:
    if len(labels) < 2:
        return "".join(labels) or "left empty (no tour types are configured)"
    return ", ".join(labels[:-1]) + " or " + labels[-1]
