"""The booking state machine in the store, compare-and-set under concurrency, and
the other fields and queries: updates, bookings by user and by state, user zones."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.store import TRANSITIONS, BookingNotFound, BookingState, InvalidTransition, Store
from tests.store.store_kit import (
    CONFIRMED,
    FAILED,
    SENDING,
    START,
    SUBMITTED,
    UNKNOWN,
    A,
    Clock,
    clock,
    move,
    new_booking,
    path_to,
    store,
)

__all__ = ["clock", "store"]  # the fixtures, from store_kit


# The state machine


def test_transition_table() -> None:
    assert dict(TRANSITIONS) == {
        A: {SENDING},
        SENDING: {SUBMITTED, UNKNOWN, A, FAILED},
        SUBMITTED: {CONFIRMED, FAILED},
        CONFIRMED: set(),
        FAILED: set(),
        UNKNOWN: {A},
    }


ALLOWED = [(source, target) for source, targets in TRANSITIONS.items() for target in targets]


@pytest.mark.parametrize(("source", "target"), ALLOWED, ids=[f"{s}-{t}" for s, t in ALLOWED])
async def test_every_allowed_transition(
    store: Store, clock: Clock, source: BookingState, target: BookingState
) -> None:
    booking, _ = await store.add_booking(new_booking())
    booking = await move(store, booking, *path_to(source))
    assert booking.state == source
    moment = clock.advance(timedelta(minutes=1))

    moved = await store.transition(booking.id, target, expect={source})

    assert moved is not None
    assert (moved.state, moved.updated_at, moved.created_at) == (target, moment, START)
    assert await store.get_booking(booking.id) == moved


async def test_refused_transitions(store: Store) -> None:
    booking, _ = await store.add_booking(new_booking())

    # Not in a state that may move there: nothing happens.
    assert await store.transition(booking.id, CONFIRMED) is None
    assert await store.transition(booking.id, A) is None
    assert await store.transition("nope", SENDING) is None
    assert await store.get_booking(booking.id) == booking

    # A move the table forbids is a bug in the caller.
    with pytest.raises(InvalidTransition, match="cannot go from accepted to confirmed") as error:
        await store.transition(booking.id, CONFIRMED, expect={A})
    assert str(error.value) == (
        "A booking cannot go from accepted to confirmed; from accepted it can go to sending."
    )
    with pytest.raises(InvalidTransition, match="it can go to nothing"):
        await store.transition(booking.id, A, expect=[CONFIRMED])
    with pytest.raises(TypeError, match="no updatable field colour"):
        await store.transition(booking.id, SENDING, colour="red")
    with pytest.raises(TypeError, match=r"only through Store\.transition\(\)"):
        await store.transition(booking.id, SENDING, state="submitted")
    assert await store.get_booking(booking.id) == booking


async def test_transition_sets_fields(store: Store, clock: Clock) -> None:
    booking, _ = await store.add_booking(new_booking())
    retry_at = START + timedelta(minutes=10)

    sending = await store.transition(booking.id, SENDING, attempts=1, next_attempt_at=retry_at)
    submitted = await store.transition(booking.id, SUBMITTED, job_id="job_123")
    failed = await store.transition(
        booking.id,
        FAILED,
        write_errors=["email_1: not a valid email", "phone_1: too short"],
        last_error="EliseAI refused the prospect's contact details.",
    )

    assert sending is not None and (sending.attempts, sending.next_attempt_at) == (1, retry_at)
    assert submitted is not None and submitted.job_id == "job_123"
    assert failed == await store.get_booking(booking.id)
    assert failed is not None
    assert failed.state == FAILED
    assert failed.job_id == "job_123"
    assert failed.write_errors == ("email_1: not a valid email", "phone_1: too short")
    assert failed.last_error == "EliseAI refused the prospect's contact details."


async def test_concurrent_claims_one_wins(store: Store) -> None:
    booking, _ = await store.add_booking(new_booking())

    results = await asyncio.gather(*(store.transition(booking.id, SENDING) for _ in range(6)))

    winners = [moved for moved in results if moved is not None]
    assert len(winners) == 1
    assert winners[0].state == SENDING
    assert await store.bookings_in_state(SENDING) == winners


# Other fields and queries


async def test_update_booking(store: Store, clock: Clock) -> None:
    booking, _ = await store.add_booking(new_booking())
    moment = clock.advance(timedelta(seconds=2))

    updated = await store.update_booking(
        booking.id, thread_channel_id="C9", thread_ts="1764086400.000100", response_url=None
    )

    assert updated == replace(
        booking, thread_channel_id="C9", thread_ts="1764086400.000100", updated_at=moment
    )
    assert await store.get_booking(booking.id) == updated
    outcome = await store.update_booking(booking.id, outcome="completed", outcome_by="U7")
    assert (outcome.outcome, outcome.outcome_by, outcome.thread_ts) == (
        "completed",
        "U7",
        "1764086400.000100",
    )
    with pytest.raises(TypeError, match="no updatable field colour, request_key"):
        await store.update_booking(booking.id, colour="red", request_key="other")
    with pytest.raises(TypeError, match=r"only through Store\.transition\(\)"):
        await store.update_booking(booking.id, state="confirmed")
    with pytest.raises(TypeError, match="write_errors must be a list"):
        await store.update_booking(booking.id, write_errors="oops")
    with pytest.raises(BookingNotFound, match="No booking with id 'nope'"):
        await store.update_booking("nope", thread_ts="1")


async def test_bookings_for_user_newest_first(store: Store, clock: Clock) -> None:
    for n in range(1, 4):
        await store.add_booking(new_booking(f"view-{n}", id=f"b{n}"))
        clock.advance(timedelta(minutes=1))
    await store.add_booking(new_booking("view-other", id="other", user_id="U2"))

    assert [b.id for b in await store.bookings_for_user("U1")] == ["b3", "b2", "b1"]
    assert [b.id for b in await store.bookings_for_user("U1", limit=2)] == ["b3", "b2"]
    assert [b.id for b in await store.bookings_for_user("U2")] == ["other"]
    assert await store.bookings_for_user("U3") == []


async def test_bookings_in_state_oldest_first(store: Store, clock: Clock) -> None:
    for n in range(1, 4):
        await store.add_booking(new_booking(f"view-{n}", id=f"b{n}"))
        clock.advance(timedelta(minutes=1))
    await store.transition("b2", SENDING)

    assert [b.id for b in await store.bookings_in_state(A)] == ["b1", "b3"]
    assert [b.id for b in await store.bookings_in_state(SENDING)] == ["b2"]
    assert [b.id for b in await store.bookings_in_state(A, SENDING)] == ["b1", "b2", "b3"]
    assert await store.bookings_in_state(CONFIRMED) == []
    assert await store.bookings_in_state() == []


async def test_user_zones(store: Store, clock: Clock) -> None:
    hour = timedelta(hours=1)
    assert await store.user_zone("U1", max_age=hour) is None

    await store.save_user_zone("U1", "America/New_York")
    await store.save_user_zone("U2", "Europe/Paris")
    assert await store.user_zone("U1", max_age=hour) == "America/New_York"

    clock.advance(timedelta(minutes=61))
    assert await store.user_zone("U1", max_age=hour) is None
    assert await store.user_zone("U1", max_age=2 * hour) == "America/New_York"

    await store.save_user_zone("U1", "America/Chicago")  # the upsert refreshes it
    assert await store.user_zone("U1", max_age=hour) == "America/Chicago"
    clock.advance(hour)
    assert await store.user_zone("U1", max_age=hour) == "America/Chicago"  # exactly max_age old
    assert await store.user_zone("U2", max_age=3 * hour) == "Europe/Paris"
