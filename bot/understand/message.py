"""The message being read: its text, what is left of it as pieces are taken, and the values found.

Pieces are blanked, never removed, so every offset still points into the text as the agent wrote
it, and line breaks stay, so lines and labels keep their shape. What later readers look at is
blanked with spaces; what the notes look at is blanked with `TAKEN`, so the notes know where a
piece was cut out of a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

FormValues = dict[str, str]
TAKEN = "\x01"


@dataclass(frozen=True)
class Label:
    """A labelled field of a lead email ("Phone: 555-201-7788"): what it holds and where."""

    kind: str
    start: int  # where the label begins
    value_start: int  # where the value begins (the label ends)
    end: int  # where the value ends


def merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans in order, overlapping ones joined."""
    joined: list[tuple[int, int]] = []
    for start, end in sorted(span for span in spans if span[1] > span[0]):
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
        else:
            joined.append((start, end))
    return joined


_NOT_NEWLINE = re.compile(r"[^\n]")


def blanked(text: str, spans: list[tuple[int, int]], filler: str) -> str:
    """`text` with each of the ordered, disjoint `spans` blanked with `filler`; its lines keep
    their shape."""
    parts: list[str] = []
    at = 0
    for start, end in spans:
        parts.append(text[at:start])
        piece = text[start:end]
        parts.append(_NOT_NEWLINE.sub(filler, piece) if "\n" in piece else filler * len(piece))
        at = end
    parts.append(text[at:])
    return "".join(parts)


def _edge(text: str, i: int, joiners: str) -> bool:
    """Nothing at `i` would make the word there part of a longer one ("Ann" in "Anna")."""
    return i < 0 or i >= len(text) or not (text[i].isalnum() or text[i] in joiners)


@dataclass(frozen=True)
class LeftOut:
    """Something the reader saw and did not put in a field, and why ("two phones, neither
    named as hers")."""

    words: str
    why: str


class Message:
    """The text being read, what is left of it, and the values found so far.

    `rest` and `search` are built when read: pieces taken or hidden meanwhile are blanked in one
    pass, so a reader taking a thousand pieces of a long message does not copy it a thousand
    times."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.values: FormValues = {}
        self.labels: list[Label] = []
        self.named: list[str] = []  # lines the notes open with ("Co-signer: …")
        self.sources: dict[str, str] = {}  # each value's words as written
        self.left_out: list[LeftOut] = []
        # Words a community was named with, taken or not: they are a place's, not a person's.
        self.place_words: frozenset[str] = frozenset()
        self._rest = self._search = text
        self._taken: list[tuple[int, int]] = []  # still to blank in both
        self._hidden: list[tuple[int, int]] = []  # still to blank in `search` only
        self._last_taken = ""

    @property
    def rest(self) -> str:
        """What the notes may still use: taken pieces are `TAKEN`."""
        if self._taken:
            self._apply()
        return self._rest

    @property
    def search(self) -> str:
        """What later readers still look at: `rest`, with more hidden, all blanked with spaces."""
        if self._taken or self._hidden:
            self._apply()
        return self._search

    def _apply(self) -> None:
        taken = merged(self._taken)
        self._rest = blanked(self._rest, taken, TAKEN)
        self._search = blanked(self._search, merged(self._taken + self._hidden), " ")
        self._taken.clear()
        self._hidden.clear()

    def take(self, start: int, end: int) -> None:
        """The piece is read (or is filler): neither the notes nor later readers see it."""
        if end > start:
            self._last_taken = self.text[start:end]
            self._taken.append((start, end))

    def hide(self, start: int, end: int) -> None:
        """Later readers skip the piece, but it stays for the notes."""
        if end > start:
            self._hidden.append((start, end))

    def hide_all(self, spans: Iterable[tuple[int, int]]) -> None:
        """`hide` every piece."""
        for start, end in spans:
            self.hide(start, end)

    def take_all(self, spans: Iterable[tuple[int, int]]) -> None:
        """`take` every piece."""
        for start, end in spans:
            self.take(start, end)

    def take_words(self, words: str, *, prefix: re.Pattern[str] | None = None) -> None:
        """Take every whole-word occurrence of `words` (and of `prefix`, ending where it starts)."""
        if not words:
            return
        rest = self.rest
        last_end = -len(words)
        start = rest.find(words)
        while start >= 0:
            end = start + len(words)
            if start - 8 < last_end:  # the piece just taken is in view: read it as taken
                rest = self.rest
            if _edge(rest, start - 1, "@._'’-") and _edge(rest, end, "@_'’-"):
                before = prefix.search(rest, max(0, start - 8), start) if prefix else None
                self.take(before.start() if before else start, end)
                last_end = end
            start = rest.find(words, end)

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
