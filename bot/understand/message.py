"""The message being read: its text, what is left of it as pieces are taken, and the values found.

Pieces are blanked, never removed, so every offset still points into the text as the agent wrote
it, and line breaks stay, so lines and labels keep their shape. What later readers look at is
blanked with spaces; what the notes look at is blanked with `TAKEN`, so the notes know where a
piece was cut out of a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

FormValues = dict[str, str]
TAKEN = "\x01"


@dataclass(frozen=True)
class Label:
    """A labelled field of a lead email ("Phone: 555-201-7788"): what it holds and where."""

    kind: str
    start: int  # where the label begins
    value_start: int  # where the value begins (the label ends)
    end: int  # where the value ends


def blank(text: str, start: int, end: int, filler: str = " ") -> str:
    piece = text[start:end]
    blanked = filler * len(piece) if "\n" not in piece else re.sub(r"[^\n]", filler, piece)
    return text[:start] + blanked + text[end:]


def _edge(text: str, i: int, joiners: str) -> bool:
    """Nothing at `i` would make the word there part of a longer one ("Ann" in "Anna")."""
    return i < 0 or i >= len(text) or not (text[i].isalnum() or text[i] in joiners)


@dataclass(frozen=True)
class LeftOut:
    """Something the reader saw and did not put in a field, and why ("two phones, neither
    named as hers")."""

    words: str
    why: str


@dataclass
class Message:
    text: str
    values: FormValues = field(default_factory=dict)
    labels: list[Label] = field(default_factory=list)
    rest: str = ""  # what the notes may still use
    search: str = ""  # what later readers still look at: `rest`, with more hidden
    named: list[str] = field(default_factory=list)  # lines the notes open with ("Co-signer: …")
    sources: dict[str, str] = field(default_factory=dict)  # each value's words as written
    left_out: list[LeftOut] = field(default_factory=list)
    _last_taken: str = ""

    def __post_init__(self) -> None:
        self.rest = self.search = self.text

    def take(self, start: int, end: int) -> None:
        """The piece is read (or is filler): neither the notes nor later readers see it."""
        if end > start:
            self._last_taken = self.text[start:end]
            self.rest = blank(self.rest, start, end, TAKEN)
            self.search = blank(self.search, start, end)

    def hide(self, start: int, end: int) -> None:
        """Later readers skip the piece, but it stays for the notes."""
        if end > start:
            self.search = blank(self.search, start, end)

    def hide_all(self, spans: Iterable[tuple[int, int]]) -> None:
        """`hide` every piece at once: a long message may hold thousands."""
        search = list(self.search)
        for start, end in spans:
            for i in range(start, end):
                if search[i] != "\n":
                    search[i] = " "
        self.search = "".join(search)

    def take_all(self, spans: Iterable[tuple[int, int]]) -> None:
        """`take` every piece at once."""
        rest, search = list(self.rest), list(self.search)
        for start, end in spans:
            for i in range(start, end):
                if rest[i] != "\n":
                    rest[i], search[i] = TAKEN, " "
        self.rest, self.search = "".join(rest), "".join(search)

    def take_words(self, words: str, *, prefix: re.Pattern[str] | None = None) -> None:
        """Take every whole-word occurrence of `words` (and of `prefix`, ending where it starts)."""
        if not words:
            return
        start = self.rest.find(words)
        while start >= 0:
            end = start + len(words)
            if _edge(self.rest, start - 1, "@._'’-") and _edge(self.rest, end, "@_'’-"):
                before = prefix.search(self.rest, max(0, start - 8), start) if prefix else None
                self.take(before.start() if before else start, end)
            start = self.rest.find(words, end)

    def set(self, key: str, value: str, source: str | None = None) -> None:
        """Fill a field once; `source` is the words it came from (by default, the value as the
        text writes it, else the piece taken last)."""
        value = " ".join(value.split())
        if value and key not in self.values:
            self.values[key] = value
            self.sources[key] = " ".join((source or self._written(value)).split())

    def leave_out(self, words: str, why: str) -> None:
        """Say what was seen and not used, for whoever asks what the reader did."""
        seen = LeftOut(" ".join(words.split()), why)
        if seen.words and seen not in self.left_out:
            self.left_out.append(seen)

    def _written(self, value: str) -> str:
        """The words a value came from, when its reader did not say: the value where the text
        writes it, else the piece taken last (readers take a field's words as they set it)."""
        at = self.text.lower().find(value.lower())
        return self.text[at : at + len(value)] if at >= 0 else self._last_taken or value

    def note(self, line: str) -> None:
        """A line for the notes, said whole ("Roommate: Tasha, tasha.b@example.com")."""
        line = " ".join(line.split())
        if line and line not in self.named:
            self.named.append(line)

    def labelled(self, *kinds: str) -> Iterator[Label]:
        return (label for label in self.labels if label.kind in kinds)

    def is_taken(self, start: int, end: int) -> bool:
        return not self.rest[start:end].replace(TAKEN, "").strip()
