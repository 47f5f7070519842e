"""The reader against a portfolio of 5,000 communities (the simulator's): a community named in
full is found, a name that is only near others is not guessed, and people whose names are also
words of some community's name are still read as people."""

from __future__ import annotations

import random
from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.offline.propexo import names
from bot.offline.propexo.state import SimulatorState
from bot.understand import read_request
from bot.understand.community import _outermost

TEXT = "Jane Doe jane@example.com tomorrow at 3pm at {}"


@cache
def communities() -> tuple[tuple[str, str], ...]:
    state = SimulatorState(
        settle=1, rate_limit=150, rate_window=60, integration_id="int_t", community_count=5_000
    )
    return tuple(
        (i, str((state.communities.get(i) or {})["name"])) for i in state.communities.ids()
    )


def _words(name: str) -> frozenset[str]:
    return frozenset(name.lower().split())


@pytest.mark.parametrize("seed", range(4))
def test_a_community_named_in_full_is_found(seed: int) -> None:
    known = communities()
    rng = random.Random(seed)
    for community_id, name in rng.sample(known, 50):
        twins = [c for c, n in known if _words(n) == _words(name) and c != community_id]
        if twins:
            continue  # two communities with the same words: a question, rightly
        found = read_request(TEXT.format(name.lower()), communities=known)
        assert found.get("community") == community_id, name


def test_part_of_a_name_shared_by_several_is_left_to_the_agent() -> None:
    known = communities()
    # "Maple Court" begins both "Maple Court Apartments" and "Maple Court Suites".
    assert sum(n.startswith("Maple Court") for _, n in known) > 1
    found = read_request(TEXT.format("maple court"), communities=known)
    assert "community" not in found
    assert "maple court" in found["notes"]


def test_people_named_with_words_of_community_names_are_read() -> None:
    known = communities()
    place_words = {w for _, n in known for w in n.lower().split()}
    firsts = [n for n in names.FIRST_NAMES if n.lower() in place_words]
    lasts = [n for n in names.LAST_NAMES if n.lower() in place_words]
    assert firsts and lasts  # the portfolio does hold such words
    rng = random.Random(3)
    for _ in range(60):
        first = rng.choice(firsts + list(names.FIRST_NAMES[:20]))
        last = rng.choice(lasts)
        if any(n.lower().startswith(f"{first} {last}".lower()) for _, n in known):
            continue  # "Ivy Park", with an "Ivy Park Tower": a place as much as a person
        text = f"Book {first} {last} {first.lower()}@example.com tomorrow at 3pm"
        alone = read_request(text)  # no communities: how the words read on their own
        found = read_request(text, communities=known)
        assert (found.get("first_name"), found.get("last_name")) == (
            alone.get("first_name"),
            alone.get("last_name"),
        ), text
        assert found.get("first_name") == first, text


@given(st.lists(st.tuples(st.integers(-1, 3), st.integers(0, 30), st.integers(1, 12)), max_size=30))
def test_the_outermost_mentions_are_those_inside_no_longer_one(
    spans: list[tuple[int, int, int]],
) -> None:
    found = [(c, s, s + length) for c, s, length in spans]
    inside = [
        m for m in found if any(o[1] <= m[1] and m[2] <= o[2] and o[1:] != m[1:] for o in found)
    ]
    expected = sorted((m for m in found if m not in inside), key=lambda m: (m[1], -m[2]))
    assert sorted(_outermost(found), key=lambda m: (m[1], -m[2])) == expected


def test_a_list_read_again_is_the_one_matched() -> None:
    before = (("cmty_1", "Maple Court"), ("cmty_2", "Riverside Lofts"))
    after = (("cmty_9", "Maple Court"), ("cmty_2", "Riverside Lofts"))
    for pairs, wanted in [(before, "cmty_1"), (after, "cmty_9"), (before, "cmty_1")]:
        assert read_request("tour at maple court", communities=pairs)["community"] == wanted
    as_list = [("cmty_5", "Maple Court")]
    assert read_request("tour at maple court", communities=as_list)["community"] == "cmty_5"
    as_list[0] = ("cmty_6", "Maple Court")  # a list may change: it is never known by identity
    assert read_request("tour at maple court", communities=as_list)["community"] == "cmty_6"
