"""A pattern looked for only where one of its first words stands.

Python's regular expressions try a pattern that opens with a choice of words ("after|before|
until") at every position of the text. Finding where those words begin is far cheaper: the
lower-cased text is scanned for their first letters, which the engine does in C, and the whole
pattern is tried only there. The matches are the ones `finditer` gives, in the same order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import groupby


@dataclass(frozen=True)
class Anchored:
    """`pattern`, every match of which starts with one of `starts` (lower case)."""

    pattern: re.Pattern[str]
    starts: Sequence[str]
    _finder: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_finder", starts_finder(self.starts))

    def finditer(
        self, text: str, lower: str | None = None, start: int = 0, end: int | None = None
    ) -> Iterator[re.Match[str]]:
        """As `pattern.finditer(text, start, end)`; `lower` is `text.lower()` if known. A
        case-insensitive pattern reads text that is not ASCII folded, whatever `lower` is: the
        engine matches "ſ" to "s", which lower case keeps."""
        end = len(text) if end is None else end
        if self.pattern.flags & re.IGNORECASE:
            lower = fold(text) if lower is None or not text.isascii() else lower
        elif lower is None:
            lower = lowered(text)
        if len(lower) != len(text):  # a letter whose lower case is longer: read it all
            yield from self.pattern.finditer(text, start, end)
            return
        at = start
        for candidate in self._finder.finditer(lower, start, end):
            if candidate.start() < at:
                continue
            if m := self.pattern.match(text, candidate.start(), end):
                yield m
                at = m.end() if m.end() > m.start() else m.start() + 1

    def search(
        self, text: str, lower: str | None = None, start: int = 0, end: int | None = None
    ) -> re.Match[str] | None:
        """As `pattern.search(text, start, end)`: the first of `finditer`'s matches."""
        return next(self.finditer(text, lower, start, end), None)


def starts_finder(words: Sequence[str]) -> re.Pattern[str]:
    """A pattern that consumes the first letter of each place one of `words` begins: a choice of
    single letters leads it, so the engine skips ahead to them, and overlapping places are all
    found ("until" and the "til" inside it)."""
    branches = []
    for first, group in groupby(sorted(set(words)), key=lambda word: word[0]):
        rests = sorted({word[1:] for word in group}, key=len, reverse=True)
        if "" in rests:
            branches.append(re.escape(first))
        else:
            branches.append(re.escape(first) + "(?=" + "|".join(map(re.escape, rests)) + ")")
    return re.compile("|".join(branches))


def may_hold(text: str, cues: Sequence[str], *, ignore_case: bool = False) -> bool:
    """False only when no match of a pattern, one of whose `cues` is in every match, can be in
    `text`: a substring test spares a regex scan of a long text. With `ignore_case` (the pattern
    is case-insensitive, the cues lower case) the text is tested as `folded`."""
    if ignore_case:
        text = folded(text)
    return any(cue in text for cue in cues)


# What IGNORECASE matches to an ASCII letter that `str.lower` makes no ASCII letter: "ı" and "İ"
# match "i", "ſ" matches "s" (tests/understand/test_scan.py goes through every character).
_FOLDS = str.maketrans({"ı": "i", "İ": "i", "ſ": "s"})


@lru_cache(maxsize=16)
def folded(text: str) -> str:
    """`text` in lower case, one character for one: each character a case-insensitive pattern
    matches to an ASCII letter is that letter here. Kept for the few texts of a message."""
    return lowered(text) if text.isascii() else fold(text)


def fold(word: str) -> str:
    """`folded`, not kept: for a word a pattern found ("MOMſ" is "moms")."""
    if "ı" in word or "İ" in word or "ſ" in word:  # a translation costs far more than a look
        word = word.translate(_FOLDS)
    return word.lower()


@lru_cache(maxsize=16)
def lowered(text: str) -> str:
    """`text.lower()`, worked out once: every reader of a message looks at it in lower case."""
    return text.lower()


_Tree = dict[str, "_Tree"]  # each piece of a word, and the pieces after it ("" ends a word)


def choice(
    words: Iterable[str], space: str = r"[ \t_]+", spelled: Mapping[str, str] | None = None
) -> str:
    """A pattern matching any of `words` (a space in one matches `space`, a character of
    `spelled` its pattern there), as a tree of shared beginnings: the engine tries a letter once,
    not once per word that starts with it. Matches what the plain choice of the words, longest
    first, matches wherever at most one of them can lead to a whole match."""
    pieces = {" ": space, **(spelled or {})}
    tree: _Tree = {}
    for word in words:
        node = tree
        for c in word:
            node = node.setdefault(pieces.get(c) or re.escape(c), {})
        node[""] = {}
    return _branches(tree)


def _branches(node: _Tree) -> str:
    ends = "" in node
    ways = [piece + _branches(below) for piece, below in node.items() if piece]
    if not ways:
        return ""
    joined = ways[0] if len(ways) == 1 and not ends else "(?:" + "|".join(ways) + ")"
    return joined + "?" if ends else joined
