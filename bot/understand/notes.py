"""The notes: what is left of the message once every field is taken, less the filler ("book a
tour", "please", greetings, sign-offs, labels whose value was read). Nothing left that means
anything gives no notes at all.

Where a piece was cut out of a sentence the sentence is split, so "wants to see a [studio at Cedar
Ridge] any day after 5pm" leaves "any day after 5pm", not a sentence with a hole in it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.booking.appointment import NOTES_MAX, text_length
from bot.understand.message import TAKEN

# Dropped from the start of a piece: greetings, politeness, joining words, "can you book".
_LEADING = frozenset(
    """
    hi hello hey heya yo dear team all folks guys everyone please pls plz kindly thanks thank thx
    ty tyvm cheers and or but also plus so then re fwd fw fyi walk-in walkin reminder
    can could would you someone book booking schedule add squeeze fit pencil slot hola soy
    """.split()
)
# Dropped from the end of a piece.
_TRAILING = frozenset(
    "please pls plz thanks thank thx ty tyvm cheers and or but also plus so for at on with to by "
    "from a an the want wants wanted would like see is are was".split()
)
# Words that alone mean nothing for the tour: a piece made only of these is dropped.
_WEAK = (
    _LEADING
    | _TRAILING
    | frozenset(
        """
        a an the for at on in to by of from with via about around if that possible soon as can
        could would you book booking booked schedule scheduling set up tour tours showing
        appointment appt visit viewing new lead prospect client ok okay sure great looking good
        morning afternoon evening i i'd i'm im id me my we we'd we're us our your u she he they
        her him his them their it its it's this these those there here is are am was be been
        will should like likes want wants wanted wanting need needs needed see look interested
        interest just quick some any one someone somebody anyone name first last email e-mail
        mail phone cell mobile tel number no budget rent price range max min bedroom bedrooms
        beds bed br lease term month months mo move moving move-in movein date time type day
        when call text reach contact do does get go come coming check message comments comment
        note notes inquiry request requested asked asking info details source property
        community apartment apartments apt place touring let know let's lets wanna 'd 's per
        works saw listing ad online website able love loved hoping hope glad happy apts units
        unit add fit squeeze pencil slot
        """.split()
    )
)
_QUESTION = re.compile(
    r"(?i)^(?:is|are|do|does|did|can|could|would|will|what|when|where|how|why|which|who)\b"
)
_SIGNATURE = re.compile(r"(?m)^[ \t]*--[ \t]*$")
_CLOSING = re.compile(
    r"(?i)^(?:thanks|thank\s+you|thx|best|best\s+regards|regards|kind\s+regards|warm\s+regards"
    r"|cheers|sincerely|respectfully|take\s+care|talk\s+soon)\b[\s,!.]*$"
)
_PIECE = re.compile(rf"[{TAKEN}]+|(?<!\d),|,(?!\d)|[;|•·\n]|\s[-–—/]+\s|//|(?<=[!?])\s*")
# A full stop ends a sentence, unless it ends "Mr." or "Apt.".
_SENTENCE_END = re.compile(r"(?<=\.)\s+(?=\S)")
_ABBREVIATIONS = frozenset("mr mrs ms dr st ave apt jr sr no vs etc approx jan feb mar apr".split())
_PUNCTUATION = ".,;:!?()[]{}\"'*_~-–—/"
_ALNUM = re.compile(r"[^\W_]")  # what str.isalnum holds, one character


def leftover(rest: str, named: Sequence[str] = ()) -> str | None:
    """The notes from `rest`, the message with every taken piece blanked, or None; `named` are
    whole lines the readers wrote (another person's contact), which come first."""
    if signature := _SIGNATURE.search(rest):
        rest = rest[: signature.start()]
    kept = list(named)
    length = len("; ".join(kept))
    # A part without a letter or a digit means nothing; past NOTES_MAX the rest is cut anyway.
    parts = (part for part in _PIECE.split(rest) if _ALNUM.search(part))
    for piece in (p for part in parts for p in _sentences(part)):
        if length > NOTES_MAX:
            break
        words = piece.split()
        while words and (_is_mark(words[0]) or _bare(words[0]) in _LEADING):
            words.pop(0)
        while words and (_is_mark(words[-1]) or _bare(words[-1]) in _TRAILING):
            words.pop()
        text = " ".join(words).lstrip("/-–—:;,.")
        if text.count("(") != text.count(")"):
            text = text.strip("()")
        text = text if _QUESTION.match(text) else text.rstrip("?!")
        text = text.rstrip(".:;,-–— ")
        if text and not _CLOSING.match(text) and any(_means_something(w) for w in words):
            length += len(text) + (2 if kept else 0)
            kept.append(text)
    return _fitted("; ".join(kept)) or None


def _fitted(notes: str) -> str:
    """At most what the notes field holds: a long email's leftovers end with "…" where cut."""
    if text_length(notes) <= NOTES_MAX:
        return notes
    cut = notes[: NOTES_MAX - 1]
    while text_length(cut) > NOTES_MAX - 1:  # emoji count twice
        cut = cut[:-1]
    if (boundary := cut.rfind("; ")) > NOTES_MAX // 2:
        cut = cut[:boundary]
    return cut.rstrip() + "…"


def _sentences(text: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        word = text[: m.start()].rsplit(None, 1)[-1] if text[: m.start()].strip() else ""
        bare = _bare(word)
        if bare not in _ABBREVIATIONS and not (len(bare) == 1 and bare.isalpha()):
            pieces.append(text[start : m.start()])
            start = m.end()
    pieces.append(text[start:])
    return pieces


def _bare(word: str) -> str:
    return word.strip(_PUNCTUATION).lower().replace("’", "'")


def _is_mark(word: str) -> bool:
    """Punctuation, an emoji or a mention of the bot: nothing to read."""
    return word.startswith("@") or not any(c.isalnum() for c in word)


def _means_something(word: str) -> bool:
    bare = _bare(word)
    return _two_alnum(bare) and bare not in _WEAK


def _two_alnum(word: str) -> bool:
    """Two of `word`'s characters are letters or digits (a page-long word is not counted)."""
    first = _ALNUM.search(word)
    return first is not None and _ALNUM.search(word, first.end()) is not None
