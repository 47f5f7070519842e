"""Zones written as a place or a person: "7pm london time", "10am nyc time", "3pm her time".

A place's clock is its zone's; a person's ("her time", "the client's time") names no zone the bot
knows, so the time is asked about rather than read in the tour's zone. "Your time" is the tour's.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from zoneinfo import available_timezones

_REGIONS = ("America", "Europe", "Asia", "Africa", "Australia", "Pacific", "Atlantic", "Indian")
# Cities whose names are also people's ("Victoria time" may be Victoria's), or another place's
# ("jersey time" in New Jersey; Norfolk, Virginia; Portland, Maine or Oregon), and countries of
# several zones: asked about.
ALSO_PEOPLE = frozenset(
    "victoria regina sofia casey davis adelaide darwin hobart stanley dawson currie lindeman "
    "johnston wallis chatham jersey norfolk portland athens mexico brazil australia canada russia "
    "usa us indonesia".split()
)
# Zone database cities that are ordinary words: "christmas time", "family reunion time".
_NOT_PLACES = frozenset("christmas easter reunion midway wake center resolute".split())
# Places agents write that the zone database names otherwise.
_ALIASES = {
    **dict.fromkeys(("nyc", "ny", "new york city", "boston", "dc", "philly", "philadelphia",
                     "atlanta", "miami", "orlando", "tampa", "charlotte", "raleigh", "pittsburgh",
                     "cleveland", "columbus", "cincinnati", "baltimore", "nj",
                     "east coast"), "America/New_York"),
    **dict.fromkeys(("dallas", "houston", "austin", "san antonio", "minneapolis", "st louis",
                     "kansas city", "nashville", "milwaukee", "new orleans", "oklahoma city",
                     "memphis"), "America/Chicago"),
    **dict.fromkeys(("salt lake", "salt lake city", "albuquerque", "colorado", "utah"),
                    "America/Denver"),
    **dict.fromkeys(("arizona", "tucson", "scottsdale"), "America/Phoenix"),
    **dict.fromkeys(("la", "san francisco", "sf", "seattle", "san diego",
                     "sacramento", "san jose", "oakland", "vegas", "las vegas", "cali",
                     "california", "west coast", "pacific northwest"), "America/Los_Angeles"),
    **dict.fromkeys(("uk", "england", "britain", "scotland", "wales"), "Europe/London"),
    "ireland": "Europe/Dublin",
    "france": "Europe/Paris",
    "germany": "Europe/Berlin",
    "spain": "Europe/Madrid",
    "italy": "Europe/Rome",
    "netherlands": "Europe/Amsterdam",
    "israel": "Asia/Jerusalem",
    "india": "Asia/Kolkata",
    "japan": "Asia/Tokyo",
    "china": "Asia/Shanghai",
    "korea": "Asia/Seoul",
    "philippines": "Asia/Manila",
    "vietnam": "Asia/Ho_Chi_Minh",
    "thailand": "Asia/Bangkok",
    "nigeria": "Africa/Lagos",
    "kenya": "Africa/Nairobi",
    "colombia": "America/Bogota",
    "peru": "America/Lima",
    "argentina": "America/Argentina/Buenos_Aires",
    "puerto rico": "America/Puerto_Rico",
    **dict.fromkeys(("nz", "new zealand"), "Pacific/Auckland"),
    "montreal": "America/Toronto",
    "ottawa": "America/Toronto",
    "calgary": "America/Edmonton",
    "atlantic": "America/Halifax",
}  # fmt: skip
_TIME = re.compile(r"\btime\b")
# Whose clock, when it is a person's: "her time", "the client's local time", "in his time zone".
# Not "your time", "our time": a prospect writing to the property means the property's clock.
_PERSONS = re.compile(
    r"\b(?:in[ \t]+)?((?:her|his|their|my"
    r"|the\s+(?:prospect|client|lead|renter|applicant|caller)(?:['’]?s)?)"
    r"[ \t]+(?:own[ \t]+)?(?:local[ \t]+)?time\b(?:[ \t]+zone\b)?)"
)


_IN_PLACE = re.compile(r"\bin\s+([a-z][a-z.'’]*(?:\s+[a-z][a-z.'’]*){0,2})")
# What may follow a place said beside the clock: nothing, a day, a time, "on", "at".
_ENDS = re.compile(
    r"\s*(?:$|[,;.)]|(?:on|at|\d+|today|tomorrow|tonight|this|next|monday|tuesday|wednesday"
    r"|thursday|friday|saturday|sunday)\b)"
)


@dataclass(frozen=True)
class PlaceZone:
    start: int
    end: int
    zone: str | None  # IANA name; None: a person's clock, or a place that is also a name
    text: str


def _said(words: list[str]) -> str:
    """A place as the zone database spells it: "(são paulo" is "sao paulo", "rome's" "rome"."""
    return _plain(" ".join(words).strip(".,;:()").removesuffix("'s").removesuffix("’s"))


def _plain(words: str) -> str:
    """ "são paulo" as the zone database spells it: "sao paulo"."""
    if words.isascii():
        return words
    return "".join(c for c in unicodedata.normalize("NFKD", words) if not unicodedata.combining(c))


@cache
def places() -> dict[str, str]:
    """Every city of the zone database by its name, lower case, spaces for underscores."""
    found: dict[str, str] = {}
    for name in sorted(available_timezones(), key=lambda n: (n.count("/"), n)):
        region, _, _ = name.partition("/")
        city = name.rsplit("/", 1)[-1].lower().replace("_", " ")
        if region in _REGIONS and city.replace(" ", "").isalpha() and city not in _NOT_PLACES:
            found.setdefault(city, name)
    return found | _ALIASES


@cache
def _last_words() -> frozenset[str]:
    """The word each place ends with: "city" of "salt lake city"."""
    return frozenset(place.rsplit(" ", 1)[-1] for place in places()) | ALSO_PEOPLE


def place_zones(text: str) -> list[PlaceZone]:
    """The places and people whose clock `text` (lower case) names, in order: only where "time"
    follows ("3pm london" may be where the prospect is), and the caller keeps only those beside a
    day or a clock time ("thanks for your time" names no clock)."""
    found: list[PlaceZone] = []
    if "time" not in text and " in " not in text:
        return found
    persons = set()  # where the word "time" of a person's clock stands
    for m in _PERSONS.finditer(text):
        found.append(PlaceZone(m.start(), m.end(), None, m.group(1)))
        persons.add(text.index("time", m.start(1)))
    known, last_words = places(), _last_words()
    for m in _TIME.finditer(text):
        if m.start() in persons:
            continue
        head = text[max(0, m.start() - 40) : m.start()].split()
        if not head or _said(head[-1:]) not in last_words:
            continue  # most "time"s: "same time", "any time"
        for count in (3, 2, 1):  # the longest place: "salt lake city" before "city"
            said = _said(head[-count:])
            if len(head) >= count and (said in known or said in ALSO_PEOPLE):
                start = text.rindex(head[-1], 0, m.start())
                for word in reversed(head[-count:-1]):
                    start = text.rindex(word, 0, start)
                zone = None if said in ALSO_PEOPLE else known[said]
                found.append(PlaceZone(start, m.end(), zone, text[start : m.end()]))
                break
    if " in " in text:  # "2pm in chicago on friday": a place said beside the clock, no "time"
        for m in _IN_PLACE.finditer(text):
            words = m.group(1).split()
            for count in range(min(3, len(words)), 0, -1):
                said, end = _said(words[:count]), m.start(1) + len(" ".join(words[:count]))
                if (said in known or said in ALSO_PEOPLE) and _ENDS.match(text, end):
                    start = m.start()
                    zone = None if said in ALSO_PEOPLE else known[said]
                    found.append(PlaceZone(start, end, zone, text[m.start(1) : end]))
                    break
    return sorted(found, key=lambda z: z.start)
