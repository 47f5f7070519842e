"""A pattern skipped when its cues are not in the text (`may_hold`) is one none of whose matches
could be there: every match of each pattern holds one of its cues, on the development messages
and on texts made of the words its patterns look for, cut and joined at random."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.understand import names, roles, time_choice, writers
from bot.understand.scan import folded as fold
from bot.understand.scan import may_hold
from tests.understand.dev_set import load

# (pattern, its cues, whether the cues are lower case and read case-insensitively)
CUED = [
    (time_choice._TIMEISH, time_choice._TIMEISH_CUES, True),
    (names._BEFORE, names._BEFORE_CUES, True),
    (names._FOR_WHOM, names._FOR_WHOM_CUES, True),
    (names._SPELLED_CUE, names._SPELLED_CUES, True),
    (names._TITLED, names._TITLES, True),
    (names._SIGNATURE, names._SIGN_OFF_CUES, True),
    (names._SIGN_OFF, (*names._SIGN_OFF_CUES, "respectfully", "take"), True),
    (names._HERE, ("here",), False),
    (roles._COMES_ALONG, roles._COMES_ALONG_CUES, True),
    (writers._SIGNED, writers._SIGNED_CUES, True),
    (writers._HERE_NAME, ("here",), False),
]
MESSAGES = [item["text"] for item in load("messages.yaml")]
WORDS = [
    "for",
    "Jane Doe",
    "booked",
    "schedule",
    "prospect's name is",
    "I am",
    "I'm",
    "It’s",
    "call",
    "email from",
    "tour with",
    "fit in",
    "put down",
    "sign up",
    "add",
    "soy",
    "me llamo",
    "mi nombre es",
    "on behalf of",
    "sent my",
    "referred our",
    "new",
    "daughter",
    "C-O-L-M",
    "name is",
    "this is",
    "im",
    "Mrs.",
    "Dr",
    "Johnson",
    "here",
    "Rahul Mehta",
    "Thanks,",
    "thank you",
    "Best",
    "-",
    "—",
    "~",
    "Sam",
    "tomorrow",
    "at two",
    "nine o'clock",
    "ten thirty",
    "3pm",
    "Mon",
    "half past",
    "new year",
    "ſat",
    "İstanbul",
    "K",
    "\n",
    " ",
    ", ",
    "  ",
    "xo",
    "Regards",
    "take care",
    "respectfully",
    "christmas",
    "yday",
    "tmrw",
    "weekend",
    "quarter",
    "Ava",
    "might come too",
    "will be joining",
    "is also coming",
    "comes along",
    "tags along",
    "'s tagging along",
    "JOINS",
    "Thanks, Pat 614-555-0177",
    "THANK YOU - Ann ann@x.co",
    "Cheers! Bo",
    "Best,",
    "Regards ~ Lee",
    "Sincerely Kim",
    "thx Al",
    "Pat Lee here",
    "Dana here",
]


def _cue_in_every_match(
    text: str, pattern: re.Pattern[str], cues: tuple[str, ...], folded: bool
) -> None:
    for m in pattern.finditer(text):
        words = fold(m.group(0)) if folded else m.group(0)
        assert any(cue in words for cue in cues), (pattern.pattern[:40], m.group(0))


@pytest.mark.parametrize("text", MESSAGES)
def test_development_messages(text: str) -> None:
    for pattern, cues, folded in CUED:
        found = pattern.search(text) is not None
        assert may_hold(text, cues, ignore_case=folded) or not found
        _cue_in_every_match(text, pattern, tuple(cues), folded)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(WORDS), max_size=12), st.lists(st.sampled_from(" ,.\n-:"), max_size=12)
)
def test_words_cut_and_joined(words: list[str], joins: list[str]) -> None:
    text = "".join(w + (joins[i] if i < len(joins) else " ") for i, w in enumerate(words))
    for pattern, cues, folded in CUED:
        if pattern.search(text) is not None:
            assert may_hold(text, cues, ignore_case=folded), (pattern.pattern[:40], text)


def test_characters_matched_as_an_ascii_letter_are_read_as_it() -> None:
    assert may_hold("ſat", ("sat",), ignore_case=True)  # "ſ" matches "s" case-insensitively
    assert may_hold("İT'S", ("it",), ignore_case=True)  # so do "İ" and "ı" match "i"
    assert may_hold("ıt", ("it",), ignore_case=True)
    assert not may_hold("Zoë", ("for",), ignore_case=True)
    assert not may_hold("nothing", ("sat",), ignore_case=True)
    assert not may_hold("Here", ("here",))
