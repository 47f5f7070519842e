"""The reader's shortcuts give what the long way gives: each fast path is checked against the
slow one it replaces, on the development messages and on texts made at random."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.booking import text as booking_text
from bot.understand import community, names, notes, read_request
from bot.understand.scan import lowered
from tests.understand.dev_set import load

MESSAGES = [item["text"] for item in load("messages.yaml")]
EVERY_CHARACTER = "".join(chr(code) for code in range(0x110000))
PIECES = [
    "for", "Jane Doe", "booked", "booking", "schedule", "prospect's name is", "client named",
    "I am", "I'm", "I’m", "It’s", "its", "call", "text", "email from", "e-mail from", "tour with",
    "fit in", "put down", "sign up", "add", "soy", "me llamo", "mi nombre es", "vm from",
    "name is", "names", "this is", "im", "i", "it", "Maple Court", "maple", "the willows",
    "riverside lofts", "Riverside", "court", "Apartments", "mapel", "ſoy", "İ", "\n", ", ", " - ",
    "  ", ":", "/", "7", "tomorrow at 3pm", "> On Mon", "wrote:", "😀", "thanks", "…",
]  # fmt: skip
texts = st.builds(
    lambda pieces, cut: " ".join(pieces)[cut:],
    st.lists(st.sampled_from(PIECES), max_size=16),
    st.integers(0, 3),
)


def test_the_suspect_class_as_ranges_finds_the_characters_listed_one_by_one() -> None:
    one_by_one = re.compile(
        "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff"
        + "".join(sorted(booking_text._HIDING))
        + "]"
    )
    assert booking_text._SUSPECT.findall(EVERY_CHARACTER) == one_by_one.findall(EVERY_CHARACTER)


def test_the_alphanumeric_class_is_what_isalnum_holds() -> None:
    found = set(notes._ALNUM.findall(EVERY_CHARACTER))
    assert found == {c for c in EVERY_CHARACTER if c.isalnum()}


@settings(max_examples=300, deadline=None)
@given(word=st.text(max_size=12))
def test_two_alphanumerics_are_counted_as_the_sum_counts_them(word: str) -> None:
    assert notes._two_alnum(word) == (sum(c.isalnum() for c in word) >= 2)


def _leftover_the_long_way(rest: str, named: list[str]) -> str | None:
    """`notes.leftover` as it was: every part read, however long the notes already are."""
    if signature := notes._SIGNATURE.search(rest):
        rest = rest[: signature.start()]
    kept = list(named)
    for piece in (p for part in notes._PIECE.split(rest) for p in notes._sentences(part)):
        words = piece.split()
        while words and (notes._is_mark(words[0]) or notes._bare(words[0]) in notes._LEADING):
            words.pop(0)
        while words and (notes._is_mark(words[-1]) or notes._bare(words[-1]) in notes._TRAILING):
            words.pop()
        text = " ".join(words).lstrip("/-–—:;,.")
        if text.count("(") != text.count(")"):
            text = text.strip("()")
        text = text if notes._QUESTION.match(text) else text.rstrip("?!")
        text = text.rstrip(".:;,-–— ")
        if text and not notes._CLOSING.match(text) and any(map(notes._means_something, words)):
            kept.append(text)
    return notes._fitted("; ".join(kept)) or None


def test_the_notes_are_the_same_on_every_development_message_and_its_repeats() -> None:
    for text in MESSAGES:
        for rest in (text, text * 30, text.replace(" ", "\x01", 3)):
            assert notes.leftover(rest, ["Roommate: Tasha"]) == _leftover_the_long_way(
                rest, ["Roommate: Tasha"]
            )


@settings(max_examples=300, deadline=None)
@given(rest=texts, repeat=st.integers(1, 120), named=st.lists(st.sampled_from(PIECES), max_size=3))
def test_the_notes_are_the_same_on_texts_made_at_random(
    rest: str, repeat: int, named: list[str]
) -> None:
    assert notes.leftover(rest * repeat, named) == _leftover_the_long_way(rest * repeat, named)


def _same_before(text: str) -> None:
    want = [(m.span(), m.group(0)) for m in names._BEFORE.finditer(text)]
    assert [(m.span(), m.group(0)) for m in names._before(text)] == want, text


def test_the_words_before_a_name_are_found_alike_on_every_development_message() -> None:
    for text in MESSAGES:
        _same_before(text)
        _same_before(text.upper())


@settings(max_examples=300, deadline=None)
@given(text=texts, upper=st.booleans())
def test_the_words_before_a_name_are_found_alike_on_texts_made_at_random(
    text: str, upper: bool
) -> None:
    _same_before(text.upper() if upper else text)


COMMUNITIES = (
    ("cmty_maple", "Maple Court Apartments"),
    ("cmty_river", "Riverside Lofts"),
    ("cmty_willows", "The Willows at Oak Park"),
    ("cmty_court", "Court Square"),
)


def _mentions_the_long_way(
    text: str, index: community._Index, loose: bool
) -> list[tuple[int, int, int]]:
    """`community._mentions` as it was: `_best_at` tried at every word in turn."""
    found: list[tuple[int, int, int]] = []
    for m in re.finditer(r"[\w-]+", text):
        if (i := index.ids.get(m.group(0).lower())) is not None:
            found.append((i, m.start(), m.end()))
    words = [(m.start(), m.end(), m.group(0).lower()) for m in community._WORD.finditer(text)]
    joined = community._Joined(text, words)
    i = 0
    while i < len(words):
        best = community._best_at(words, joined, i, index, loose=loose)
        if best is None:
            i += 1
            continue
        found.append((best[0], words[best[1]][0], words[best[2]][1]))
        i = best[2] + 1
    return community._outermost(found)


def _same_mentions(text: str) -> None:
    index = community._index(COMMUNITIES)
    for loose in (False, True):
        want = _mentions_the_long_way(text, index, loose)
        assert community._mentions(text, 0, len(text), index, loose=loose) == want, text


def test_communities_are_found_alike_on_every_development_message() -> None:
    for text in MESSAGES:
        _same_mentions(text)


@settings(max_examples=300, deadline=None)
@given(text=texts)
def test_communities_are_found_alike_on_texts_made_at_random(text: str) -> None:
    _same_mentions(text)


@given(text=st.text(max_size=20))
def test_lowered_is_lower(text: str) -> None:
    assert lowered(text) == text.lower()


@pytest.mark.parametrize("between", [0, 1, 60, 400])
def test_options_a_page_apart_are_not_read_together(between: int) -> None:
    filler = " ".join(["She asked about parking."] * between)
    values = read_request(f"Jane can do 10am tomorrow. {filler} Or 11:30?")
    # Together they go to the resolver, which asks; apart, the agent chooses: never one of them.
    assert ("tour_time" in values) == (between <= 1)
    if between <= 1:  # the words the resolver reads as two options, and asks which
        assert values["tour_time"] == f"10am tomorrow. {filler} Or 11:30".replace("  ", " ")
