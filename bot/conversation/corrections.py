"""Corrections of the prospect's name as agents write them: "his name is spelled John Smythe",
"it's Katie not Kate", "last name is Smythe with an e", "it's Jon without the h", "Sean*", "she
goes by Kate". The reader of whole messages leaves these alone (they read as chatter), so they
are read here against the name the conversation already has.

A single new word replaces the part of the name it stands for: the one it says it replaces
("not Kate"), the one it names ("last name"), else the one it is spelled most like.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from difflib import SequenceMatcher

from bot.understand.name_words import is_name, split_name

NameChange = dict[str, str]  # "first_name"/"last_name" -> the new value

_FILLER = (
    r"(?:(?:sorry|oops|actually|wait|oh|and|also|ok(?:ay)?|so|no|nope|correction|typo|fyi|my\s+bad"
    r"|hmm+|btw|also)\b[\s,.!:-]*)*"
)
_WHOSE = r"(?:(?:his|her|their|the|[\w-]+'s)\s+)?"  # "her", "Jane's", "the prospect's"
_IS = (
    r"(?:\s+(?:is|should\s+be|=|was)|\s*[:=-]|'s)?\s*"
    r"(?:actually\s+|really\s+|spelled\s+|spelt\s+)*"
)
_PART = re.compile(
    rf"{_FILLER}{_WHOSE}(?P<part>first|last|family|given|sur)\s*name{_IS}(?P<name>.+)",
    re.IGNORECASE,
)
# Words that say a name follows ("his name is", "goes by"), and words that only may ("it's").
_SAYS_NAME = (
    rf"{_WHOSE}name(?:\s+is|'s|\s*[:=])\s*(?:actually\s+|really\s+|spelled\s+|spelt\s+)*"
    r"|(?:it'?s\s+)?(?:spelled|spelt)\s+(?:like\s+)?|(?:she|he|they)\s+(?:goes|go)\s+by\s+"
    r"|(?:she|he|they)\s+spells?\s+it\s+(?:like\s+)?"
    r"|call\s+(?:her|him|them)\s+"
)
_MAY_SAY_NAME = (
    r"it'?s\s+(?:actually\s+)?|it\s+is\s+(?:actually\s+)?|(?:she|he)'?s\s+(?:actually\s+)?"
)
_WHOLE = re.compile(
    rf"{_FILLER}(?:(?P<says>{_SAYS_NAME})|{_MAY_SAY_NAME})(?P<name>.+)", re.IGNORECASE
)
# "Katie not Kate", "Katie, not Kate", "not Kate, Katie", "Katie instead of Kate".
_NOT = re.compile(
    rf"{_FILLER}(?:it'?s\s+|its\s+|(?:she|he)'?s\s+)?(?P<new>[\w'’.-]+(?:\s+[\w'’.-]+)?)"
    r",?\s+(?:not|instead\s+of|rather\s+than)\s+(?P<old>[\w'’.-]+(?:\s+[\w'’.-]+)?)",
    re.IGNORECASE,
)
_NOT_FIRST = re.compile(
    rf"{_FILLER}not\s+(?P<old>[\w'’.-]+(?:\s+[\w'’.-]+)?)\s*[,;:-]\s*(?:it'?s\s+)?(?P<new>[\w'’.-]+"
    r"(?:\s+[\w'’.-]+)?)",
    re.IGNORECASE,
)
# "Doe is spelled Do": the part written first becomes the second.
_SPELLED_AS = re.compile(
    rf"{_FILLER}(?P<old>[\w'’.-]+)\s+(?:is|should\s+be)\s+(?:spelled|spelt|written)\s+"
    r"(?:like\s+|as\s+)?(?P<new>[\w'’.-]+)",
    re.IGNORECASE,
)
_STARRED = re.compile(r"\*\s*(?P<a>[^\W\d_][\w'’-]*)|(?P<b>[^\W\d_][\w'’-]*)\s*\*")
# "with an e", "without the h", "no h", "with two t's": the spelling described in words.
_LETTERS = re.compile(
    r"[\s,]+(?:(?P<with>with)\s+(?:an?|one|two|double)\s+|(?P<without>without|no|minus)\s+(?:the\s+|an?\s+)?)"
    r"(?P<letter>[a-z])(?:'?s)?\b.*$",
    re.IGNORECASE,
)
_SPELLED_OUT = re.compile(r"^(?:[A-Za-z][\s.-]){2,}[A-Za-z]$")
SIMILAR = 0.5  # how alike two spellings must be to be one name corrected
ALONE_SIMILAR = 0.7  # ... when the word comes with nothing that says it is a correction


def name_change(text: str, values: Mapping[str, str]) -> NameChange:
    """The name the reply corrects, if it corrects one, as field -> new value."""
    said = " ".join(text.replace("’", "'").split()).strip().rstrip(".!")
    for clause in _clauses(said):
        if found := _in_clause(clause, values, said):
            return found
    return {}


def _clauses(said: str) -> list[str]:
    """The whole reply first, then its pieces ("oh and it's Katie not Kate, and make it…")."""
    pieces = [
        p.strip(" .!?")
        for p in re.split(r"[,;]\s*(?:and\s+)?|\s+and\s+|(?<=[.!?])\s+", said)
        if p.strip(" .!?")
    ]
    return [said, *pieces] if len(pieces) > 1 else [said]


def _in_clause(clause: str, values: Mapping[str, str], reply: str) -> NameChange:
    if part := _PART.fullmatch(clause):
        name = _spelling(part["name"])
        if name and is_name(name):
            key = "first_name" if part["part"].lower() in ("first", "given") else "last_name"
            return {key: name}
    if (
        swap := _NOT.fullmatch(clause)
        or _NOT_FIRST.fullmatch(clause)
        or _SPELLED_AS.fullmatch(clause)
    ) and (found := _swapped(swap["new"], swap["old"], values)):
        return found
    if whole := _WHOLE.fullmatch(clause):
        name = _spelling(whole["name"])
        if name and is_name(name):
            return _named(name, values, loose=not whole["says"])
    if (star := _STARRED.fullmatch(clause)) and (word := star["a"] or star["b"]):
        return _named(word, values, loose=True)
    if clause == reply and len(clause.split()) == 1 and is_name(clause):  # "Jon", after "John"
        return _named(clause, values, loose=True, alike=ALONE_SIMILAR)
    return {}


def instead_of(text: str) -> str | None:
    """The new words of "riverside not maple", "not monday, tuesday", "X instead of Y"."""
    said = " ".join(text.replace("’", "'").split()).strip().rstrip(".!")
    swap = _NOT.fullmatch(said) or _NOT_FIRST.fullmatch(said)
    return swap["new"] if swap else None


def _swapped(new: str, old: str, values: Mapping[str, str]) -> NameChange:
    """ "Katie not Kate": the part of the name written `old` becomes `new`."""
    old_words, new_words = old.split(), new.split()
    first, last = values.get("first_name", ""), values.get("last_name", "")
    if not is_name(new) or not (first or last):
        return {}
    if len(old_words) == 1 and len(new_words) == 1:
        for key, current in (("first_name", first), ("last_name", last)):
            if current and current.casefold() == old.casefold():
                return {key: capitalised(new)}
        return {}
    if " ".join(old_words).casefold() == f"{first} {last}".strip().casefold():
        return _whole(new)
    return {}


def _named(
    name: str, values: Mapping[str, str], *, loose: bool = False, alike: float = SIMILAR
) -> NameChange:
    """A name said alone: a whole name replaces the name, one word the part it is most like.
    Said `loose`ly ("it's Maple", "Sean*"), it must be like the name there is."""
    words = name.split()
    first, last = values.get("first_name", ""), values.get("last_name", "")
    if len(words) >= 2:
        return _whole(name) if (first or last or not loose) else {}
    scored = [
        (_likeness(name, current), key)
        for key, current in (("first_name", first), ("last_name", last))
        if current
    ]
    if not scored:
        return {} if loose else {"first_name": capitalised(name)}
    best, key = max(scored)
    if best < alike or any(score == best and k != key for score, k in scored):
        return {}  # like neither part, or like both: not a correction this reader can place
    current = values.get(key, "")
    return {key: capitalised(name)} if current.casefold() != name.casefold() else {}


def _whole(name: str) -> NameChange:
    first, last = split_name([capitalised(w) for w in name.split()])
    return {"first_name": first, "last_name": last} if last else {"first_name": first}


def _likeness(one: str, other: str) -> float:
    a, b = one.casefold(), other.casefold()
    score = SequenceMatcher(None, a, b).ratio()
    return score + (0.1 if a[:1] == b[:1] else 0.0)


def _spelling(written: str) -> str:
    """The name as it should be spelled: "Smythe with an e" is Smythe, "Jon without the h" is
    Jon, "John without the h" is Jon too, "S-M-Y-T-H-E" is Smythe."""
    written = written.strip().strip("\"'“”").strip()
    letters = _LETTERS.search(written)
    if letters:
        written = written[: letters.start()].strip()
        letter = letters["letter"].lower()
        if letters["without"] and letter in written.lower():
            at = written.lower().index(letter)
            written = written[:at] + written[at + 1 :]
    if _SPELLED_OUT.fullmatch(written):
        written = re.sub(r"[\s.-]", "", written)
    written = re.sub(r"\s+(?:instead|now|please|thanks|then)$", "", written, flags=re.IGNORECASE)
    return " ".join(capitalised(w) for w in written.split())


_PARTICLES = frozenset("de del della der den di da das do dos du la le van von ter y bin".split())


def capitalised(word: str) -> str:
    """A name as a person types it: written in capitals or lower case, it gets a capital
    (a particle such as "de" stays as written)."""
    if word.lower() in _PARTICLES:
        return word
    if word.islower() or word.isupper():
        return re.sub(
            r"(^|['’\-])([^\W\d_])", lambda m: m.group(1) + m.group(2).upper(), word.lower()
        )
    return word


# The kind of tour described rather than named: "she wants someone to show her around".
_DESCRIBED_TYPES = (
    (
        "in person",
        re.compile(
            r"(?i)\b(?:someone|somebody|an?\s+(?:agent|person))\s+(?:to\s+|who\s+can\s+|will\s+)?"
            r"(?:show|walk|take|meet)\s+(?:her|him|them)\b|\bshow\s+(?:her|him|them)\s+around"
            r"|\bmeet\s+(?:her|him|them)\s+(?:there|on\s*site|at\s+the\s+(?:property|building))"
            r"|\bface\s+to\s+face\b|\bcome\s+in\s+person\b"
        ),
    ),
    (
        "virtual",
        re.compile(
            r"(?i)\b(?:on|over)\s+(?:a\s+)?(?:video|facetime|zoom|camera|a\s+call)\b"
            r"|\b(?:can'?t|cannot|won'?t|unable\s+to)\s+(?:make\s+it|come|be\s+there)\s+in\s+person"
            r"|\bfrom\s+(?:out\s+of\s+state|abroad|overseas|home)\b"
        ),
    ),
    (
        "self-guided",
        re.compile(
            r"(?i)\blet\s+(?:her|him|them)(?:self|selves)?\s+in\b|\b(?:with|using)\s+a\s+"
            r"(?:door\s+)?code\b|\bno\s+agent\s+needed\b|\bwithout\s+an?\s+agent\b"
        ),
    ),
)
_NOT_TYPE = re.compile(
    r"(?i)\b(?:not|no|don'?t\s+(?:want|need)\s+(?:a|an)?)\s*(?:a\s+|an\s+)?(?P<type>self[\s-]*guided"
    r"|in[\s-]*person|virtual|video)\b"
)


def tour_type_change(text: str, current: str | None) -> tuple[str | None, str | None]:
    """A tour type described in words ("someone to show her around" is in person), or, when the
    reply only says the tour's type is not what it is ("not self guided"), which one to ask."""
    for kind, pattern in _DESCRIBED_TYPES:
        if pattern.search(text):
            return kind, None
    negated = _NOT_TYPE.search(text)
    if negated is None or current is None or _kind(negated["type"]) != _kind(current):
        return None, None
    left = [kind for kind in ("self-guided", "in person", "virtual") if kind != _kind(current)]
    return None, f"Not {_kind(current)}: which then, {left[0]} or {left[1]}?"


def _kind(words: str) -> str:
    key = re.sub(r"[\s_-]+", "", words.lower())
    if key.startswith("self"):
        return "self-guided"
    if key.startswith("in"):
        return "in person"
    return "virtual"
