"""What kind of reply an agent wrote in a booking thread, read from its words alone: a cancel
(anywhere in the sentence), a go-ahead ("book it"), a question back ("is 7pm too late?"), chatter
("one sec"), or words that may change the booking. Several can be in one reply.

Only the shape of the sentence is read here; what a change changes is for `reading.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
# Words that open a clause without meaning anything for the booking.
_OPENERS = (
    r"(?:(?:ok(?:ay)?|so|then|well|also|and|but|oh|oops|hmm+|um+|uh|ah|wait|actually|sorry|no|nope|nah"
    r"|yeah|yes|yep|please|pls|just|fyi|btw|ugh|lol|great|cool|alright|right|hey"
    r"|on\s+second\s+thought|scratch\s+that|my\s+bad|never\s*mind|nvm)\b[\s,.!:-]*)*"
)
_BOOKING = r"(?:it|that|this(?:\s+one)?|the\s+(?:tour|booking|appointment|showing|visit|request)|everything|all\s+of\s+it|the\s+whole\s+thing)"  # noqa: E501
_LATER = r"(?:\s+(?:for\s+now|then|please|pls|thanks|now|anymore|too))*"
# A clause that calls the booking off. "scratch the roommate" is not one: its object is a person.
_CANCEL = re.compile(
    rf"{_OPENERS}(?:(?:please\s+)?(?:cancel|abort|kill|scrap|drop|call\s+off)(?:\s+{_BOOKING})?"
    rf"|(?:please\s+)?cancel\s+(?:[\w'.-]+\s+){{0,4}}(?:tour|booking|appointment|showing|visit)s?"
    rf"(?:\s+(?:on|for|at|this|tomorrow|today)\b.*)?"
    rf"|call\s+{_BOOKING}\s+off|hold\s+off(?:\s+on\s+(?:{_BOOKING}|booking(?:\s+it)?))?"
    rf"|(?:don'?t|do\s+not|dont|no\s+need\s+to|not\s+to)\s+(?:book|schedule|send|submit)"
    rf"(?:\s+{_BOOKING}|\s+(?:her|him|them|anything))?(?:\s+yet)?"
    rf"|no\s+(?:tour|booking)(?:\s+needed)?|(?:she|he|they)\s+(?:cancell?ed|backed\s+out)"
    rf"|(?:{_BOOKING}|the\s+tour)(?:'s|\s+is)\s+(?:off|cancell?ed)|don'?t\s+bother"
    rf"|we\s+(?:can|should)\s+(?:cancel|drop)\s+{_BOOKING}"
    rf"|(?:she|he|they)\s+(?:can'?t|cannot|won'?t\s+be\s+able\s+to)\s+make\s+it"
    rf"\s+(?:anymore|any\s+more|after\s+all|at\s+all)){_LATER}",
    re.IGNORECASE,
)
# Calling off only when nothing else in the reply changes the booking ("never mind, make it 5"
# takes back a word, it does not end the conversation).
_WEAK_CANCEL = re.compile(
    rf"{_OPENERS}(?:never\s*mind|nevermind|nvm|forget\s+(?:it|about\s+it|that)|stop"
    rf"|scratch\s+(?:that|it)|no\s+thanks|not\s+anymore){_LATER}",
    re.IGNORECASE,
)
# "Can we undo?": off only beside why the tour is off ("she can't make it"); alone, it may mean
# the last change.
_UNDO = re.compile(
    rf"{_OPENERS}(?:(?:can|could)\s+(?:we|you|u)\s+)?undo(?:\s+{_BOOKING})?\??{_LATER}",
    re.IGNORECASE,
)
# Why a tour is off: the prospect went elsewhere or lost interest.
_GONE = re.compile(
    r"(?i)\b(?:not\s+interested|no\s+longer|found\s+(?:a|another|an)\b|signed\s+(?:a|the|with"
    r"|somewhere|elsewhere)|went\s+with|changed\s+(?:her|his|their)\s+mind|(?:isn'?t|is\s+not"
    r"|not|won'?t\s+be)\s+coming|backed\s+out|took\s+(?:a|another)\s+(?:place|unit|apartment)"
    r"|(?:doesn'?t|does\s+not|don'?t)\s+(?:want|need)\s+(?:it|the\s+tour|a\s+tour)"
    r"|(?:can'?t|cannot|won'?t\s+be\s+able\s+to)\s+make\s+it\b(?!\s+(?:at|on|by|this|next|to)\b))"
)
_GO_AHEAD = re.compile(
    rf"{_OPENERS}(?:(?:looks?\s+good|lgtm|sounds\s+good|perfect|all\s+good|that'?s\s+(?:it|right"
    rf"|correct)|great)[\s,.!]*)?(?:(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+)?)?"
    rf"(?:(?:go\s+ahead|please)\s+(?:and\s+)?)?(?:book|schedule|submit"
    rf"|send|confirm)(?:\s+(?:{_BOOKING}|her|him|them))?(?:\s+(?:in|now|for\s+(?:her|him|them|me)"
    rf"|please|pls|thanks|thank\s+you))*",
    re.IGNORECASE,
)
# A go-ahead only when it is the whole reply: "yes the 28th" answers a question, it books nothing.
_WEAK_GO_AHEAD = re.compile(
    rf"{_OPENERS}(?:yes|yep|yeah|yup|confirm(?:ed)?|go\s+ahead|do\s+it|send\s+it|ship\s+it"
    rf"|looks?\s+good|lgtm|sounds\s+good|correct|that'?s\s+right|all\s+good|perfect)"
    rf"(?:\s+(?:please|pls|thanks|thank\s+you))*",
    re.IGNORECASE,
)
_QUESTION_WORD = re.compile(
    r"(?:is|are|was|were|does|do|did|will|would|should|what|when|where|which|who|whom|why"
    r"|how(?!\s+about)|any|anything|isn'?t|aren'?t|doesn'?t|won'?t)\b",
    re.IGNORECASE,
)
# Questions that ask the bot to change something are requests: "can we do an hour earlier?".
_REQUEST = re.compile(
    r"(?:can|could|would|will)\s+(?:we|you|u|i)\b|how\s+about|what\s+about|maybe|let'?s",
    re.IGNORECASE,
)
_CALL_OFF = re.compile(rf"{_OPENERS}(?:please\s+)?(?:cancel|call\s+(?:\S+\s+)*?off)\b", re.I)
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")
_MOVED_INSTEAD = re.compile(
    r"(?i)\b(?:and|then|to)\s+(?:re)?book\s+(?:it\s+|her\s+|him\s+|them\s+)?(?:for\s+|on\s+)?"
    r"(?:\w+\s+)?\w*(?:day|\d)\w*|\b(?:book|do|make\s+it)\s+\S+(?:\s+\S+)?\s+instead\b"
)
_CLAUSE = re.compile(r"[.!?;\n]+|,\s*|\s+-+\s+|\s+(?:and|but|so|then)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Shape:
    """What the reply is, as far as its words show."""

    text: str  # the reply, mentions taken out
    cancel: bool  # calls the booking off
    calls_off: bool  # says "cancel" or "call off" itself (not "don't book", "hold off")
    weak_cancel: bool  # "never mind": off only if nothing else changes
    book: bool  # a go-ahead
    weak_book: bool  # "yes": a go-ahead only if the reply is nothing more
    question: str | None  # a question back to the bot, as written
    rest: str  # the reply without its question: what may change the booking


def shape_of(text: str) -> Shape:
    spoken = " ".join(MENTION.sub(" ", text).split())
    words = spoken.replace("’", "'")
    clauses = [c.strip() for c in _CLAUSE.split(words) if c and c.strip()]
    whole = words.strip().strip(".!").strip()
    # "cancel the tour on friday and book saturday instead" moves the tour: no cancel
    moves = bool(_MOVED_INSTEAD.search(words))
    cancel = not moves and (
        any(_CANCEL.fullmatch(c) for c in clauses) or bool(_CANCEL.fullmatch(whole))
    )
    # "never mind" alone, or with why the tour is off; "never mind, it's fine" is no cancel.
    weak_cancel = bool(_WEAK_CANCEL.fullmatch(whole)) or (
        any(_WEAK_CANCEL.fullmatch(c) or _UNDO.fullmatch(c) for c in clauses)
        and bool(_GONE.search(words))
    )
    negated = bool(re.search(r"\b(?:don'?t|do\s+not|dont|not\s+to|no\s+need\s+to)\s+book", words))
    book = not negated and (
        any(_GO_AHEAD.fullmatch(c) for c in clauses) or bool(_GO_AHEAD.fullmatch(whole))
    )
    weak_book = not negated and bool(_WEAK_GO_AHEAD.fullmatch(whole))
    question, rest = _question(spoken)
    calls_off = cancel and any(
        _CANCEL.fullmatch(c) and _CALL_OFF.match(c) for c in [*clauses, whole]
    )
    return Shape(spoken, cancel, calls_off, weak_cancel, book, weak_book, question, rest)


def _question(spoken: str) -> tuple[str | None, str]:
    """The sentence that asks the bot something ("is 7pm too late?"), and the rest."""
    sentences = [s for s in _SENTENCE.split(spoken) if s.strip()]
    for index, sentence in enumerate(sentences):
        asked = _unopened(sentence)
        if not sentence.rstrip().endswith("?") or _REQUEST.match(asked):
            continue
        if _QUESTION_WORD.match(asked):
            rest = " ".join(sentences[:index] + sentences[index + 1 :])
            return sentence.strip(), rest
    return None, spoken


def _unopened(sentence: str) -> str:
    """The sentence without its opening fillers ("ok so is 7 too late?" asks "is 7 too late?")."""
    opener = re.match(_OPENERS, sentence.replace("’", "'"), re.IGNORECASE)
    return sentence[opener.end() :] if opener else sentence


def is_chatter(text: str) -> bool:
    """Nothing but fillers: "ok", "one sec", "thanks!"."""
    left = re.sub(_OPENERS, "", text.replace("’", "'"), flags=re.IGNORECASE)
    left = re.sub(
        r"(?i)\b(?:thanks|thank\s+you|thx|ty|one\s+sec(?:ond)?|hold\s+on|brb)\b", "", left
    )
    return not re.search(r"\w", left)


_NEW_REQUEST = re.compile(
    rf"{_OPENERS}(?:can\s+you\s+|could\s+you\s+|please\s+)?(?:book|schedule|set\s+up|add)\b",
    re.IGNORECASE,
)


def asks_to_book(text: str) -> bool:
    """The message opens with a request to book ("book her again for tuesday at 3")."""
    return bool(_NEW_REQUEST.match(" ".join(MENTION.sub(" ", text).split())))


# Words that ask for a change: a number, a day, a name, an email, "instead", "not".
_ASKS_A_CHANGE = re.compile(
    r"(?i)\d|@|\b(?:name|instead|not|make\s+it|change|move|push|quarter|half|noon|midnight|am|pm"
    r"|today|tomorrow|tmrw|tonight|mon|tue|wed|thu|fri|sat|sun)[a-z]*\b"
)


def unread_beside_book(spoken: str) -> str | None:
    """A part of a "book it" reply that asks for a change ("book it but make it quarter to 5"):
    when no change was read from it, booking would send the old values."""
    for clause in _CLAUSE.split(" ".join(MENTION.sub(" ", spoken).split())):
        clause = (clause or "").strip()
        if clause and not _GO_AHEAD.fullmatch(clause) and _ASKS_A_CHANGE.search(clause):
            return clause
    return None
