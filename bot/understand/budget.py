"""The prospect's budget, as a range or a maximum; never a listing's price, income or deposit.

A range ("$1.8k-$2.1k", "2-2.5k", "Price Range: $2,600 - $3,100") gives both ends, one figure
("<2.4k", "max 2650", "budget 3k", "the most we can spend is $2,900", "around twenty-two
hundred", "Mi presupuesto es de $1,900") the maximum.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import islice

from bot.understand.message import Message
from bot.understand.scan import Anchored, lowered
from bot.understand.wish_fields import (
    DIGITS,
    Cued,
    alone,
    bounded,
    labelled,
    newest,
    older_labels,
    standing_alone,
)

_DIGIT_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "a": 1,
}  # fmt: skip
_ONES = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_TENS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
_TEENS = r"(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
# "twenty-six hundred", "eighteen hundred", "two thousand (five hundred)", "three grand".
_SPOKEN = (
    rf"(?:(?:{_TEENS}|{_TENS}(?:[\s-]{_ONES})?)[\s-]hundred"
    rf"|(?:a|{_ONES})[\s-](?:thousand|grand)(?:(?:\s+and)?[\s-]{_ONES}[\s-]hundred)?)"
    rf"(?:(?:\s+and)?[\s-](?:fifty|twenty[\s-]five|seventy[\s-]five))?(?:\s+dollars)?"
)


# An amount as written, "1,800", "1800", "2.5": bounded, so a run of digits is read once, and
# starting with its digit (the "not after a digit" comes after it), so a search skips to digits.
_NUMBER = r"\d(?<![\d,.]\d)(?:\d{0,2}(?:,\d{3}){1,2}|\d{0,5})(?![\d,]\d|\d)(?:\.\d{1,2})?"
_DOLLARS = r"\$\s?" + _NUMBER  # "$1,800"
_PER_MONTH = (
    r"(?:\s*(?:/\s*mo(?:nth)?\b|per\s+month\b|a\s+month\b|monthly\b|/\s*month\b|al\s+mes\b"
    r"|mensuales\b))?"
)
_BUDGET_WORD = r"(?:budget|rent|price|pay|afford|spend|presupuesto)"
_NOT_AREA = r"(?!\s*(?:sq|square|ft|feet|miles?|km|people|sf)\b)"


_SPOKEN_WORDS = ("hundred", "thousand", "grand")
# The words each way of saying a budget has, so a text without them is not searched for it.
_MAX_WORDS = (
    "<", "≤", "under", "below", "up", "max", "most", "more", "higher", "less", "over", "cap",
    "top", "ceiling", "limit", "hasta", "máx", "menos", "above", "past", "beyond", "go", "stretch",
    "push",
)  # fmt: skip
_BUDGET_WORDS = ("budget", "rent", "price", "pay", "afford", "spend", "presupuesto")
_AFTER_WORDS = (
    "/", "per", "month", "budget", "rent", "max", "less", "under", "below", "tops", "most",
)  # fmt: skip
_ABOUT_WORDS = ("around", "about", "approx", "roughly", "like", "~")
# What each way's matches begin with (`Cued.starts`): they are tried only there.
_MAX_STARTS = (
    "<", "≤", "under", "below", "up", "ma", "má", "at", "no", "less", "cap", "top", "ceiling",
    "limit", "hasta", "menos", "go", "stretch", "push", "the", "most", "never", "cannot", "n'",
    "n’",
)  # fmt: skip


@dataclass(frozen=True)
class _Ways:
    """The ways a budget is said, each looked for only in a text that has its words. Amounts in
    words ("eighteen hundred") are read as figures first (`_in_figures`)."""

    range: Cued  # "$1,800-2,200"
    max: Cued  # "under 2k", "<2.4k"
    min: Cued  # "at least $1,500"
    one: Cued  # "budget 3k"
    one_after: Cued  # "2500 max", "$2,100/month"
    about: Cued  # "around $2,400"
    amount_only: Cued  # a labelled value: "Rent: 2400"

    @classmethod
    def said(cls) -> _Ways:
        def money(name: str) -> str:
            return (
                rf"(?P<{name}_dollar>\$\s?)?(?P<{name}>{_NUMBER})"
                rf"(?:\s?(?P<{name}_k>k|grand)\b)?(?:\s?-?ish\b)?"
            )

        amounts = DIGITS
        return cls(
            range=Cued(amounts, re.compile(
                rf"{money('low')}\s*(?:-|–|—|\bto\b|\band\b|~|\by\b|\ba\b)\s*{money('high')}"
                + _PER_MONTH,
                re.I,
            )),
            max=Cued(_MAX_WORDS, re.compile(
                r"(?:<=?|≤|\b(?:under|below|up\s*to|upto|max(?:imum)?|at\s+most|no\s+more\s+than"
                r"|not\s+more\s+than|no\s+higher\s+than|less\s+than|not\s+over|capped\s+at"
                r"|top(?:s|ped)?\s+out(?:\s+at)?|caps?\s+(?:out\s+)?at"  # "tops out at 2400"
                r"|max(?:imum)?\s+(?:i|we|he|she|they)\s+(?:can|could|would|will)\s+"
                r"(?:do|spend|pay|afford|go)(?:\s+is)?"
                r"|cap\s+(?:of|is)|tops?|ceiling\s+(?:of|is)|limit\s+(?:of|is)|hasta"
                r"|m[aá]ximo(?:\s+de)?|menos\s+de"
                r"|(?:go|stretch|push)\s+(?:to|as\s+high\s+as)"  # "can go to 2200"
                r"|(?:the\s+)?most\s+(?:i|we|he|she|they)\s+(?:can|could|would|will|want\s+to)\s+"
                r"(?:do|spend|pay|afford|go)(?:\s+is)?)\b"
                # "don't want to go over", "can't spend more than"
                r"|(?:\bnot|\bnever|\bcannot|n['’]t)\s+(?:\w+\s+){0,3}?"
                r"(?:go|going|spend|spending|pay|paying|be)\s+"
                r"(?:over|above|past|beyond|more\s+than|higher\s+than)\b)"
                rf"(?:\s*(?:of|is|at|:))?(?:\s*{_BUDGET_WORD}\b)?(?:\s*(?:of|is|:))?\s*"
                + money("high") + _PER_MONTH,
                re.I,
            ), _MAX_STARTS),
            min=Cued(("over", "above", "least", "min", "more", "from"), re.compile(
                r"\b(?:over|above|at\s+least|min(?:imum)?|more\s+than"
                r"|(?<!starting\s)(?<!starts\s)from)\b"
                rf"(?:\s*(?:of|is|at|:))?\s*{money('low')}" + _PER_MONTH,
                re.I,
            ), ("over", "above", "at", "min", "more", "from")),
            one=Cued(_BUDGET_WORDS, re.compile(
                rf"\b{_BUDGET_WORD}\b(?:['’]s)?(?:\s*(?:is|of|around|about|approx\.?|approximately"
                r"|roughly|near|~|:|-|at|max|range|to|can|could|would|go|up|budget|es|de|now|actually"
                r"|really|only|just|still|probably|more\s+like"
                r"|m[aá]ximo)\b\.?|\s*[:~\-])*\s*" + money("high") + _PER_MONTH,
                re.I,
            ), _BUDGET_WORDS),
            one_after=Cued(_AFTER_WORDS, re.compile(
                money("high") + r"\s*(?:/\s*mo(?:nth)?\b|per\s+month\b|a\s+month\b|monthly\b"
                r"|/\s*month\b|budget\b|rent\b|max\b|(?:is\s+)?(?:my|our|the|his|her|their)\s+max\b"
                r"|or\s+(?:less|under|below)\b|tops\b|at\s+most\b)",
                re.I,
            )),
            # "around $2,400", "something around nineteen hundred": about an amount of money.
            about=Cued(_ABOUT_WORDS, re.compile(
                r"(?:\b(?:around|about|approx\.?|approximately|roughly|something\s+like)\s+"
                rf"|~\s?){money('high')}" + _PER_MONTH + _NOT_AREA,
                re.I,
            ), (*_ABOUT_WORDS[:4], "something", "~")),
            amount_only=Cued(amounts, re.compile(
                # "Budget: $1900 (flexible)": one figure, and no other after it
                r"\s*(?:~\s?)?" + money("high") + _PER_MONTH + r"(?![^\d\n]{0,80}\d)", re.I
            )),
        )  # fmt: skip


_WAYS = _Ways.said()
_SPOKEN_AMOUNT = re.compile(rf"(?i)\b{_SPOKEN}\b")
# A lone money figure as a field of an agent's shorthand: "| $2,200ish |", "- 2.4k -".
_ALONE = standing_alone(
    rf"(?:~\s?)?(?:{_DOLLARS}(?:\s?k)?|{_NUMBER}\s?k)(?:\s?-?ish)?"
    r"(?:\s*(?:/\s*mo(?:nth)?|per\s+month|a\s+month))?",
    ("$", "k"),
)
_CUE_BEFORE = re.compile(rf"\b{_BUDGET_WORD}\w*\b[^,;\n.!?]{{0,20}}$", re.I)
_CUE_AFTER = re.compile(r"^\s*(?:/\s*mo|per\s+month|a\s+month|monthly|budget|rent)\b", re.I)
# Amounts left over ("$50 fee", "2,200") are no time either.
_MONEY_LEFT = re.compile(
    rf"(?:{_DOLLARS}(?:\s?k\b)?|\d(?<![\d,.]\d)\d{{0,2}}(?:,\d{{3}}){{1,2}}(?![\d,]\d|\d))"
    + _PER_MONTH
    + rf"|{_NUMBER}\s?k?\s*/\s*mo(?:nth)?\b",  # "/mo" after an amount is no Monday
    re.I,
)  # fmt: skip
_RENT_RANGE = (Decimal(300), Decimal(50_000))
# Money that is not what the prospect means to pay: "makes $6,000/mo", "current rent $1,650".
_SUM = (
    rf"(?:{_DOLLARS}(?:\s?k\b)?|\d(?<![\d,.]\d)\d{{0,2}}(?:,\d{{3}}){{1,2}}(?![\d,]\d|\d)"
    rf"(?:\.\d{{1,2}})?|{_NUMBER}\s?k\b"
    r"|\d(?<![\d,.]\d)\d{2,5}(?![\d:]|/\d|\s*[ap]\.?m\b))"
)  # money, not "12/15" or "3pm"
_NOT_BUDGET = re.compile(
    r"(?i)\b(?:income|incomes|makes?|making|made|earns?|earning|earnings|salary|salaries|wages?"
    r"|paycheck|gross|net|current(?:ly)?|now\s+pay(?:s|ing)?|pay(?:s|ing)?\s+now|deposit"
    r"|deposits|fees?)\b(?:(?!budget|max|under|afford|spend|price|up\s+to)[^,;\n.!?$\d]){0,20}"
    rf"{_SUM}(?:\s*(?:-|–|to)\s*{_SUM})?" + _PER_MONTH
)  # fmt: skip
_NOT_BUDGET_ANCHORED = Anchored(
    _NOT_BUDGET,
    ("income", "make", "making", "made", "earn", "salar", "wage", "paycheck", "gross", "net",
     "current", "now", "pay", "deposit", "fee"),
)  # fmt: skip
# Said after the amount: "I pay $1,900 now", "$500 deposit", "$85,000 a year". Looked for only
# where those words are.
_NOT_BUDGET_AFTER = (
    (("pay",), re.compile(
        rf"(?i)\b(?:i|we|he|she|they)\s+(?:pay|paid)\s+{_SUM}" + _PER_MONTH
        + r"(?=\s+(?:now|currently|right\s+now|at\s+the\s+moment|today|where)\b)"
    )),
    (("deposit", "fee"), re.compile(
        rf"(?i){_SUM}\s*(?:(?:security|application|app|pet|holding|admin)\s+)?(?:deposit|fee)s?\b"
    )),
    (("year", "yr"), re.compile(rf"(?i){_SUM}\s*(?:a|per|/)\s*(?:year|yr)\b")),
)  # fmt: skip
# A listing's line: its size and baths, and its asking rent ("2 bd · 2 ba · $2,475/mo").
_LISTING_SIZE = re.compile(r"(?i)(?<![\w$#])(?:\d(?:\.5)?\s?(?:bd|br|beds?|bedrooms?)\b|studio\b)")
_LISTING_SHAPE = re.compile(
    r"(?i)(?<![\w$#])\d(?:\.5)?\s?(?:ba|baths?|bathrooms?)\b|·|\bsq\.?\s?ft\b|\bsqft\b"
    r"|\b(?:unit|apt)\s?#?\w+\s?·|#\d+\s?·|^[^\"\n]*\"[^\"\n]*\$[^\"\n]*\"[^\"\n]*$"
    r"|^[ \t>]*(?:re|fwd?|fw)\s?:"  # a listing's title in a reply: "Re: 1BR at Maple - $1,950"
)
_LISTING_CUE = re.compile(
    r"(?i)\b(?:budget|max(?:imum)?|under|below|up\s+to|afford|spend|range|between|around"
    r"|looking|want|need|presupuesto)\b|<|~|ish\b"
)
_PRICE = re.compile(
    rf"(?<![:=]\s)(?<![:=]){_DOLLARS}(?:\s?k\b)?(?!\s?(?:-|–|to\b)\s?\$?\d)" + _PER_MONTH,
    re.I,
)  # "$2,475/mo", not a labelled "Price: $2k-2.5k"


@bounded
def take_budget(message: Message) -> None:
    lower = lowered(message.search)
    if not any(digit in message.search for digit in DIGITS) and not any(
        word in lower for word in _SPOKEN_WORDS
    ):
        return  # no amount at all
    _hide_other_money(message)
    _hide_listing_prices(message)
    unread: list[tuple[int, int]] = []
    text = _in_figures(message.search) if any(w in lower for w in _SPOKEN_WORDS) else None
    fields = labelled(message, "budget")
    newer = older_labels(message, fields)
    if newer is not None and _take(message, _mentions(message, text, 0, newer, labelled=False)):
        fields = []  # the newer words win over a form quoted under them
    for field in fields:
        said = _mentions(message, text, field.value_start, field.end, labelled=True)
        if _take(message, said):
            message.take(field.start, field.value_start)
            break
        unread.append((field.start, field.end))  # "Budget: flexible" stays in the notes
    else:
        if "rent_min" not in message.values and "rent_max" not in message.values:
            _take(message, _mentions(message, text, 0, len(message.text), labelled=False))
    message.hide_all(unread)
    message.hide_all(m.span() for m in _MONEY_LEFT.finditer(message.search))  # no time


def _hide_other_money(message: Message) -> None:
    """Income, current rent, deposits: money that is not the budget, kept for the notes."""
    lower = lowered(message.search)
    spans = [m.span() for m in _NOT_BUDGET_ANCHORED.finditer(message.search, lower)]
    for words, pattern in _NOT_BUDGET_AFTER:
        if any(word in lower for word in words):
            spans += [m.span() for m in pattern.finditer(message.search)]
    message.hide_all(spans)


Mention = tuple[Decimal | None, Decimal | None, tuple[int, int]]
"""A budget said once: its low and high end (either may be missing), and where."""


def _take(message: Message, said: list[Mention]) -> bool:
    """Take the budget when every mention agrees ("$2,000-2,400 ... max 2,400" does); any doubt
    leaves them all in the notes. The newer message of a thread wins over a quoted one."""
    if not said:
        return False
    by_value = [(f"{low}-{high}", span) for low, high, span in said]
    newer = {span for _, span in newest(message.text, by_value)}
    said = [mention for mention in said if mention[2] in newer]
    lows = {low for low, _, _ in said if low is not None}
    highs = {high for _, high, _ in said if high is not None}
    if len(lows) > 1 or len(highs) > 1:
        message.hide_all((span for _, _, span in said))
        return False
    start, end = said[0][2]
    source = message.text[start:end]
    if lows:
        message.set("rent_min", _dollars(lows.pop()), source=source)
    if highs:
        message.set("rent_max", _dollars(highs.pop()), source=source)
    message.take_all((_with_cue(message.search, *span) for _, _, span in said))
    return True


def _hide_listing_prices(message: Message) -> None:
    """A listing's asking rent in a lead's listing line is not the renter's budget."""
    text = message.text
    if "$" not in text:
        return
    listed: list[tuple[int, int]] = []
    start = 0
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        prices = (
            list(islice(_PRICE.finditer(text, start, end), 2)) if "$" in text[start:end] else []
        )
        if (
            len(prices) == 1
            and _LISTING_SIZE.search(text, start, end)
            and _LISTING_SHAPE.search(text[start:end])
            and not _LISTING_CUE.search(text, start, end)
        ):
            listed.append(prices[0].span())
        start = end + 1
    message.hide_all(listed)


@dataclass(frozen=True)
class _Figures:
    """A text with each amount in words written in figures, in the same number of characters
    ("budget about twenty-six hundred" reads "budget about $2,600       "), so every way of
    saying a budget is looked for in figures only, and every place stays where it was."""

    text: str
    spoken: dict[int, int]  # where each amount in words ends, by where its figures end

    def whole(self, span: tuple[int, int]) -> tuple[int, int]:
        """The span with the rest of the words its figures stand for: "$2,600" is the whole
        "twenty-six hundred"."""
        return span[0], self.spoken.get(span[1], span[1])


def _in_figures(text: str) -> _Figures:
    spoken: dict[int, int] = {}

    def figures(m: re.Match[str]) -> str:
        amount = _spoken(m.group(0))
        written = f"${amount:,.0f}" if amount is not None else ""
        if not written or len(written) > len(m.group(0)):
            return m.group(0)
        spoken[m.start() + len(written)] = m.end()
        return written.ljust(len(m.group(0)))

    return _Figures(_SPOKEN_AMOUNT.sub(figures, text), spoken)


def _mentions(
    message: Message, figures: _Figures | None, start: int, end: int, *, labelled: bool
) -> list[Mention]:
    """Every budget said between `start` and `end`, each piece of text read once, by the first
    way of saying it that fits: a range, then "max"/"min", then one figure with its cue.
    `figures` is the text with amounts in words written in figures, if it has any."""
    text = figures.text if figures else message.search
    lower = lowered(text)
    ways = _WAYS
    read = bytearray(len(message.text) + 1)
    said: list[Mention] = []

    def add(low: Decimal | None, high: Decimal | None, span: tuple[int, int]) -> None:
        span = figures.whole(span) if figures else span
        if not any(read[span[0] : span[1]]):
            read[span[0] : span[1]] = b"\x01" * (span[1] - span[0])
            said.append((low, high, span))

    for m in ways.range.finditer(text, lower, start, end):
        low, high = _amount(m, "low", "high"), _amount(m, "high", None)
        if low is None or high is None:
            continue
        money_cue = bool(m["low_dollar"] or m["high_dollar"] or m["low_k"] or m["high_k"])
        cue = labelled or money_cue or _has_cue(text, m.start(), m.end())
        # Without a cue, "1800 to 2200" counts, but "555-2017" (a phone) or "2026-2027" do not.
        # With one, "$3,000-2,200" is taken as written: the form says what is wrong with it.
        bare = (
            m["low"] is not None
            and m["high"] is not None
            and min(len(m["low"]), len(m["high"])) >= 3
            and not re.fullmatch(r"\d{3}-\d{4}", m.group(0).strip())
            and high - low > 1
        )
        if cue or bare:
            add(low, high, m.span())
    for m in ways.max.finditer(text, lower, start, end):
        amount = _amount(m, "high", None)
        if amount is not None and (labelled or _is_money(m, "high") or amount >= _RENT_RANGE[0]):
            add(None, amount, m.span())
    for m in ways.min.finditer(text, lower, start, end):
        amount = _amount(m, "low", None)
        money = labelled or _is_money(m, "low") or _has_cue(text, m.start(), m.end())
        if amount is not None and money:
            add(amount, None, m.span())
    last = ways.amount_only if labelled else ways.about
    for pattern in (ways.one, ways.one_after, last):
        for m in pattern.finditer(text, lower, start, end):
            amount = _amount(m, "high", None)
            if amount is not None and (pattern is not ways.about or _is_money(m, "high")):
                add(None, amount, m.span())
    if not labelled and not said:
        for m in alone(_ALONE, message):
            if (amount := _amount_text(m["piece"])) is not None:
                add(None, amount, m.span("piece"))
    return sorted(said, key=lambda mention: mention[2])


def _is_money(m: re.Match[str], name: str) -> bool:
    """Written as money: "$2,400", "2.4k", "2,400" (and "twenty-four hundred", in figures)."""
    return bool(m[name + "_dollar"] or m[name + "_k"] or "," in (m[name] or ""))


def _amount(m: re.Match[str], name: str, other: str | None) -> Decimal | None:
    try:
        amount = Decimal(m[name].replace(",", ""))
    except InvalidOperation:
        return None
    # "2-3k": the k of the second amount counts for the first.
    thousands = m[name + "_k"] or (other and m[other + "_k"] and amount < 100)
    amount *= 1000 if thousands else 1
    return amount if _RENT_RANGE[0] <= amount <= _RENT_RANGE[1] else None


_AMOUNT_TEXT = re.compile(
    r"(?i)~?\s?\$?\s?(?P<n>\d{1,3}(?:,?\d{3}){0,2}(?:\.\d{1,2})?)\s?(?P<k>k)?"
)


def _amount_text(text: str) -> Decimal | None:
    m = _AMOUNT_TEXT.match(text)
    if not m:
        return None
    try:
        amount = Decimal(m["n"].replace(",", "")) * (1000 if m["k"] else 1)
    except InvalidOperation:
        return None
    return amount if _RENT_RANGE[0] <= amount <= _RENT_RANGE[1] else None


def _spoken(words: str) -> Decimal | None:
    """ "twenty-six hundred" is 2600, "two thousand five hundred" 2500, "three grand" 3000."""
    total = current = 0
    for word in re.findall(r"[a-z]+", words.lower()):
        if word in ("hundred",):
            current *= 100
        elif word in ("thousand", "grand"):
            total += (current or 1) * 1000
            current = 0
        elif word in _DIGIT_WORDS:
            current += _DIGIT_WORDS[word]
    return Decimal(total + current) if total + current else None


def _dollars(amount: Decimal) -> str:
    return f"{amount:.0f}" if amount == amount.to_integral_value() else f"{amount:.2f}"


def _has_cue(text: str, start: int, end: int) -> bool:
    return bool(_CUE_BEFORE.search(text, max(0, start - 40), start)) or bool(
        _CUE_AFTER.match(text, end)
    )


_CUE_BEFORE_SPAN = re.compile(
    rf"(?i)(?:\b(?:(?:monthly|max(?:imum)?|target|rent|my|our|mi)\s+)?{_BUDGET_WORD}\w*"
    r"(?:['’]s)?(?:\s+(?:is|of|around|about|range|between|from|max|up\s+to|es|de))*"
    r"|\b(?:between|from|entre|de))[\s:~\-]*$"
)
_CUE_AFTER_SPAN = re.compile(r"(?i)\s*(?:budget|rent|range|max|per\s+month|monthly)\b")


def _with_cue(text: str, start: int, end: int) -> tuple[int, int]:
    """The span widened over "budget" or "between" before it and "rent" after it, so they
    leave with it."""
    if before := _CUE_BEFORE_SPAN.search(text[max(0, start - 40) : start]):
        start -= len(before.group(0))
    if after := _CUE_AFTER_SPAN.match(text, end):
        end = after.end()
    return start, end
