"""What the prospect wants: move-in date, lease term, budget, bedrooms and the kind of tour.

Each is taken only when it is said once, plainly, in a form the booking form reads ("2-3
bedrooms", "6 or 12 month lease" or "in person or virtual" stay in the notes). Outside a labelled
field a number needs its cue ("2br", "$1,800", "12 month lease"); a number alone is nothing.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from bot.booking.fields import Unreadable, read_move_in_date
from bot.understand.message import Message

_ANY_DATE_DAY = date(2000, 1, 1)  # for checking that a date exists, not that it is ahead

# --- move-in -------------------------------------------------------------------------------
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_ANY_DATE = (
    r"(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}(?:/(?:\d{4}|\d{2}))?"
    r"|\d{1,2}-\d{1,2}-(?:\d{4}|\d{2})"
    rf"|{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\.?(?:,?\s+\d{{4}})?)(?![\w/])"
)
_DATE = f"(?P<date>{_ANY_DATE})"
# "move-in 2/1 or 3/1": two dates, so neither.
_ANOTHER_DATE = re.compile(r"\s*(?:or|to|-|–|and|/)\s*" + _ANY_DATE, re.I)
_MOVE_CUE = (
    r"\b(?:(?:desired|target|expected|earliest|ideal)\s+)?(?:move[\s-]*in(?:\s+date)?|moving\s+in"
    r"|moving\s+date|move\s+date|(?:looking|wants?|needs?|hoping|hopes|plans?|planning)\s+to\s+move"
    r"(?:\s+in)?|lease\s+start(?:s|ing)?(?:\s+date)?|start\s+(?:the\s+|a\s+)?lease|moving)\b"
)
_MOVE_IN = re.compile(
    _MOVE_CUE + r"(?:[\s:~\-–]*(?:is|on|by|around|about|approx\.?|approximately|date|before|of)\b)*"
    r"[\s:~\-–]*" + _DATE,
    re.I,
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


def take_move_in(message: Message) -> None:
    for label in message.labelled("move_in"):
        m = _DATE_FIRST.match(message.search, label.value_start, label.end)
        another = m and _ANOTHER_DATE.match(message.search, m.end(), label.end)
        if m and not another and _readable_date(m.group("date")):
            message.set("move_in_date", _date_text(m.group("date")))
            message.take(label.start, m.end())
            return
    lower = message.search.lower()
    if "mov" not in lower and "lease" not in lower:
        return
    # "2/1 move-in" is looked for only just before each "move-in": a date pattern is slow to run.
    before = (
        m
        for cue in _MOVE_IN_WORDS.finditer(message.search)
        if (m := _MOVE_IN_BEFORE.search(message.search, max(0, cue.start() - 30), cue.end()))
    )
    for m in (*_MOVE_IN.finditer(message.search), *before):
        if another := _ANOTHER_DATE.match(message.search, m.end("date")):
            message.hide(m.start(), another.end())
        elif _readable_date(m.group("date")) and "move_in_date" not in message.values:
            message.set("move_in_date", _date_text(m.group("date")))
            message.take(*m.span())
    for m in _MOVE_CLAUSE.finditer(message.search):
        message.hide(*m.span())  # "moving in 2 weeks" holds no tour time


def _date_text(text: str) -> str:
    return " ".join(re.sub(r"(?i)^the\s+", "", text).split())


def _readable_date(text: str) -> bool:
    try:
        read_move_in_date(_date_text(text), today=_ANY_DATE_DAY)
    except Unreadable:
        return False
    return True


# --- lease term ------------------------------------------------------------------------------
_COUNT_WORDS = {
    "one": 1, "a": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "eighteen": 18, "twenty-four": 24,
}  # fmt: skip
_COUNT = r"(\d{1,2}|" + "|".join(sorted(_COUNT_WORDS, key=len, reverse=True)) + r")"
_UNIT = r"(months?|mos?\.?|mths?|years?|yrs?)"
_LEASE_AFTER = re.compile(
    r"(?<![\d\-/])(?:(\d{1,2})\s*(?:-|–|to|or|/)\s*)?\b" + _COUNT + r"[\s-]*" + _UNIT
    + r"(?:[\s-]*long)?\s+(?:lease|term)\b",
    re.I,
)  # fmt: skip
_LEASE_BEFORE = re.compile(
    r"\blease(?:\s+(?:term|length))?\s*(?:of|for|is|:|-|~)?\s*" + _COUNT + r"\s*" + _UNIT
    + r"(?:\s*(?:-|–|to|or|/)\s*\d)?",
    re.I,
)  # fmt: skip
_YEAR_LEASE = re.compile(r"\b(?:a\s+)?year[\s-]*(?:long\s+)?lease\b", re.I)
# "12 mo" alone: months that, after any other cue is taken, can only be the lease ("in 2 months",
# "3 months ago", "1 month free" are not), and never Monday.
_MONTHS_ALONE = re.compile(
    r"(?<![\w$/.,\-])(\d{1,2})\s*(months?|mos?|mths?)\b\.?"
    r"(?!\s*(?:ago|from\s+now|later|out|away|old|free|off|rent|deposit|notice|/))",
    re.I,
)
_TIME_BEFORE = re.compile(
    r"(?i)\b(?:in|within|after|next|past|last|for|for\s+the\s+(?:next|past|last)|every|about"
    r"|around|over|first|than|only|since|been)\s*$"
)
_LABELLED_LEASE = re.compile(r"\s*" + _COUNT + r"\s*" + _UNIT + r"?\s*$", re.I)


def take_lease(message: Message) -> None:
    for label in message.labelled("lease"):
        m = _LABELLED_LEASE.match(message.search, label.value_start, label.end)
        if m and (months := _months(m.group(1), m.group(2) or "months")):
            message.set("lease_term", months)
            message.take(label.start, label.end)
            return
    lower = message.search.lower()
    alone = _months_alone(message) if "mo" in lower or "mth" in lower else []
    if "lease" not in lower and "term" not in lower and not alone:
        return
    found: list[tuple[str, re.Match[str]]] = []
    for m in _LEASE_AFTER.finditer(message.search):
        months = None if m.group(1) else _months(m.group(2), m.group(3))
        found.append((months or "", m))
    for m in _LEASE_BEFORE.finditer(message.search):
        if m.group(0)[-1].isdigit():
            found.append(("", m))  # "lease of 6-12 months"
        else:
            found.append((_months(m.group(1), m.group(2)) or "", m))
    for m in _YEAR_LEASE.finditer(message.search):
        found.append(("12", m))
    for m in alone:  # unless read already with its "lease" cue
        if not any(other.start() <= m.start() < other.end() for _, other in found):
            found.append((_months(m.group(1), m.group(2)) or "", m))
    _take_one(message, "lease_term", found)


def _months_alone(message: Message) -> list[re.Match[str]]:
    """ "12 mo" with no other cue; "in 2 months" is hidden, a time but not the tour's."""
    found: list[re.Match[str]] = []
    for m in _MONTHS_ALONE.finditer(message.search):
        if _TIME_BEFORE.search(message.search, max(0, m.start() - 25), m.start()):
            message.hide(*m.span())
        else:
            found.append(m)
    return found


def _months(count: str, unit: str) -> str | None:
    n = _COUNT_WORDS.get(count.lower()) or (int(count) if count.isdigit() else 0)
    months = n * 12 if unit.lower().startswith("y") else n
    return str(months) if 1 <= months <= 60 else None


def _take_one(message: Message, key: str, found: list[tuple[str, re.Match[str]]]) -> None:
    """Take the value when every mention agrees; any doubt leaves them all in the notes."""
    values = {value for value, _ in found}
    if len(values) == 1 and "" not in values:
        message.set(key, values.pop())
        for _, m in found:
            message.take(*m.span())
    else:
        for _, m in found:
            message.hide(*m.span())


# --- budget ------------------------------------------------------------------------------------
def _money(name: str) -> str:
    return (
        rf"(?P<{name}_dollar>\$\s?)?(?P<{name}>\d{{1,3}}(?:,\d{{3}})+(?:\.\d{{1,2}})?"
        rf"|\d+(?:\.\d{{1,2}})?)(?:\s?(?P<{name}_k>k)\b)?"
    )


_PER_MONTH = r"(?:\s*(?:/\s*mo(?:nth)?\b|per\s+month\b|a\s+month\b|monthly\b|/\s*month\b))?"
_BUDGET_WORD = r"(?:budget|rent|price|pay|afford|spend)"
_RANGE = re.compile(
    rf"(?<![\d,.])(?:\b(?:between|from)\s+)?{_money('low')}\s*(?:-|–|—|to|and|~)\s*{_money('high')}"
    + _PER_MONTH,
    re.I,
)
_MAX = re.compile(
    r"\b(?:under|below|up\s*to|upto|max(?:imum)?|at\s+most|no\s+more\s+than|not\s+more\s+than"
    r"|less\s+than|not\s+over|capped\s+at|tops?|ceiling\s+(?:of|is))\b"
    rf"(?:\s*(?:of|is|at|:))?(?:\s*{_BUDGET_WORD}\b)?(?:\s*(?:of|is|:))?\s*{_money('high')}"
    + _PER_MONTH,
    re.I,
)
_MIN = re.compile(
    r"\b(?:over|above|at\s+least|min(?:imum)?|more\s+than|starting\s+(?:at|from)|from)\b"
    rf"(?:\s*(?:of|is|at|:))?\s*{_money('low')}" + _PER_MONTH,
    re.I,
)
_ONE = re.compile(
    rf"\b{_BUDGET_WORD}\b(?:\s*(?:is|of|around|about|approx\.?|approximately|roughly|near|~|:|-"
    rf"|at|max|range|to|can|could|would|go|up|budget)\b\.?|\s*[:~\-])*\s*{_money('high')}"
    + _PER_MONTH,
    re.I,
)
_ONE_AFTER = re.compile(
    rf"(?<![\d,.]){_money('high')}\s*(?:/\s*mo(?:nth)?\b|per\s+month\b|a\s+month\b|monthly\b"
    r"|/\s*month\b|budget\b|rent\b|max\b)",
    re.I,
)
_AMOUNT_ONLY = re.compile(r"\s*" + _money("high") + _PER_MONTH + r"\s*$", re.I)  # "Rent: 2400"
_CUE_BEFORE = re.compile(rf"\b{_BUDGET_WORD}\w*\b[^,;\n.!?]{{0,20}}$", re.I)
_CUE_AFTER = re.compile(r"^\s*(?:/\s*mo|per\s+month|a\s+month|monthly|budget|rent)\b", re.I)
# Amounts left over ("$50 fee", "2,200") are no time either.
_MONEY_LEFT = re.compile(
    r"(?:\$\s?\d[\d,]*(?:\.\d+)?(?:\s?k\b)?|\b\d{1,3}(?:,\d{3})+\b)" + _PER_MONTH
    + r"|\b\d+(?:\.\d+)?\s?k?\s*/\s*mo(?:nth)?\b",  # "/mo" after an amount is no Monday
    re.I,
)  # fmt: skip
_RENT_RANGE = (Decimal(300), Decimal(50_000))
# Money that is not what the prospect means to pay: "makes $6,000/mo", "current rent $1,650".
_SUM = (
    r"(?:\$\s?\d[\d,]*(?:\.\d+)?(?:\s?k\b)?|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?\s?k\b"
    r"|\d{3,}(?![\d:]|/\d|\s*[ap]\.?m\b))"
)  # money, not "12/15" or "3pm"
_NOT_BUDGET = re.compile(
    r"(?i)\b(?:income|incomes|makes?|making|made|earns?|earning|earnings|salary|salaries|wages?"
    r"|paycheck|gross|net|current(?:ly)?|now\s+pay(?:s|ing)?|pay(?:s|ing)?\s+now|deposit"
    r"|deposits|fees?)\b(?:(?!budget|max|under|afford|spend|price|up\s+to)[^,;\n.!?$\d]){0,20}"
    rf"{_SUM}(?:\s*(?:-|–|to)\s*{_SUM})?" + _PER_MONTH
)


def take_budget(message: Message) -> None:
    for m in _NOT_BUDGET.finditer(message.search):
        message.hide(*m.span())  # the notes keep it
    for label in message.labelled("budget"):
        if _take_budget_in(message, label.value_start, label.end, labelled=True):
            message.take(label.start, label.end)
            return
    _take_budget_in(message, 0, len(message.text), labelled=False)
    for m in _MONEY_LEFT.finditer(message.search):
        message.hide(*m.span())  # "$50 fee" is no time


def _take_budget_in(message: Message, start: int, end: int, *, labelled: bool) -> bool:
    text = message.search
    for m in _RANGE.finditer(text, start, end):
        low, high = _amount(m, "low", "high"), _amount(m, "high", None)
        if low is None or high is None:
            continue
        money_cue = bool(m["low_dollar"] or m["high_dollar"] or m["low_k"] or m["high_k"])
        cue = labelled or money_cue or _has_cue(text, m.start(), m.end())
        # Without a cue, "1800 to 2200" counts, but "555-2017" (a phone) or "2026-2027" do not.
        # With one, "$3,000-2,200" is taken as written: the form says what is wrong with it.
        bare = (
            min(len(m["low"]), len(m["high"])) >= 3
            and not re.fullmatch(r"\d{3}-\d{4}", m.group(0).strip())
            and high - low > 1
        )
        if cue or bare:
            message.set("rent_min", _dollars(low))
            message.set("rent_max", _dollars(high))
            message.take(*_with_cue(text, m.start(), m.end()))
            return True
    for pattern, key, group in ((_MAX, "rent_max", "high"), (_MIN, "rent_min", "low")):
        for m in pattern.finditer(text, start, end):
            amount = _amount(m, group, None)
            has_money = bool(m[group + "_dollar"] or m[group + "_k"]) or labelled
            if pattern is _MIN and not (has_money or _has_cue(text, m.start(), m.end())):
                continue
            if amount is not None and (has_money or amount >= _RENT_RANGE[0]):
                message.set(key, _dollars(amount))
                message.take(*_with_cue(text, m.start(), m.end()))
                return True
    for pattern in (_ONE, _ONE_AFTER, _AMOUNT_ONLY) if labelled else (_ONE, _ONE_AFTER):
        for m in pattern.finditer(text, start, end):
            amount = _amount(m, "high", None)
            if amount is not None:
                message.set("rent_max", _dollars(amount))
                message.take(*_with_cue(text, m.start(), m.end()))
                return True
    return False


def _amount(m: re.Match[str], name: str, other: str | None) -> Decimal | None:
    try:
        amount = Decimal(m[name].replace(",", ""))
    except InvalidOperation:
        return None
    # "2-3k": the k of the second amount counts for the first.
    thousands = m[name + "_k"] or (other and m[other + "_k"] and amount < 100)
    amount *= 1000 if thousands else 1
    return amount if _RENT_RANGE[0] <= amount <= _RENT_RANGE[1] else None


def _dollars(amount: Decimal) -> str:
    return f"{amount:.0f}" if amount == amount.to_integral_value() else f"{amount:.2f}"


def _has_cue(text: str, start: int, end: int) -> bool:
    return bool(_CUE_BEFORE.search(text, max(0, start - 40), start)) or bool(
        _CUE_AFTER.match(text, end)
    )


def _with_cue(text: str, start: int, end: int) -> tuple[int, int]:
    """The span widened over "budget" before it or "rent" after it, so they leave with it."""
    before = re.search(
        rf"(?i)\b(?:(?:monthly|max(?:imum)?|target|rent)\s+)?{_BUDGET_WORD}\w*"
        r"(?:\s+(?:is|of|around|about|range|between|from|max|up\s+to))*[\s:~\-]*$",
        text[max(0, start - 40) : start],
    )
    if before:
        start -= len(before.group(0))
    after = re.match(r"(?i)\s*(?:budget|rent|range|max|per\s+month|monthly)\b", text[end:])
    if after:
        end += after.end()
    return start, end


# --- bedrooms ----------------------------------------------------------------------------------
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_N = r"(?:\d|one|two|three|four|five|six)"
_BEDROOMS = re.compile(
    rf"(?<![\w$#./\-])(?:(?P<alt>{_N}|studio)\s*(?:-|–|to|or|/|&|and)\s*)?"
    rf"(?:(?P<studio>studios?)\b|(?P<n>{_N})\s*(?P<plus>\+)?(?P<ormore>\s+or\s+more)?\s*-?\s*"
    r"(?:(?:br|bd|bdr|bdrm|bdrms|brs|bds|beds?|bedrooms?|b/r|bedroom\s+apartment)\b"
    r"(?P<more>\s*\+|\s+or\s+(?:more|bigger|larger))?|x\s*\d\b))",
    re.I,
)
_BATHS = re.compile(r"(?i)x\s*\d$")  # "2x2": two bedrooms, two baths
# "wants 2/2", "2/2 unit": bedrooms and baths, not a date. After "wants" only when nothing
# follows that a date would have ("wants 2/2 at 3pm" may be a tour on Feb 2).
_BEDS_SLASH_BATHS = re.compile(
    r"(?i)\b(?:wants?|needs?|looking\s+for|prefers?|interested\s+in|seeking)\s+(?:an?\s+|the\s+)?"
    r"(?P<n>[1-4])\s*/\s*[1-4](?:\.5)?(?![\d/])"
    r"(?=\s*(?:[,;.!)\n]|$|(?:unit|apt|apartment|home|floor\s*plan|floorplan|layout)\b))"
    r"|(?<![\w/])(?P<n2>[1-4])\s*/\s*[1-4](?:\.5)?(?![\d/])"
    r"(?=\s*(?:unit|apt|apartment|floor\s*plan|floorplan|layout)\b)"
)
_LABELLED_BEDROOMS = re.compile(rf"\s*(?P<n>{_N})\s*(?P<plus>\+)?\s*$", re.I)


def take_bedrooms(message: Message) -> None:
    for label in message.labelled("bedrooms"):
        ms = list(_BEDROOMS.finditer(message.search, label.value_start, label.end))
        bare = _LABELLED_BEDROOMS.match(message.search, label.value_start, label.end)
        found = [(_bedrooms(m), m) for m in ms] or ([(_bedrooms(bare), bare)] if bare else [])
        if found:
            _take_one(message, "bedrooms", found)
            if "bedrooms" in message.values:
                message.take(label.start, label.end)
            return
    found = [(_bedrooms(m), m) for m in _BEDROOMS.finditer(message.search)]
    found += [(m["n"] or m["n2"], m) for m in _BEDS_SLASH_BATHS.finditer(message.search)]
    if any(_BATHS.search(m.group(0)) or "/" in m.group(0) for _, m in found):
        # "2x2" or "wants 2/2" says the baths too: the notes keep it.
        values = {value for value, _ in found}
        if len(values) == 1 and "" not in values:
            message.set("bedrooms", values.pop())
        for _, m in found:
            message.hide(*m.span())
        return
    _take_one(message, "bedrooms", found)


def _bedrooms(m: re.Match[str]) -> str:
    """ "studio", "1" to "4", "4+", or "" when the form cannot say it ("2-3", "3+")."""
    groups = m.groupdict()
    if groups.get("alt"):
        return ""
    if groups.get("studio"):
        return "studio"
    word = m["n"].lower()
    n = _NUMBER_WORDS.get(word) or int(word)
    more = bool(groups.get("plus") or groups.get("ormore") or groups.get("more"))
    if n >= 5 or (n == 4 and more):
        return "4+"
    if more or n == 0:
        return ""
    return str(n)


# --- tour type ---------------------------------------------------------------------------------
_TOUR_TYPES = (
    (
        "self-guided",
        re.compile(r"\bself[\s-]*(?:guided|guide|tour(?:s|ing)?|show(?:ing)?)\b", re.I),
    ),
    (
        "virtual",
        re.compile(
            r"\b(?:virtual(?:ly)?|video(?:\s*(?:call|chat))?|face\s*time|zoom|live\s*stream"
            r"|over\s+video)\b(?:\s+(?:tour|showing))?",
            re.I,
        ),
    ),
    (
        "in person",
        re.compile(
            r"\b(?:in[\s-]*person|agent[\s-]+led|guided|with\s+(?:an?\s+)?(?:agent|leasing\s+"
            r"(?:agent|consultant)|someone)|led\s+by\s+(?:an?\s+)?agent)\b(?:\s+(?:tour|showing))?",
            re.I,
        ),
    ),
)
_NOT = re.compile(r"(?i)\b(?:not|no|don'?t|doesn'?t|instead\s+of|rather\s+than)\s+(?:a\s+|an\s+)?$")


def take_tour_type(message: Message) -> None:
    for label in message.labelled("tour_type"):
        _take_one(message, "tour_type", _tour_types(message.search, label.value_start, label.end))
        if "tour_type" in message.values:
            message.take(label.start, label.end)
            return
    _take_one(message, "tour_type", _tour_types(message.search, 0, len(message.search)))


def _tour_types(text: str, start: int, end: int) -> list[tuple[str, re.Match[str]]]:
    found: list[tuple[str, re.Match[str]]] = []
    for tour_type, pattern in _TOUR_TYPES:
        for m in pattern.finditer(text, start, end):
            # Blanked once read, so "guided" in "self-guided" is not read again as in person.
            text = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]
            if not _NOT.search(text, max(0, m.start() - 20), m.start()):
                found.append((tour_type, m))  # "not virtual" stays in the notes, as written
    return found
