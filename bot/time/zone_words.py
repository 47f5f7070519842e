"""Zones as they are written: abbreviations ("EST", "PT"), offsets ("UTC-8", "15:00z"), zone
names ("Europe/London"), places and people's clocks ("london time", "her time"). A word that is
also an ordinary word counts only beside the day or time it qualifies."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Protocol
from zoneinfo import available_timezones

from bot.time.places import place_zones
from bot.time.vocabulary import AMBIGUOUS_ZONES, ZONE_WORDS, ZONE_WORDS_NEAR_A_TIME, Season

_OFFSET_ZONE = re.compile(r"\b(?:utc|gmt)\s*([+-−])\s*(\d{1,2})(?::?([0-5]\d))?\b")
_GLUED_Z = re.compile(r"(?<=\d)z\b")  # "15:00z"
_AMBIGUOUS_ZONE = re.compile(r"\b(?:" + "|".join(AMBIGUOUS_ZONES) + r")\b")
_ZONE_WORD = re.compile(
    r"\b(" + "|".join(re.escape(w) for w in sorted(ZONE_WORDS, key=len, reverse=True))
    + r")\b(?:\s+time\b)?"
)  # fmt: skip
_OR = re.compile(r"\s*(?:or|and|/)?\s*")  # "PT or ET": the second zone word is one too
_IANA = re.compile(r"\b([a-z]+(?:/[a-z_+-]+){1,2})\b")


@dataclass(frozen=True)
class WrittenZone:
    zone: str  # IANA name
    season: Season | None  # what an abbreviation like "EST" says of daylight saving
    text: str


class Spans(Protocol):
    """The phrase's stretches already read, as the phrase reader keeps them."""

    def free(self, start: int, end: int) -> bool: ...

    def claim(self, start: int, end: int) -> None: ...

    def qualifies(self, start: int, end: int) -> bool: ...


def read_zones(text: str, spans: Spans) -> tuple[list[WrittenZone], list[str]]:
    """The zones written in `text` (normalised), and the clocks it names that are no zone the
    bot knows ("her time", "IST"): those are asked about."""
    zones: list[WrittenZone] = []
    unknown: list[str] = []
    placed: list[WrittenZone] = []
    taken: set[str] = set()  # a zone written again changes nothing: a page of them is not read
    offsets = _OFFSET_ZONE.finditer(text) if "utc" in text or "gmt" in text else ()
    for m in offsets:  # "3pm UTC-8", "15:00 GMT+1": a fixed offset
        if not spans.free(*m.span()):
            continue
        spans.claim(*m.span())
        hours, minutes = int(m.group(2)), int(m.group(3) or 0)
        if minutes or hours > 14:
            unknown.append(m.group(0))
        elif hours == 0:
            placed.append(WrittenZone("UTC", None, m.group(0)))
        else:  # the zone database's Etc names count the other way: UTC-8 is Etc/GMT+8
            sign = "+" if m.group(1) in "-−" else "-"
            placed.append(WrittenZone(f"Etc/GMT{sign}{hours}", None, m.group(0)))
    for m in _GLUED_Z.finditer(text) if "z" in text else ():
        if spans.free(*m.span()):
            spans.claim(*m.span())
            placed.append(WrittenZone("UTC", None, m.group(0)))
    ambiguous = any(word in text for word in AMBIGUOUS_ZONES)
    for m in _AMBIGUOUS_ZONE.finditer(text) if ambiguous else ():
        if spans.free(*m.span()) and spans.qualifies(*m.span()):
            spans.claim(*m.span())
            unknown.append(m.group(0).upper())
    for place in place_zones(text):  # "7pm london time", "3pm her time"
        if place.text in taken or not (
            spans.free(place.start, place.end) and spans.qualifies(place.start, place.end)
        ):
            continue
        taken.add(place.text)
        spans.claim(place.start, place.end)
        if place.zone:
            placed.append(WrittenZone(place.zone, None, place.text))
        else:
            unknown.append(place.text)
    found: list[tuple[re.Match[str], str, Season | None]] = []
    for m in _ZONE_WORD.finditer(text):
        word = m.group(1)
        if word in taken or not spans.free(*m.span()):
            continue
        after_zone = bool(found) and _OR.fullmatch(text, found[-1][0].end(), m.start())
        if word in ZONE_WORDS_NEAR_A_TIME and not (spans.qualifies(*m.span()) or after_zone):
            continue
        if word == "z" and not (m.start() > 0 and text[m.start() - 1].isdigit()):
            continue  # "15:00z" only
        found.append((m, *ZONE_WORDS[word]))
        taken.add(word)
    for m in _IANA.finditer(text):
        if zone := _zone_names().get(m.group(1)):
            found.append((m, zone, None))
    for m, zone, season in found:
        spans.claim(*m.span())
        zones.append(WrittenZone(zone, season, m.group(0)))
    return zones + placed, unknown


@cache
def _zone_names() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones() if "/" in name}
