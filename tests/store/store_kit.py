"""What the store's tests share: a hand-moved clock, new bookings, the store fixture on a
SQLite file and on PostgreSQL (skipped, with the reason, when none answers), and moves
through the state machine."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.store import TRANSITIONS, Booking, BookingState, NewBooking, Store

POSTGRES_URL = os.environ.get(
    "TOURBOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
START = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
NEW_YORK = ZoneInfo("America/New_York")
FORM: dict[str, Any] = {
    "name": "Jane Doe",
    "email": "jane@example.com",
    "when": "thu 3pm",
    "notes": "2br, budget $1,800–2,200 · café ☕",
    "bedrooms": 2,
    "self_guided": True,
    "prospect_id": None,
}
BODY: dict[str, Any] = {
    "integration_id": "int_demo",
    "appointment_date": "2026-11-26",
    "appointment_time": "15:00:00",
    "first_name": "Jane",
    "last_name": "Doe",
    "email_1": "jane@example.com",
    "desired_bedrooms": [2],
    "desired_rent": {"min": 1800.0, "max": 2200.0},
}
A = BookingState.ACCEPTED
SENDING = BookingState.SENDING
SUBMITTED = BookingState.SUBMITTED
CONFIRMED = BookingState.CONFIRMED
FAILED = BookingState.FAILED
UNKNOWN = BookingState.UNKNOWN


class Clock:
    """A clock the test moves by hand, so stored times are exact."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> datetime:
        self.now += delta
        return self.now


def new_booking(request_key: str = "view-V1", **changes: Any) -> NewBooking:
    booking = NewBooking(
        request_key=request_key,
        team_id="T1",
        user_id="U1",
        channel_id="C1",
        zone="America/New_York",
        starts_at=datetime(2026, 11, 26, 15, 0, tzinfo=NEW_YORK),
        summary="Tour for Jane Doe · Thu, Nov 26, 3:00 PM EST",
        form_values=FORM,
        body=BODY,
        prospect_key="jane@example.com",
    )
    return replace(booking, **changes)


_postgres_problem: list[str | None] = []


async def reachable_postgres() -> str:
    """The test server's URL, or skip (with the reason) when none answers."""
    if not _postgres_problem:
        probe = Store.from_url(POSTGRES_URL, connect_args={"timeout": 3})
        try:
            async with probe.engine.begin() as connection:
                # Once, in public: a test schema's own copy would go with its schema (and with
                # it every other test's trigram index).
                await connection.execute(
                    text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
                )
            _postgres_problem.append(None)
        except Exception as error:
            _postgres_problem.append(f"{type(error).__name__}: {error}")
        finally:
            await probe.close()
    if _postgres_problem[0] is not None:
        where = make_url(POSTGRES_URL).render_as_string(hide_password=True)
        pytest.skip(f"PostgreSQL not reachable at {where} ({_postgres_problem[0]})")
    return POSTGRES_URL


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["sqlite", "postgresql"])
async def store(
    request: pytest.FixtureRequest, tmp_path: Path, clock: Clock
) -> AsyncIterator[Store]:
    """An empty store on a fresh SQLite file, or in a schema of its own on PostgreSQL."""
    if request.param == "sqlite":
        async with Store.from_url(f"sqlite:///{tmp_path / 'tourbot.db'}", clock=clock) as store:
            await store.create_schema()
            yield store
        return
    async with postgres_store(clock) as store:
        yield store


@contextlib.asynccontextmanager
async def postgres_store(clock: Clock | None = None) -> AsyncIterator[Store]:
    """An empty store in a schema of its own on the test PostgreSQL (skipped, with the reason,
    when none answers), dropped afterwards; on the real clock unless given one."""
    url = await reachable_postgres()
    schema = f"tourbot_test_{uuid4().hex[:12]}"  # parallel runs never see each other's rows
    async with Store.from_url(url) as admin:
        async with admin.engine.begin() as connection:
            await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            settings = {"server_settings": {"search_path": schema}}
            timed = {"clock": clock} if clock is not None else {}
            async with Store.from_url(url, connect_args=settings, **timed) as store:
                await store.create_schema()
                yield store
        finally:
            async with admin.engine.begin() as connection:
                await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


async def move(store: Store, booking: Booking, *path: BookingState) -> Booking:
    for state in path:
        moved = await store.transition(booking.id, state)
        assert moved is not None, f"{booking.state} -> {state} refused"
        booking = moved
    return booking


def path_to(target: BookingState) -> list[BookingState]:
    """The shortest list of moves from `accepted` to `target`."""
    paths: dict[BookingState, list[BookingState]] = {A: []}
    queue = [A]
    while queue:
        state = queue.pop(0)
        for following in sorted(TRANSITIONS[state]):
            if following not in paths:
                paths[following] = [*paths[state], following]
                queue.append(following)
    return paths[target]
