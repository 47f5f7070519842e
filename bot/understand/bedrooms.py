"""Bedrooms wanted: one size or several, in the order given, or the listing's size.

"2bd", "2b2b", "one-bed", "2 or 3 bedrooms", "studio or 1", "2+", "Beds: 1-2", "[x] 1 Bed
[x] 2 Bed", "1 recámara"; a lead about a listing takes its size ("2 bd · 2 ba · $2,475/mo",
"Subject: $1900 / 2br - ...").
"""

from __future__ import annotations

import re

from bot.booking.fields import bedroom_codes
from bot.understand.message import Message
from bot.understand.scan import lowered
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

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "una": 1, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4,
}  # fmt: skip
_N = r"(?:(?<!\d)\d(?![\d.]|[,/:]\d)|one|two|three|four|five|six|una|uno|dos|tres|cuatro)"
_UNIT_WORDS = (
    r"bedrooms?|beds?|bdrms?|bdrs?|bds?|brs?|b/r|bedroom\s+apartments?|rec[aá]maras?"
    r"|habitaci(?:[oó]n|ones)|dormitorios?|cuartos?"
)
_UNIT = rf"(?:{_UNIT_WORDS})(?:\b|(?=\d(?:\.5)?\s?(?:ba|bath)))"  # "3bd2ba"
_STUDIO_WORDS = r"studios?|efficienc(?:y|ies)|estudio|monoambiente"
_STUDIO = rf"(?:{_STUDIO_WORDS})\b"
_SIZE = rf"(?:{_N}(?:\s{{0,3}}\+)?(?:\s{{0,3}}-?\s{{0,3}}{_UNIT})?|{_STUDIO})"
_SIZE_WITH_UNIT = (
    rf"(?:{_N}(?:\s{{0,3}}\+|\s+or\s+more)?\s{{0,3}}-?\s{{0,3}}{_UNIT}"
    r"(?:\s{0,3}\+(?!\s{0,3}(?:den|office|study|loft|flex|bonus))|\s+or\s+(?:more|bigger|larger)"
    rf"|\s+(?:and|&)\s+up)?|{_STUDIO})"
)
_JOIN = r"\s{0,3}(?:-|–|/|&|,(?:\s{0,3}or\b)?|\b(?:to|or|and|y|o)\b)\s{0,3}(?:an?\s+|una?\s+)?"
# After a number alone only a tight join: "1 or 2 bd", "2-3 br", but not "at 1, studio".
_TIGHT_JOIN = r"\s{0,3}(?:-|–|&|\b(?:to|or|and|y|o)\b)\s{0,3}(?:an?\s+|una?\s+)?"
_LEADING_SIZE = (
    rf"(?:(?:{_N}(?:\s{{0,3}}\+)?\s{{0,3}}-?\s{{0,3}}{_UNIT}|{_STUDIO}){_JOIN}"
    rf"|{_N}(?:\s{{0,3}}\+)?{_TIGHT_JOIN})"
)
# "2bd", "1 bedroom or a studio", "2-3 br", "studio or 1bd": sizes, the last one with its unit.
_BEDROOMS_PATTERN = re.compile(
    rf"(?<![\w$#./\-])(?:{_LEADING_SIZE}){{1,4}}{_SIZE_WITH_UNIT}"
    rf"|(?<![\w$#./\-]){_SIZE_WITH_UNIT}",
    re.I,
)
# "2b2b", "2b/2b", "2x2": bedrooms and baths, so the notes keep it whole ("2bd/2ba" and "2 bed
# 2 bath" are read as "2bd" and "2 bed": the baths are left for the notes).
_WITH_BATHS_PATTERN = re.compile(
    r"(?<![\w$#./\-])(?P<n>[1-6])\s?b\s?[/,]?\s?\d(?:\.5)?\s?ba?\b"
    r"|(?<![\w$#./\-])(?P<x>[1-6])\s?x\s?[1-4](?:\.5)?\b",
    re.I,
)
# "wants 2/2", "2/2 unit": bedrooms and baths, not a date. After "wants" only when nothing
# follows that a date would have ("wants 2/2 at 3pm" may be a tour on Feb 2).
_BEDS_SLASH_BATHS_PATTERN = re.compile(
    r"(?i)\b(?:wants?|needs?|looking\s+for|prefers?|interested\s+in|seeking)\s+(?:an?\s+|the\s+)?"
    r"(?P<n>[1-4])\s*/\s*[1-4](?:\.5)?(?![\d/])"
    r"(?=\s*(?:[,;.!)\n]|$|(?:unit|apt|apartment|home|floor\s*plan|floorplan|layout)\b))"
    r"|(?<![\w/])(?P<n2>[1-4])\s*/\s*[1-4](?:\.5)?(?![\d/])"
    r"(?=\s*(?:unit|apt|apartment|floor\s*plan|floorplan|layout)\b)"
)
# Looked for only where their words are: a size has its unit, "2x2" its "x", "2/2" its slash.
_UNIT_CUES = (
    "bed", "bd", "br", "b/r", "rec", "habitaci", "dormitor", "cuarto", "studio", "efficienc",
    "estudio", "monoambiente",
)  # fmt: skip
# Where a size can start: a number, in figures or words, or a studio.
_SIZE_STARTS = (
    *DIGITS, "one", "two", "three", "four", "five", "six", "una", "uno", "dos", "tres", "cuatro",
    "studio", "efficienc", "estudio", "monoambiente",
)  # fmt: skip
_BEDROOMS = Cued(_UNIT_CUES, _BEDROOMS_PATTERN, _SIZE_STARTS)
_WITH_BATHS = Cued(("b", "x"), _WITH_BATHS_PATTERN, DIGITS)
_BEDS_SLASH_BATHS = Cued(
    ("/",),
    _BEDS_SLASH_BATHS_PATTERN,
    ("want", "need", "looking", "prefer", "interested", "seeking", *DIGITS),
)
# "1b" standing alone in an agent's shorthand ("kenji; 1b; 6 mo"); "Apt 1B" is a unit.
_ALONE = standing_alone(r"[1-4]\s?b", ("1b", "2b", "3b", "4b", "1 b", "2 b", "3 b", "4 b"))
# "1, 2 or 3 bedrooms" would be read from its "2": a number listed before a list of sizes makes
# the list a doubt ("tour at 1, studio or 1bd" and "at 5, 2 bedroom" are no lists of sizes).
_LISTED_BEFORE = re.compile(r"(?<![\d\-–:/.])\d\s{0,3},\s{0,3}$")  # not "fri 2-3, 2-3 beds"
_AT_LEAST = re.compile(r"(?i)\b(?:at\s+least|min(?:imum)?(?:\s+of)?)\s{1,3}$")
_BARE_FIRST = re.compile(rf"{_N}(?:\s{{0,3}}\+)?{_TIGHT_JOIN}", re.I)
# A number after these names a floor or a place, never a size ("#2 bed" is no size either).
_NOT_A_SIZE = re.compile(r"(?i)(?:\b(?:no|number|floor|fl|room|rm|lot|space)\.?|#)\s*$")
# Reading a mention: its sizes, spans between them, and "or more".
_PART = re.compile(
    # A span runs from one size to the next ("1-3", "studio to 2"), not "1-bed or 3-bed".
    rf"(?P<studio>{_STUDIO})|(?P<n>{_N})|(?P<span>(?:-|–|\bto\b)(?=\s{{0,3}}(?:{_N}|{_STUDIO})))"
    r"|(?P<more>\+|\bor\s+(?:more|bigger|larger)\b|\band\s+up\b)",
    re.I,
)
# In a labelled value ("Beds: [ ] Studio [x] 1 Bed"): unticked boxes and baths are no sizes.
_UNTICKED = re.compile(rf"(?i)\[\s?\]\s{{0,3}}(?:{_SIZE}|{_STUDIO})")
_BATHS = re.compile(r"(?i)(?<![\w.])\d(?:\.5)?\s{0,3}\+?\s{0,3}(?:ba|baths?|bathrooms?)\b")
# What may stand around bare numbers in a labelled value ("1-2", "2+", "Studio or 1").
_FILLER = re.compile(
    r"(?i)\b(?:or|and|to|an?|the|more|up|only|min(?:imum)?|at\s+least|plus|ideally|pref(?:erred)?"
    rf"|{_UNIT_WORDS}|{_STUDIO_WORDS})\b|[\s\d+\-–/,&()\[\]xX✓✔*.]"
)


@bounded
def take_bedrooms(message: Message) -> None:
    unread: list[tuple[int, int]] = []
    fields = labelled(message, "bedrooms")
    newer = older_labels(message, fields)
    if newer is not None and _take_said(message, *_said(message, 0, newer)):
        fields = []  # the newer words win over a form quoted under them
    for field in fields:
        if sizes := _labelled_sizes(message.search[field.value_start : field.end]):
            message.set("bedrooms", sizes, source=message.text[field.start : field.end])
            message.take(field.start, field.end)
            break
        unread.append((field.start, field.end))  # "Beds: 2 or 3ish" stays in the notes
    message.hide_all(unread)
    found, with_baths = _said(message, 0, len(message.text))
    if "bedrooms" in message.values:
        # The same size said again in the message goes with the label's.
        message.take_all((span for value, span in found if value == message.values["bedrooms"]))
        return
    if _take_said(message, found, with_baths):
        return
    for subject in message.labelled("subject"):  # the listing the lead is about
        found = [
            (_sizes(m.group(0)), m.span())
            for m in _mentions(
                _BEDROOMS, message.text, lowered(message.text), subject.value_start, subject.end
            )
        ]
        values = {value for value, _ in found}
        if len(values) == 1 and "" not in values:
            start, end = found[0][1]
            message.set("bedrooms", values.pop(), source=message.text[start:end])


Said = list[tuple[str, tuple[int, int]]]


def _said(message: Message, start: int, end: int) -> tuple[Said, Said]:
    """The sizes said between `start` and `end`, and those said with their baths ("2x2")."""
    text = message.search
    lower = lowered(text)
    found = [
        (_mention_sizes(text, m), m.span()) for m in _mentions(_BEDROOMS, text, lower, start, end)
    ]
    with_baths = [
        (_sizes(m["n"] or m["x"]), m.span())
        for m in _mentions(_WITH_BATHS, text, lower, start, end)
    ]
    with_baths += [
        (_sizes(m["n"] or m["n2"]), m.span())
        for m in _mentions(_BEDS_SLASH_BATHS, text, lower, start, end)
    ]
    found += [
        (_sizes(m["piece"][0]), m.span("piece"))
        for m in alone(_ALONE, message)
        if start <= m.start("piece") < end
    ]
    return found, with_baths


def _mention_sizes(text: str, m: re.Match[str]) -> str:
    if _listed_before(text, m.start()):
        return ""
    if _AT_LEAST.search(text, max(0, m.start() - 16), m.start()):
        return _sizes(m[0] + " or more")  # "at least 2 bedrooms": 2 or more
    return _sizes(m[0])


def _listed_before(text: str, start: int) -> bool:
    return bool(
        _LISTED_BEFORE.search(text, max(0, start - 8), start) and _BARE_FIRST.match(text, start)
    )


def _mentions(
    pattern: Cued, text: str, lower: str, start: int = 0, end: int | None = None
) -> list[re.Match[str]]:
    return [
        m
        for m in pattern.finditer(text, lower, start, end)
        if not _NOT_A_SIZE.search(text, max(0, m.start() - 12), m.start())
    ]


def _take_said(message: Message, found: Said, with_baths: Said) -> bool:
    """The size when every mention agrees; "2x2" says the baths too, so the notes keep it.
    True when a size was taken."""
    if not found and not with_baths:
        return False
    baths = {span for _, span in with_baths}
    covered = bytearray(len(message.text) + 1)
    for start, end in baths:
        covered[start:end] = b"\x01" * (end - start)
    # Every mention once: "2bd/2ba" is bedrooms with baths, not "2bd" alone.
    mentions = with_baths + [(value, span) for value, span in found if not covered[span[0]]]
    mentions = list(newest(message.text, mentions))
    values = {value for value, _ in mentions}
    if len(values) == 1 and "" not in values:
        start, end = mentions[0][1]
        message.set("bedrooms", values.pop(), source=message.text[start:end])
        message.take_all((span for _, span in mentions if span not in baths))
        message.hide_all((span for _, span in mentions if span in baths))
        return True
    message.hide_all((span for _, span in mentions))
    return False


def _sizes(text: str) -> str:
    """The form's text for the sizes `text` names ("2, 3", "studio, 1", "4+"), in the order
    given, or "" when they make no sense ("3-1")."""
    sizes: list[int] = []
    spanning = False
    for m in _PART.finditer(text):
        if m["span"]:
            spanning = bool(sizes)
            continue
        if m["more"]:
            if sizes:
                sizes.extend(range(sizes[-1] + 1, 5))
            continue
        size = 0 if m["studio"] else _NUMBER_WORDS.get(m["n"].lower()) or int(m["n"])
        if spanning:
            if size <= sizes[-1]:
                return ""
            sizes.extend(range(sizes[-1] + 1, size))
            spanning = False
        sizes.append(size)
    unique = list(dict.fromkeys(min(size, 4) for size in sizes))
    return bedroom_codes(unique) if unique else ""


def _labelled_sizes(value: str) -> str:
    """A labelled value's sizes: "2", "1-2", "2+", "Studio, 1 Bed", "[x] 1 Bed [x] 2 Bed",
    "2BR/2BA", "The Aspen (1 Bed / 1 Bath)". A number alone counts only when nothing else is
    said ("Layout: 2 story" is no size)."""
    value = _BATHS.sub(" ", _UNTICKED.sub(" ", value))
    with_units = [m.group(0) for m in _BEDROOMS_PATTERN.finditer(value)]
    if with_units:
        return _sizes(" , ".join(with_units)) if len(with_units) > 1 else _sizes(with_units[0])
    if _FILLER.sub("", value).strip():
        return ""
    return _sizes(value)
