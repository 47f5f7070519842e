"""The copy of the communities at hand: read from the store, and prepared for the reader once
each time it changes, in a thread, so no request waits for it."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.portfolio.communities import CommunityList
from bot.store import KnownCommunity, Store
from bot.understand import read_request


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store.from_url(f"sqlite:///{tmp_path / 'tourbot.db'}") as store:
        await store.create_schema()
        yield store


async def test_the_list_is_prepared_once_each_time_it_changes_and_off_the_event_loop(
    store: Store,
) -> None:
    prepared: list[tuple[tuple[tuple[str, str], ...], bool]] = []

    def prepare(pairs: tuple[tuple[str, str], ...]) -> None:
        prepared.append((pairs, threading.current_thread() is threading.main_thread()))

    communities = CommunityList(store, "int_1", prepare)
    maple = KnownCommunity("cmty_1", "Maple Court")
    await store.portfolio.save_communities("int_1", [maple])
    await communities.refresh()
    first = communities.named
    await communities.refresh()  # read again, unchanged: the same list, not prepared again
    assert communities.named is first
    await store.portfolio.save_communities("int_1", [KnownCommunity("cmty_2", "Riverside Lofts")])
    await communities.refresh()
    assert prepared == [
        ((("cmty_1", "Maple Court"),), False),
        ((("cmty_1", "Maple Court"), ("cmty_2", "Riverside Lofts")), False),
    ]
    assert read_request("tour at riverside lofts", communities=communities.named) == {
        "community": "cmty_2"
    }
