"""The kind of tour, in the words and abbreviations agents and prospects use.

"s/g", "self tour", "lockbox", "IP", "w/ an agent", "VT", "FaceTime", "virt", labelled ("Tour
type: In-person", "Lead type: Virtual Tour Request", "In person or virtual? In person") or not.
"""

from __future__ import annotations

import re

from bot.understand.message import Message
from bot.understand.scan import lowered
from bot.understand.wish_fields import (
    Cued,
    bounded,
    labelled,
    older_labels,
    take_one,
)

_TOUR = r"(?:\s+(?:tours?|showings?|visits?|viewings?|appointments?|walk[\s-]*throughs?))?"
_SELF_GUIDED = re.compile(
    r"\b(?:self[\s-]*(?:guided|guide|tour(?:s|ing)?|show(?:ing)?|access)|s/g|s\.g\.|"
    r"lock[\s-]*box|smart[\s-]*lock|unaccompanied|auto[\s-]*guiad[oa]s?)\b" + _TOUR
    + r"|(?-i:\bSG\b)(?!\s*\$?\d)" + _TOUR
    + r"|\bsg\s+(?:tour|showing)s?\b"
    + r"|\btour(?:ing)?\s+(?:it\s+|the\s+(?:unit|apartment|place)\s+)?(?:on|by)\s+"
    r"(?:my|her|his|their|your|our)\s*(?:own|self|selves)\b",
    re.I,
)  # fmt: skip
_VIRTUAL = re.compile(
    r"\b(?:virtual(?:ly)?|virt|video(?:\s*(?:call|chat))?|face\s*time|zoom|skype|google\s+meet"
    r"|whats\s*app\s+video|live[\s-]*stream(?:ed)?|over\s+video|remote(?:ly)?(?=\s+(?:tour|showing)))"
    r"\b(?!\s+(?:assistant|agent|receptionist|staging|staged|office|number|phone|card|mailbox"
    r"|address|background|of)\b)" + _TOUR
    # "VT" is Vermont after a town and before a ZIP code.
    + r"|(?<![A-Za-z],\s)(?<![A-Za-z],)(?-i:\bVT\b)(?!\.?\s*\d{5})" + _TOUR,
    re.I,
)  # fmt: skip
_IN_PERSON = re.compile(
    r"\b(?:in[\s-]*person|agent[\s-]+led|guided|presencial|en\s+persona|con\s+(?:un\s+)?agente"
    r"|(?:with|w/)\s*(?:an?\s+|the\s+|our\s+|one\s+of\s+(?:the|our)\s+)?(?:agents?\b|leasing\s+"
    r"(?:agent|consultant|professional))|led\s+by\s+(?:an?\s+)?agent"
    # "a tour with someone" is with an agent; "coming with someone" is a companion
    r"|(?:tour|showing|walk[\s-]*through)\s+with\s+someone)\b" + _TOUR
    # "IP" in capitals, not an IP address ("IP 203.0.113.24").
    + r"|(?-i:\bIP\b)(?!\s*(?:address|addr\b|:?\s*\d))" + _TOUR
    + r"|\bi\.?p\.?\s+(?:tour|showing|visit|appt|appointment)s?\b",
    re.I,
)  # fmt: skip
# Each looked for only where one of its words is ("sg" in lower case stands for "SG").
TOUR_TYPES = (
    # First: "guided" in "self-guided" is not an agent's tour.
    ("self-guided", Cued(("self", "s/g", "s.g.", "sg", "lock", "unaccomp", "guiad", "own"),
        _SELF_GUIDED, ("self", "s/g", "s.g.", "lock", "smart", "unaccompanied", "auto", "sg",
        "tour"))),
    ("virtual", Cued(("virt", "video", "face", "zoom", "skype", "meet", "whats", "stream",
        "remote", "vt"), _VIRTUAL, ("virt", "video", "face", "zoom", "skype", "google", "whats",
        "live", "over", "remote", "vt"))),
    ("in person", Cued(("person", "agent", "guided", "presencial", "persona", "w/", "with",
        "led", "ip", "i.p", "someone"), _IN_PERSON, ("in", "agent", "guided", "presencial", "en",
        "con", "with", "w/", "led", "tour", "showing", "walk", "ip", "i"))),
)  # fmt: skip
# "not virtual", "can't come in person", "rather than a video call": what the tour is not.
_NOT = re.compile(
    r"(?i)\b(?:not|no|don['’]?t|doesn['’]?t|can['’]?t|cannot|won['’]?t|unable\s+to|instead\s+of"
    r"|rather\s+than|than)\s+(?:[a-z]+\s+){0,2}$"
)
# A change of mind: "switch to a video tour instead", "actually make it IP".
_CHANGED = re.compile(
    r"(?i)\b(?:switch(?:ed|ing)?|chang(?:e|ed|ing)|mov(?:e|ed|ing))\s+(?:it\s+)?to\s+(?:an?\s+)?$"
    r"|\b(?:actually|make\s+it|now\s+wants?|prefers?\s+now)\s+(?:an?\s+)?$"
)
_INSTEAD = re.compile(r"(?i)\s*(?:tour\s+)?instead\b")


@bounded
def take_tour_type(message: Message) -> None:
    fields = labelled(message, "tour_type")
    newer = older_labels(message, fields)
    if newer is not None:
        said = _changed_to(message.search, _tour_types(message.search, 0, newer))
        if take_one(message, "tour_type", said):
            fields = []  # the newer words win over a form quoted under them
    for field in fields:
        # A lead source's "Lead type:" line is taken whole already; its words are still there.
        text = message.text if message.is_taken(field.value_start, field.end) else message.search
        found = _tour_types(text, field.value_start, field.end)
        if len({value for value, _ in found}) == 1:
            message.set("tour_type", found[0][0], source=text[field.value_start : field.end])
            message.take(field.start, field.end)
            break
    found = _tour_types(message.search, 0, len(message.search))
    if "tour_type" in message.values:
        # The label said it: a mention elsewhere that agrees goes; one that differs stays.
        message.take_all((span for value, span in found if value == message.values["tour_type"]))
        return
    take_one(message, "tour_type", _changed_to(message.search, found))


def _tour_types(text: str, start: int, end: int) -> list[tuple[str, tuple[int, int]]]:
    found: list[tuple[str, tuple[int, int]]] = []
    read = bytearray(end - start)  # where a kind was read: "guided" in "self-guided" is not
    lower = text[start:end].lower() if end - start < len(text) else lowered(text)
    for tour_type, pattern in TOUR_TYPES:
        for m in pattern.finditer(text, lower, start, end):
            if read[m.start() - start]:
                continue
            read[m.start() - start : m.end() - start] = b"\x01" * (m.end() - m.start())
            if not _NOT.search(text, max(0, m.start() - 30), m.start()):
                found.append((tour_type, m.span()))  # "not virtual" stays in the notes, as written
    return sorted(found, key=lambda item: item[1])


def _changed_to(
    text: str, found: list[tuple[str, tuple[int, int]]]
) -> list[tuple[str, tuple[int, int]]]:
    """Of disagreeing mentions, the one the message changes to, if exactly one says so."""
    if len({value for value, _ in found}) < 2:
        return found
    changed = [
        (value, (start, end))
        for value, (start, end) in found
        if _CHANGED.search(text, max(0, start - 30), start) or _INSTEAD.match(text, end)
    ]
    if len({value for value, _ in changed}) == 1:
        # The others were the earlier plan: they stay in the notes, unread.
        return changed
    return found
