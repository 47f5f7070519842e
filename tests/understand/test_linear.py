"""Reading is linear in the length of the text: pages of one character, of separators, of spaces
after a cue word, read in well under a second at the longest Slack sends (40,000 characters).
A pattern that backtracks shows here as tens of seconds, not as a slightly slower run."""

from __future__ import annotations

import string

import pytest

from bot.understand import read_request
from tests.timing import quickest

LONGEST = 40_000
FILLERS = [
    *string.ascii_letters[:3], "7", " ", "\n", "\t", "-", "/ ", "(1", "1/", "a-", "A-", "a@",
    "@a.", "$1", "1,", "mon ", "tomorrow at 3pm. ", "Jane Doe, ", "x.", "> ", "· ", "| ",
    "Name: Jane\nPhone: 555-201-7788\n", "C-O-L-M ", "one two ", "the prospect would like to see ",
]  # fmt: skip
CUES = ["From:", "for", "Pat", "roommate", "Pat here", "this is", "Thanks,\n", "Beds: 2", "On"]


def _seconds(text: str) -> float:
    return quickest(
        lambda: read_request(text, communities=[("cmty_maple", "Maple Court Apartments")]),
        under=2.0,
    )


@pytest.mark.parametrize("filler", FILLERS, ids=repr)
def test_a_page_of_one_thing_reads_in_linear_time(filler: str) -> None:
    assert _seconds((filler * LONGEST)[:LONGEST]) < 2.0


@pytest.mark.parametrize("cue", CUES, ids=repr)
def test_a_cue_word_before_a_page_of_blanks_reads_in_linear_time(cue: str) -> None:
    text = cue + " " * (LONGEST - 80) + "Jane Doe here, jane@example.com, 555-201-7788"
    assert _seconds(text) < 2.0
