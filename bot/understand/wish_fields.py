"""Where wishes stand as fields: labelled pairs, shorthand pieces, and the newest mention.

Labelled pairs anywhere on a line ("Beds: 2 · Budget: $2,800", "How many bedrooms? Studio or 1",
"Type - VT"), pieces standing alone between an agent's separators ("1bd / <2.4k / 12mo"), and
which of several mentions is the newest in a thread.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from functools import lru_cache, wraps

from bot.understand.message import Message
from bot.understand.scan import Anchored, choice, lowered

# Label words by the field their value holds, besides those lead_email knows.
_LABEL_WORDS = {
    "tour_type": "tour type, type of tour, tour preference, preferred tour type, showing type, "
    "tour format, visit type, appointment type, tour style, type, lead type, request type, "
    "inquiry type, how would you like to tour, how do you want to tour",
    "bedrooms": "bedrooms, bedroom, beds, bed, bd, br, bdrm, bdrms, desired bedrooms, "
    "number of bedrooms, # of bedrooms, # bedrooms, no. of bedrooms, how many bedrooms, "
    "number of beds, # of beds, # beds, beds needed, bedrooms needed, min bedrooms, "
    "minimum bedrooms, desired number of bedrooms, how many beds, "
    "bedrooms wanted, bedroom count, desired beds, beds wanted, unit type, floor plan, "
    "floorplan, layout, unit size, apartment type, apt type, size, home type",
    "budget": "budget, rent, price, price range, max rent, maximum rent, desired rent, "
    "monthly budget, rent range, budget range, target rent, max budget, rent budget, "
    "desired price, desired budget, max price, price max, rent max, budget max, max, maximum, "
    "desired price range, desired rent range, monthly rent budget, max monthly rent, $, "
    "what's your budget, what is your budget, your budget, budget per month, presupuesto",
    "lease": "lease, lease term, lease length, desired lease term, desired lease length, term, "
    "length of lease, lease duration, desired lease, lease preference, term length, "
    "how long, lease type",
    "move_in": "move-in, move in, movein, move-in date, move in date, desired move-in, "
    "desired move-in date, desired move in date, desired move date, move date, target move-in, "
    "target move-in date, moving date, expected move-in, expected move-in date, move-in by, "
    "earliest move-in, ideal move-in, mi, m/i, moving, move, moving on, move by, move in by, "
    "when moving, when are you moving, when do you want to move in, need by",
}
_LABELS = [words for text in _LABEL_WORDS.values() for words in text.lower().split(", ")]


def _key(words: str) -> str:
    """A label as written ("Move-In_Date") in the one spelling looked up ("move in date")."""
    return re.sub(r"[\s_\-]+", " ", words.lower().replace("’", "'")).strip()


_KINDS = {_key(words): kind for kind, text in _LABEL_WORDS.items() for words in text.split(", ")}


# "Move-in date", "move in date", a form's dump "move_in_date="
_SPELLED = {"-": r"[\-_ \t]?", "'": "['’]"}


_KINDS_OF_TOUR = r"(?:in[ \t-]*person|virtual|video|self[ \t-]*guided)"
# A form's question naming the kinds of tour: "In person or virtual? In person".
_WHICH_TOUR = (
    rf"{_KINDS_OF_TOUR}(?:[ \t]*(?:,|/|\bor\b|,[ \t]*or\b)[ \t]*{_KINDS_OF_TOUR}){{1,2}}"
    r"(?:[ \t]+tour)?"
)
# A label starts a line or follows a separator ("·", "|", ";", ",", ":" of a heading, " - ").
_LABEL = re.compile(
    # ... or stands mid-line after a number, a sentence or a run of spaces, with a capital ("Phone:
    # (303) 555-0177 Move-in: 02/01/2027 Beds: 1"): "my budget: 2k" stays words, and "Current
    # Rent: $1,450" is one label, not "Rent".
    r"(?im)(?:^|(?<=[|;•·,:/(])|(?<=[ \t][-–][ \t])"
    r"|(?<=[\d)\].!?])(?=[ \t]{1,3}(?-i:[A-Z]))|(?<=\S)(?=[ \t]{2,}(?-i:[A-Z])))"
    r"[ \t>*•\-]{0,6}(?:\d{1,2}[.)][ \t]?)?"
    r"(?P<words>"
    + choice(_LABELS, spelled=_SPELLED)
    + rf"|(?P<which>{_WHICH_TOUR}))[ \t]*(?:[:=?：]|[-–](?=[ \t]))[ \t]*"
)
# A value ends at a separator, or where the next "Label:" starts after a comma, a dash, a slash
# or a run of spaces ("Beds: 2 · Budget: $2,800", "Beds: 2, Move-in: 1/5").
_LABELISH = r"[^\W\d_][\w'’#.\-]*(?:[ \t]+[\w'’#.\-]+){0,3}[ \t]*[:=](?![0-9])"
_VALUE_END = re.compile(
    r"[·•|;\n]|(?:(?<![ \t])[ \t]++[-–/][ \t]+|,[ \t]*+|(?<![ \t])[ \t]{2,}+)(?=" + _LABELISH + ")"
    # "Beds: 1 Bath: 1", "Beds: 2. Move-in: 1/15": a capitalised label after one space
    r"|[ \t](?=[A-Z][a-z]+(?:[- \t][A-Za-z]+){0,2}[ \t]?:(?![0-9]))"
    # A comma ends a value too ("Budget: up to $3,000/mo, 12-month lease"), but not inside an
    # amount or a date ("$1,800", "Jan 15, 2027"), nor between sizes ("Beds: Studio, 1 Bed").
    r"|,(?![0-9])(?![ \t]*[0-9]{4}\b)(?P<sizes>(?=[ \t]*(?:studio|[0-9]|one|two|three|or\b)))?"
)
_VALUE_MAX = 160  # a labelled value is short; the rest of a long line is not looked at

# The older part of a thread: quoted lines, and what follows "wrote:" or "Original Message".
_QUOTED = re.compile(r"(?m)^[ \t]*>[^\n]*")
_OLDER = re.compile(
    r"(?im)^[ \t>]*(?:-{2,}[ \t]*original message[ \t]*-*|on\b[^\n]{0,200}\bwrote:)[ \t]*$"
)


@dataclass(frozen=True)
class Field:
    """A labelled wish ("Beds: 1-2"): where its label starts, and its value's span."""

    kind: str
    start: int
    value_start: int
    end: int


def labelled(message: Message, kind: str) -> list[Field]:
    """Every field of `kind` whose value is still to be read, in the order written."""
    found = [
        field
        for field, words in _fields(message.text)
        # A lead source's own line ("Lead type: Virtual Tour Request") is taken as a whole
        # before the wishes are read; any other value taken already is not read again.
        if field.kind == kind
        and (words in _META or not message.is_taken(field.value_start, field.end))
    ]
    if len(found) > MENTIONS_MAX:
        raise TooMany(kind)
    return found


@lru_cache(maxsize=4)
def _fields(text: str) -> tuple[tuple[Field, str], ...]:
    """Every labelled wish in `text`, of every kind: looked for once per message."""
    found: list[tuple[Field, str]] = []
    for m in _LABEL.finditer(text):
        words = _key(m["words"])
        kind = "tour_type" if m["which"] else _KINDS.get(words)
        if kind is None:
            continue
        end = min(len(text), m.end() + _VALUE_MAX)
        stop = _VALUE_END.search(text, m.end(), end)
        while stop and stop.group("sizes") is not None and kind == "bedrooms":
            stop = _VALUE_END.search(text, stop.end(), end)
        value_end = stop.start() if stop else _line_end(text, m.end(), end)
        while value_end > m.end() and text[value_end - 1] in " \t,.":
            value_end -= 1
        found.append((Field(kind, m.start("words"), m.end(), value_end), words))
    return tuple(found)


_META = frozenset({"lead type", "request type", "inquiry type"})  # keys, as `_key` writes them


def _line_end(text: str, start: int, end: int) -> int:
    newline = text.find("\n", start, end)
    return end if newline < 0 else newline


def standing_alone(piece: str, words: tuple[str, ...]) -> Cued:
    """`piece` (a pattern, with one of `words` in every match) as a whole field of an agent's
    shorthand: between separators ("/ 12m /", "| 1b |", "- <2k -"), or alone on its line.
    Look for it with `alone`."""
    return Cued(
        words,
        re.compile(
            r"(?im)(?:^|(?<=[|;·•,/(])|(?<=[ \t][-–]))[ \t]*(?P<piece>" + piece + r")[ \t]*"
            r"(?=$|[|;·•,/)]|[ \t]+[-–][ \t])"
        ),
    )


def alone(pattern: Cued, message: Message) -> Iterator[re.Match[str]]:
    """The pieces `pattern` (from `standing_alone`) finds alone as the agent wrote them, that
    no reader has taken or hidden: a label hidden before a value does not leave it alone."""
    for m in pattern.finditer(message.text, lowered(message.text)):
        start, end = m.span("piece")
        if message.search[start:end] == message.text[start:end]:
            yield m


MENTIONS_MAX = 60
"""A field said more often than this is said all over a page, never plainly: it is not read."""


class TooMany(Exception):
    """More mentions of one field than `MENTIONS_MAX`."""


def bounded(take: Callable[[Message], None]) -> Callable[[Message], None]:
    """`take`, giving up on a field said too often (whatever it took before stays taken)."""

    @wraps(take)
    def read(message: Message) -> None:
        with suppress(TooMany):
            take(message)

    return read


@dataclass(frozen=True)
class Cued:
    """A pattern looked for only in a text that has one of its words: a quick look for a word
    spares a long one for the pattern (the text is read by many)."""

    words: tuple[str, ...]  # lower case; any one of them is in every match
    pattern: re.Pattern[str]
    starts: tuple[str, ...] = ()  # lower case: one begins every match (tried only there)
    _anchored: Anchored | None = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        if self.starts:
            object.__setattr__(self, "_anchored", Anchored(self.pattern, self.starts))

    def finditer(
        self, text: str, lower: str, start: int = 0, end: int | None = None
    ) -> Iterator[re.Match[str]]:
        if any(word in lower for word in self.words):
            end = len(text) if end is None else end
            found = (
                self._anchored.finditer(text, lower, start, end)
                if self._anchored
                else self.pattern.finditer(text, start, end)
            )
            for count, m in enumerate(found):
                if count == MENTIONS_MAX:
                    raise TooMany(self.pattern.pattern[:40])
                yield m


DIGITS = tuple("0123456789")


def take_one(message: Message, key: str, found: Sequence[tuple[str, tuple[int, int]]]) -> bool:
    """Take the value when every mention agrees (a newer message's mentions outvote a quoted,
    older one's); any doubt leaves them all in the notes. True when one was taken."""
    found = newest(message.text, found)
    values = {value for value, _ in found}
    if len(values) == 1 and "" not in values:
        start, end = found[0][1]
        message.set(key, values.pop(), source=message.text[start:end])
        message.take_all(span for _, span in found)
        return True
    message.hide_all(span for _, span in found)
    return False


def newest(
    text: str, found: Sequence[tuple[str, tuple[int, int]]]
) -> Sequence[tuple[str, tuple[int, int]]]:
    """The mentions in the newest part of a thread, when they disagree with older ones."""
    if len({value for value, _ in found}) < 2:
        return found
    older = _older_spans(text)
    if not older:
        return found
    starts = [start for start, _ in older]

    def is_older(position: int) -> bool:
        i = bisect.bisect_right(starts, position) - 1
        return i >= 0 and position < older[i][1]

    newer = [(value, span) for value, span in found if not is_older(span[0])]
    return newer or found


def older_labels(message: Message, fields: Sequence[Field]) -> int | None:
    """Where the newest part of a thread ends, when every labelled field is older than it (a
    form quoted under "she now wants a 1 bed"): the newer words are read first, up to there."""
    if not fields:
        return None
    older = _older_spans(message.text)
    newer_end = older[0][0] if older else len(message.text)
    if newer_end < len(message.text) and all(f.start >= newer_end for f in fields):
        return newer_end
    return None


@lru_cache(maxsize=4)
def _older_spans(text: str) -> tuple[tuple[int, int], ...]:
    """The quoted lines, and all that follows a reply's marker: looked for once per message."""
    spans = [m.span() for m in _QUOTED.finditer(text)]
    if marker := _OLDER.search(text):
        spans = [span for span in spans if span[1] <= marker.start()]
        spans.append((marker.start(), len(text)))
    return tuple(spans)
