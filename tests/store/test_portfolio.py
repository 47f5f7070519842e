"""The store's copy of Propexo's prospects and communities, on SQLite and PostgreSQL: searched by
any part of a name, an email or a phone number through each database's index, ranked, and read
by one instance at a time."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from bot.store import KnownCommunity, KnownProspect, Store
from bot.store.portfolio import COMMUNITIES, PROSPECTS, search_key
from tests.store.store_kit import Clock, clock, store

__all__ = ["clock", "store"]

INTEGRATION = "int_demo"
T0 = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
FIRST = ("Jane", "John", "Joanna", "Ann", "Anna", "José", "Zoë", "Mary", "Li", "O'Neil")
LAST = ("Doe", "Johnson", "Annand", "Smith", "García", "Ng", "Li", "Jones", "Doherty", "Ó Briain")


def person(number: int, first: str, last: str, *, phone: str | None = None) -> KnownProspect:
    email = f"{search_key(first).replace(' ', '')}.{number}@example.com"
    return KnownProspect(
        f"p_{number}", first, last, email, phone or f"+1614555{number:04d}", None, T0
    )


def brute_force(people: list[KnownProspect], words: str) -> set[str]:
    """What a search must find, by the rule in words: every piece in the name, email or digits."""
    digits = "".join(c for c in words if c.isdigit())
    phone_typed = len(digits) >= 3 and all(c.isdigit() or c in " ()+.-" for c in words.strip())
    pieces = [digits] if phone_typed else search_key(words).split()
    found = set()
    for p in people:
        text = " ".join(
            x for x in (search_key(p.name), search_key(p.email or ""), _digits(p.phone)) if x
        )
        if all(piece in text for piece in pieces):
            found.add(p.id)
    return found


def _digits(phone: str | None) -> str:
    return "".join(c for c in phone or "" if c.isdigit())


@pytest.fixture
def people() -> list[KnownProspect]:
    rng = random.Random(7)
    return [person(n, rng.choice(FIRST), rng.choice(LAST)) for n in range(300)]


async def test_a_search_finds_exactly_what_the_rule_says(
    store: Store, people: list[KnownProspect]
) -> None:
    await store.portfolio.save_prospects(INTEGRATION, people)
    rng = random.Random(11)
    words = ["jan", "JOHN", "ann", "doe", "jose", "zoe", "garcia", "o'n", "briain", "example"]
    words += ["an do", "jo jo", "614 555 01", "(614) 555-0", "5550", "mary.1", "@exa", "e.c"]
    for p in rng.sample(people, 15):  # pieces of real people, as agents type them
        name = p.name
        start = rng.randrange(max(1, len(name) - 3))
        words.append(name[start : start + rng.randint(3, 6)])
        words.append(p.email or "")
    for typed in words:
        expected = brute_force(people, typed)
        found = await store.portfolio.search_prospects(INTEGRATION, typed, limit=1000)
        if all(len(piece) < 3 for piece in search_key(typed).split()):
            continue  # pieces too short for the index: names starting with them (below)
        assert {p.id for p in found} == expected, typed


async def test_an_exact_email_or_phone_comes_first_then_names_that_start_with_it(
    store: Store,
) -> None:
    people = [
        person(1, "Anna", "Zed"),
        person(2, "Bob", "Annand"),
        person(3, "Anne", "Marie"),
        KnownProspect("p_4", "Zack", "Young", "anna@example.com", "+16145550199", None, T0),
    ]
    await store.portfolio.save_prospects(INTEGRATION, people)
    found = await store.portfolio.search_prospects(INTEGRATION, "ann")
    assert [p.id for p in found] == ["p_1", "p_3", "p_2", "p_4"]  # starts with, then holds it
    found = await store.portfolio.search_prospects(INTEGRATION, "Anna@Example.com")
    assert found[0].id == "p_4"
    found = await store.portfolio.search_prospects(INTEGRATION, "(614) 555-0199")
    assert [p.id for p in found] == ["p_4"]
    found = await store.portfolio.search_prospects(INTEGRATION, "16145550199")
    assert [p.id for p in found] == ["p_4"]


async def test_short_words_find_names_that_start_with_them(store: Store) -> None:
    await store.portfolio.save_prospects(
        INTEGRATION, [person(1, "Li", "Ng"), person(2, "Lisa", "Ray"), person(3, "Al", "Li")]
    )
    assert [p.name for p in await store.portfolio.search_prospects(INTEGRATION, "li")] == [
        "Li Ng",
        "Lisa Ray",
    ]
    assert [p.name for p in await store.portfolio.search_prospects(INTEGRATION, "li n")] == [
        "Li Ng"
    ]


async def test_wildcards_typed_are_plain_characters(store: Store) -> None:
    await store.portfolio.save_prospects(
        INTEGRATION, [person(1, "Jane", "Doe"), person(2, "Ja_e", "Doe")]
    )
    assert [p.id for p in await store.portfolio.search_prospects(INTEGRATION, "ja_e")] == ["p_2"]
    assert await store.portfolio.search_prospects(INTEGRATION, "j%e") == []
    assert await store.portfolio.search_prospects(INTEGRATION, '"doe"') == []
    assert await store.portfolio.search_prospects(INTEGRATION, "   ") == []


async def test_a_prospect_saved_again_is_replaced_and_found_by_its_new_details(
    store: Store,
) -> None:
    await store.portfolio.save_prospects(INTEGRATION, [person(1, "Jane", "Doe")])
    moved = KnownProspect("p_1", "Jane", "Smith", "jane.smith@example.com", None, None, T0)
    await store.portfolio.save_prospects(INTEGRATION, [moved])
    assert await store.portfolio.search_prospects(INTEGRATION, "doe") == []
    assert await store.portfolio.search_prospects(INTEGRATION, "smith") == [moved]
    assert await store.portfolio.prospect(INTEGRATION, "p_1") == moved
    assert await store.portfolio.prospect_count(INTEGRATION) == 1
    assert await store.portfolio.search_prospects("int_other", "smith") == []


async def test_one_reader_at_a_time_and_a_lost_lease_saves_nothing(
    store: Store, clock: Clock
) -> None:
    portfolio = store.portfolio
    until = timedelta(minutes=1)
    assert await portfolio.take_lease(PROSPECTS, INTEGRATION, "a", until)
    assert not await portfolio.take_lease(PROSPECTS, INTEGRATION, "b", until)
    assert await portfolio.take_lease(COMMUNITIES, INTEGRATION, "b", until)  # each list has its own
    page = [person(1, "Jane", "Doe")]
    assert await portfolio.advance(
        PROSPECTS, INTEGRATION, "a", page, cursor=T0, at_cursor=1, complete=False
    )
    clock.advance(timedelta(minutes=2))  # a's lease ran out: b takes over
    assert await portfolio.take_lease(PROSPECTS, INTEGRATION, "b", timedelta(minutes=1))
    late = [person(2, "Ann", "Smith")]
    assert not await portfolio.advance(
        PROSPECTS, INTEGRATION, "a", late, cursor=T0 + timedelta(1), at_cursor=1, complete=True
    )
    progress = await portfolio.progress(PROSPECTS, INTEGRATION)
    assert (progress.cursor, progress.at_cursor, progress.records_read) == (T0, 1, 1)
    assert not progress.complete
    assert await portfolio.search_prospects(INTEGRATION, "smith") == []
    assert await portfolio.advance(
        PROSPECTS, INTEGRATION, "b", late, cursor=T0, at_cursor=2, complete=True
    )
    progress = await portfolio.progress(PROSPECTS, INTEGRATION)
    assert progress.complete and progress.first_read_at == clock.now
    assert progress.records_read == 2
    await portfolio.release_lease(PROSPECTS, INTEGRATION, "b")
    assert await portfolio.take_lease(PROSPECTS, INTEGRATION, "a", timedelta(minutes=1))


async def test_communities_are_listed_by_name(store: Store) -> None:
    portfolio = store.portfolio
    await portfolio.save_communities(
        INTEGRATION,
        [KnownCommunity("c2", "Riverside Lofts"), KnownCommunity("c1", "Maple Court", "UTC")],
    )
    await portfolio.save_communities(INTEGRATION, [KnownCommunity("c2", "Riverside Lofts II")])
    assert [c.name for c in await portfolio.communities(INTEGRATION)] == [
        "Maple Court",
        "Riverside Lofts II",
    ]
    assert await portfolio.communities("int_other") == []


async def test_a_piece_most_prospects_hold_reads_a_bounded_number_of_them(
    store: Store, people: list[KnownProspect], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.store.portfolio.CANDIDATES", 20)
    await store.portfolio.save_prospects(INTEGRATION, people)
    found = await store.portfolio.search_prospects(INTEGRATION, "example", limit=100)
    # At most the 20 candidates read, each a true match, in name order (all 300 hold it).
    assert 0 < len(found) <= 20
    assert all("example" in (p.email or "") for p in found)
    keys = [search_key(p.name) for p in found]
    assert keys == sorted(keys)
