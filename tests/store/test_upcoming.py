"""An agent's upcoming tours, as the App Home shows them: read by when each tour starts, so a busy
agent's next tour is there however many bookings came after it."""

from __future__ import annotations

from datetime import timedelta

from bot.store import BookingState, Store
from tests.store.store_kit import START, Clock, clock, move, new_booking, store

__all__ = ["clock", "store"]

LIVE = {BookingState.ACCEPTED, BookingState.SENDING, BookingState.SUBMITTED, BookingState.CONFIRMED}


async def test_the_soonest_tours_come_first_whenever_they_were_booked(
    store: Store, clock: Clock
) -> None:
    soonest, _ = await store.add_booking(new_booking("first", starts_at=START + timedelta(hours=2)))
    for n in range(60):  # booked later, all further ahead
        clock.advance(timedelta(seconds=1))
        await store.add_booking(new_booking(f"later-{n}", starts_at=START + timedelta(days=3 + n)))
    past, _ = await store.add_booking(new_booking("past", starts_at=START - timedelta(hours=1)))
    failed, _ = await store.add_booking(new_booking("failed", starts_at=START + timedelta(hours=1)))
    await move(store, failed, BookingState.SENDING, BookingState.FAILED)
    await store.add_booking(
        new_booking("other", user_id="U2", starts_at=START + timedelta(hours=1))
    )

    upcoming = await store.upcoming_for_user("U1", LIVE, limit=15)

    assert upcoming[0].id == soonest.id
    assert len(upcoming) == 15
    assert [b.starts_at for b in upcoming] == sorted(b.starts_at for b in upcoming)
    assert {past.id, failed.id}.isdisjoint(b.id for b in upcoming)
    assert {b.user_id for b in upcoming} == {"U1"}
    # The newest 50 bookings, what the App Home used to look in, do not hold the soonest tour.
    assert soonest.id not in [b.id for b in await store.bookings_for_user("U1", limit=50)]
