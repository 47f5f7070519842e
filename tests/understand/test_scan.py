"""`Anchored` finds exactly what its pattern's `finditer` finds: on every development message, and
on texts made of the pieces its patterns look for, cut and joined at random."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.understand import bedrooms, budget, roles, sections, time_choice
from bot.understand.scan import Anchored, starts_finder
from bot.understand.time_words import NOT_THE_TOUR
from bot.understand.tour_type import TOUR_TYPES
from tests.understand.dev_set import load

ANCHORED = (
    [pattern for pattern, _ in NOT_THE_TOUR if isinstance(pattern, Anchored)]
    + [
        roles._BOOKED_FOR_ANCHORED,
        budget._NOT_BUDGET_ANCHORED,
        sections._STALE_ANCHORED,
        time_choice._DECLINED_ANCHORED,
    ]
    + [
        Anchored(cued.pattern, cued.starts)
        for cued in [
            *(cued for _, cued in TOUR_TYPES),
            bedrooms._BEDROOMS,
            bedrooms._WITH_BATHS,
            bedrooms._BEDS_SLASH_BATHS,
        ]
        if cued.starts
    ]
)
MESSAGES = [item["text"] for item in load("messages.yaml")]
PIECES = [
    "after 5", "before noon", "until 3pm", "til 4", "no later than 6", "anytime after 2",
    "available Jan 5", "starting 12/1", "by the 3rd", "from 1/15", "lease ends in March",
    "good morning", "happy friday", "have a great weekend", "called this morning",
    "walked in today", "left a vm earlier", "call back tomorrow at 9", "text her at 4",
    "following up with her monday", "get back to him by 5", "3rd floor", "12th fl.",
    "start date at work Jan 4", "10/12 is her birthday", "due date 3/2", "[10:02 PM]",
    "(Tue 7:40 PM)", "(1:02)", "duration: 0:37", "· 4:15", "I get off at 6", "work until 5:30pm",
    "Mon–Sat 9–6", "office hours 9-5", "leasing hours: 10 to 6", "Tour sat 11am", "Jane Doe",
    "İstanbul", "ﬁne", "\n", ", ", " - ", "  ", "UNTIL", "After", "tilde", "notable", "1st",
    "self-guided tour", "SG", "sg tour", "touring it on her own", "lockbox", "smart lock",
    "virtual showing", "VT", "Burlington, VT 05401", "FaceTime", "over video", "remote tour",
    "in-person", "IP", "IP 203.0.113.24", "i.p. tour", "with an agent", "w/ the leasing agent",
    "led by an agent", "tour with someone", "en persona", "con un agente", "guided",
    "2bd", "1 bedroom or a studio", "2-3 br", "studio or 1bd", "2+ beds", "two bed", "3bd2ba",
    "2b2b", "2x2", "wants 2/2", "2/2 unit", "1 recámara", "dos habitaciones", "4 bedrooms and up",
    "$1,900 2br", "#2 bed", "efficiency", "one-bed", "1, 2 or 3 bedrooms",
    "ſtart date at work Jan 4", "ſelf-guided", "call İt a day", "ASKED for Tom",
    "booking for Sam Ng", "Calling on behalf of Ann Lee", "set up a tour for my resident, Sam",
    "E-mailed for Bo Li", "reaching out for Ana", "asked for Tom", "texted for Pat Oh",
    "Scheduling a showing for Kim", "arranged a visit for our daughter named Zoe", "WRITING FOR Al",
    "inquiring for Ed", "Enquired for Ty", "Messaged for Jo", "call for Di", "set up for Uma",
    "makes $85k", "income 6000", "earning 4,000", "salaries of $90k", "wages $20",
    "paycheck $1,900", "gross 5k", "net 4k", "currently pay $1,450", "now pays $1,300",
    "pays now 1200", "deposit $500", "fees $75", "don't call this number", "do not text that line",
    "never use this one", "can't answer this phone", "won't check that work number",
    "old number", "former cell line", "previous phone", "don't use it anymore", "not my phone",
    "no longer use", "calling from my mom's phone", "texting you on a borrowed cell",
    "it's my sister's number", "this is a friend's phone", "can't", "cannot", "couldn't",
    "won't", "wont", "doesn't", "does not", "don't", "isn't", "no longer", "not on tuesday",
    "anymore", "is out", "out now", "fell through", "cancelled", "not gonna", "no good",
    "not possible", "forget", "scrap", "nix", "ditch", "skip", "drop friday",
]  # fmt: skip


def same(anchored: Anchored, text: str) -> None:
    want = [(m.span(), m.group(0)) for m in anchored.pattern.finditer(text)]
    got = [(m.span(), m.group(0)) for m in anchored.finditer(text, text.lower())]
    assert got == want, (anchored.pattern.pattern[:60], text)


@pytest.mark.parametrize("anchored", ANCHORED, ids=lambda a: a.pattern.pattern[:30])
def test_the_same_matches_on_every_development_message(anchored: Anchored) -> None:
    for text in MESSAGES:
        same(anchored, text)


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.sampled_from(PIECES), max_size=12), cut=st.integers(0, 3))
def test_the_same_matches_on_pieces_joined_at_random(pieces: list[str], cut: int) -> None:
    text = " ".join(pieces)[cut:]  # a piece cut at its start too
    for anchored in ANCHORED:
        same(anchored, text)


def test_a_start_inside_another_is_found() -> None:
    finder = starts_finder(["until", "til", "t"])
    assert [m.start() for m in finder.finditer("until")] == [0, 2]
    assert isinstance(finder, re.Pattern)
