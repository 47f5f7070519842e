"""Which of the known communities the message names, read loosely: "maple court", "the Maple",
"mapel court" all name Maple Court Apartments. Only one community, clearly named, is taken.

A mention is clear when it holds two words of the name, "the" and the name's own word, or that
word spelt exactly; a misspelt word alone ("mapel") is not enough, nor are words every name has
("court", "apartments").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from bot.understand.message import Message

Communities = Sequence[tuple[str, str]]

# Words that say what kind of place it is, not which one.
_GENERIC = frozenset(
    "the at on of and in apartments apartment apts apt residences residence lofts loft townhomes "
    "townhouses homes home court ct square sq place pl park village commons tower towers heights "
    "gardens garden terrace station landing pointe point crossing ridge view plaza manor estates "
    "flats house living community suites row street st avenue ave road rd drive dr lane ln way "
    "boulevard blvd".split()
)
_SAME = {"sq": "square", "ct": "court", "apts": "apartments", "apt": "apartments", "pl": "place"}
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_GAP = re.compile(r"[\s&@,\-]{1,3}")


@dataclass(frozen=True)
class _Known:
    id: str
    words: tuple[str, ...]  # the name's words, lower case
    own: frozenset[str]  # the words that tell it from other places


@dataclass(frozen=True)
class _Index:
    known: tuple[_Known, ...]
    exact: dict[str, frozenset[int]]  # any word of a name: the communities it belongs to
    near: dict[str, frozenset[str]]  # one letter deleted: the own words it may be a typo of
    ids: dict[str, int]
    longest: int  # the longest own word: a word much longer is no typo of one
    # Each word's candidates, as `_candidates` finds them: a long message repeats its words.
    seen: dict[str, dict[int, bool]] = field(default_factory=dict, compare=False, repr=False)


@lru_cache(maxsize=2)  # thousands of names take megabytes: the list in use, and the one before
def _index(communities: tuple[tuple[str, str], ...]) -> _Index:
    known = []
    exact: dict[str, set[int]] = {}
    near: dict[str, set[str]] = {}
    for i, (community_id, name) in enumerate(communities):
        words = tuple(_SAME.get(w, w) for w in _WORD.findall(name.lower()))
        own = frozenset(w for w in words if w not in _GENERIC) or frozenset(
            w for w in words if w not in ("the", "at", "of", "and", "on", "in")
        )
        known.append(_Known(community_id, words, own))
        for word in words:
            exact.setdefault(word, set()).add(i)
        for word in own:
            if len(word) >= 5:
                for variant in _deletions(word):
                    near.setdefault(variant, set()).add(word)
    return _Index(
        tuple(known),
        {w: frozenset(c) for w, c in exact.items()},
        {w: frozenset(c) for w, c in near.items()},
        {community_id.lower(): i for i, (community_id, _) in enumerate(communities)},
        max((len(word) for word in near), default=0),
    )


_last: list[tuple[tuple[tuple[str, str], ...], _Index]] = []  # the list read last, and its index


def _index_of(communities: Communities) -> _Index:
    """The index of `communities`: the bot's list is one tuple until it is read again, so it is
    known by identity, not hashed (thousands of names) on every message."""
    if _last and _last[0][0] is communities:
        return _last[0][1]
    pairs = tuple(communities)
    index = _index(pairs)
    if pairs is communities:  # a tuple: it cannot change under its identity
        _last[:] = [(pairs, index)]
    return index


def prepare_communities(communities: Communities) -> None:
    """Index `communities` now (5,000 names take about 50 ms), so no message waits for it."""
    _index_of(communities)


def take_community(message: Message, communities: Communities) -> None:
    if not communities:
        return
    index = _index_of(communities)
    labels = list(message.labelled("community"))
    regions = [(label.value_start, label.end) for label in labels] or [(0, len(message.text))]
    mentions: list[tuple[int, int, int]] = []  # (community, start, end)
    for start, end in regions:
        mentions += _mentions(message.search, start, end, index, loose=bool(labels))
    places = [message.search[s:e] for _, s, e in mentions]
    if not mentions:
        for label in message.labelled("subject"):  # read, not taken: the header is gone already
            found = _mentions(message.text, label.value_start, label.end, index, loose=False)
            places += [message.text[s:e] for _, s, e in found]
            mentions += found
    message.place_words = frozenset(w.lower() for place in places for w in _WORD.findall(place))
    named = {community for community, _, _ in mentions}
    if len(named) != 1 or min(named) < 0:
        return
    message.set("community", index.known[named.pop()].id)
    for label in labels:
        # "Listing: 1200 Maple Ave #4B": the unit is worth keeping, so the notes keep it all.
        spans = [(s, e) for _, s, e in mentions if label.value_start <= s < label.end]
        if _covers(message.search, label.value_start, label.end, spans):
            message.take(label.start, label.end)
        else:
            for span in spans:
                message.hide(*span)
    if not labels:
        for _, start, end in mentions:
            message.take(start, end)


def _covers(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    left = text[start:end]
    for s, e in sorted(spans, reverse=True):
        left = left[: s - start] + left[e - start :]
    return not any(c.isalnum() for c in left)


def _mentions(
    text: str, start: int, end: int, index: _Index, *, loose: bool
) -> list[tuple[int, int, int]]:
    found: list[tuple[int, int, int]] = []
    for m in re.finditer(r"[\w-]+", text[start:end]):
        if (i := index.ids.get(m.group(0).lower())) is not None:
            found.append((i, start + m.start(), start + m.end()))
    words = [(m.start(), m.end(), m.group(0).lower()) for m in _WORD.finditer(text, start, end)]
    joined = _Joined(text, words)
    # Only a word that may name a community can start a mention: the others are skipped here,
    # each distinct word looked up once, not each of a long message's words in turn.
    named = {word for word in {w for _, _, w in words} if _candidates(_SAME.get(word, word), index)}
    i = 0
    for at in [k for k, (_, _, word) in enumerate(words) if word in named]:
        if at < i:
            continue
        best = _best_at(words, joined, at, index, loose=loose)
        if best is None:
            i = at + 1
            continue
        community, first, last = best
        found.append((community, words[first][0], words[last][1]))
        i = last + 1
    return _outermost(found)  # a community of -1: two fit one mention equally well


def _outermost(found: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """The mentions not inside a longer one: "park square", read from its own word before a
    later word read "park square senior living", is part of that one. In one sweep by start:
    a mention ending no later than the furthest end so far lies inside the one that reached it.
    """
    kept: list[tuple[int, int, int]] = []
    reach, reaching = -1, (-1, -1)
    for community, start, end in sorted(found, key=lambda m: (m[1], -m[2])):
        if end <= reach and (start, end) != reaching:
            continue
        kept.append((community, start, end))
        if end > reach:
            reach, reaching = end, (start, end)
    return kept


class _Joined:
    """Whether words k and k + 1 are joined by a gap a name may have: worked out only for the
    words next to a candidate, which most words of a long message are not."""

    def __init__(self, text: str, words: list[tuple[int, int, str]]) -> None:
        self.text = text
        self.words = words
        self.known: dict[int, bool] = {}

    def __getitem__(self, k: int) -> bool:
        if (joined := self.known.get(k)) is None:
            joined = bool(_GAP.fullmatch(self.text, self.words[k][1], self.words[k + 1][0]))
            self.known[k] = joined
        return joined


def _candidates(word: str, index: _Index) -> dict[int, bool]:
    """The communities `word` may name: True when it is one of their own words, False when it
    is one edit from one."""
    if (known := index.seen.get(word)) is not None:
        return known
    candidates = {c: True for c in index.exact.get(word, ()) if word in index.known[c].own}
    if 4 <= len(word) <= index.longest + 1:  # one edit from a known word, or none
        for variant in _deletions(word):
            for own in index.near.get(variant, ()):
                if own != word and _distance(own, word) <= 1:
                    for c in index.exact[own]:
                        candidates.setdefault(c, False)
    if len(index.seen) < _SEEN_MAX:
        index.seen[word] = candidates
    return candidates


_SEEN_MAX = 50_000  # words remembered per list of communities


def _best_at(
    words: list[tuple[int, int, str]], joined: _Joined, i: int, index: _Index, *, loose: bool
) -> tuple[int, int, int] | None:
    """The community named by the words around word i, if word i is one of its own words."""
    word = _SAME.get(words[i][2], words[i][2])
    candidates = _candidates(word, index)
    if not candidates:
        return None
    scored: list[tuple[tuple[int, int, bool], int, int, int]] = []  # (score, community, span)
    for community, exact in candidates.items():
        known = index.known[community]
        first, last = i, i
        while last + 1 < len(words) and joined[last] and _fits(words[last + 1][2], known):
            last += 1
        while first > 0 and joined[first - 1] and _fits(words[first - 1][2], known):
            first -= 1
        if first > 0 and joined[first - 1] and words[first - 1][2] == "the":
            first -= 1
        covered = last - first + 1
        if covered >= 2 or loose or (exact and len(word) >= 4):
            said = {_SAME.get(w, w) for _, _, w in words[first : last + 1]}
            spelt = len(said & set(known.words))
            # More words, then more of them spelt as the name has them, then the whole name
            # said: "maple court apartments" is Maple Court Apartments, not Maple Court
            # Apartment Homes; "linden square" is Linden Square, not Linden Square Living.
            whole = set(known.words) - {"the"} <= said
            scored.append(((covered, spelt, whole), community, first, last))
    if not scored:
        return None
    scored.sort(reverse=True)
    score, community, first, last = scored[0]
    if len(scored) > 1 and scored[1][0] == score:
        # Two names fit equally: a place named unclearly, unless one word is all there is
        # ("Stone", with many "Stone …" communities), which may as well be a person's.
        return None if score[0] == 1 else (-1, first, last)
    return community, first, last


def _fits(word: str, known: _Known) -> bool:
    word = _SAME.get(word, word)
    if word in known.words:
        return True
    return len(word) >= 5 and any(
        len(own) >= 5 and _distance(own, word) <= 1 for own in known.words
    )


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))} | {word}


def _distance(a: str, b: str) -> int:
    """Edit distance counting a swap of two neighbours as one edit ("mapel" is one from "maple")."""
    if abs(len(a) - len(b)) > 1:
        return 2
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]
