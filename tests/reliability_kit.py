"""What the reliability tests and `bench/reliability.py` share: a fresh PostgreSQL database per
run, bookings inserted straight into the store, `tourbot worker` processes, and the audit that
matches every stored booking to what the Propexo simulator received.

Each booking's body carries its id in `notes`, so an appointment (or a request) found in the
simulator names the booking it came from.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO
from uuid import uuid4

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.offline.propexo import DEFAULT_API_KEY, DEFAULT_INTEGRATION_ID, SimulatorServer
from bot.offline.slack import DEFAULT_AGENT_ID, DEFAULT_CHANNEL_ID, TEAM_ID
from bot.store import Booking, BookingState, NewBooking, Store

POSTGRES_URL = os.environ.get(
    "TOURBOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
CREATE_PATH = "/crm/v1/appointments/eliseai"
LIVE = (BookingState.ACCEPTED, BookingState.SENDING, BookingState.SUBMITTED)
FINAL = (BookingState.CONFIRMED, BookingState.FAILED, BookingState.UNKNOWN)
READY_LINE = "Tourbot worker delivering bookings"


# -- databases -------------------------------------------------------------------------------------


async def postgres_problem(url: str = POSTGRES_URL) -> str | None:
    """Why the PostgreSQL server at `url` cannot be used (None: it answers)."""
    probe = Store.from_url(url, connect_args={"timeout": 3})
    try:
        async with probe.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    finally:
        await probe.close()
    return None


@asynccontextmanager
async def fresh_database(server_url: str = POSTGRES_URL) -> AsyncIterator[str]:
    """A new, empty database on the server of `server_url` (dropped afterwards), as a plain
    DATABASE_URL that `tourbot worker` processes can be given."""
    name = f"tourbot_rel_{uuid4().hex[:12]}"
    admin = Store.from_url(server_url, connect_args={"timeout": 5})
    try:
        await _outside_transaction(admin, f'CREATE DATABASE "{name}"')
        try:
            yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
        finally:
            # Killed workers may leave sessions behind: FORCE ends them in the same step.
            await _outside_transaction(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def _outside_transaction(store: Store, *statements: str) -> None:
    async with store.engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        for statement in statements:
            await autocommit.execute(text(statement))


# -- bookings --------------------------------------------------------------------------------------


def new_booking(number: int, integration_id: str, *, due: datetime | None = None) -> NewBooking:
    """An accepted booking the simulator takes, with its own id as the marker in `notes`."""
    booking_id = uuid4().hex
    day = datetime(2026, 11, 26, tzinfo=UTC) + timedelta(days=number // 10)
    starts_at = day + timedelta(hours=14 + number % 10)
    return NewBooking(
        id=booking_id,
        request_key=f"reliability-{booking_id}",
        team_id=TEAM_ID,
        user_id=DEFAULT_AGENT_ID,
        channel_id=DEFAULT_CHANNEL_ID,
        zone="America/New_York",
        starts_at=starts_at,
        summary=f"Reliability tour {number}",
        form_values={"number": str(number)},
        body={
            "integration_id": integration_id,
            "appointment_date": starts_at.date().isoformat(),
            "appointment_time": starts_at.strftime("%H:%M:%S"),
            "first_name": "Reliability",
            "last_name": f"Tester{number}",
            "email_1": f"reliability.{number}@example.com",
            "notes": booking_id,
        },
        next_attempt_at=due,
    )


async def add_bookings(store: Store, count: int, integration_id: str) -> list[str]:
    """Store `count` accepted bookings, all due now; returns their ids."""
    now = datetime.now(UTC)
    ids: list[str] = []
    for start in range(0, count, 50):
        batch = [
            new_booking(n, integration_id, due=now) for n in range(start, min(count, start + 50))
        ]
        added = await asyncio.gather(*(store.add_booking(b) for b in batch))
        ids.extend(booking.id for booking, created in added if created)
    assert len(ids) == count
    return ids


async def all_bookings(store: Store) -> list[Booking]:
    return await store.bookings_in_state(*BookingState)


async def states(store: Store) -> Counter[str]:
    return Counter(booking.state.value for booking in await all_bookings(store))


async def wait_until_settled(
    store: Store,
    *,
    timeout: float,
    alive: Callable[[], None] = lambda: None,
    settled: Sequence[BookingState] = FINAL,
) -> float:
    """Wait until every booking is in one of `settled`; returns the seconds it took. `alive`
    is called on each look, to fail early (a worker process that died, say)."""
    started = time.monotonic()
    while True:
        alive()
        counts = await states(store)
        if sum(counts.values()) and all(state in settled for state in counts):
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise AssertionError(f"bookings still not settled after {timeout:g} s: {dict(counts)}")
        await asyncio.sleep(0.1)


async def expire_leases(store: Store) -> int:
    """Make every lease run out now, as if the worker that held it had died long enough ago:
    `sending` bookings become due (the next worker reports them unknown) and `submitted` ones
    are polled at once. Call it only while no worker runs. Returns how many were moved."""
    now = datetime.now(UTC)
    held = await store.bookings_in_state(BookingState.SENDING, BookingState.SUBMITTED)
    for booking in held:
        if booking.next_attempt_at is not None and booking.next_attempt_at > now:
            await store.update_booking(booking.id, next_attempt_at=now)
    return len(held)


# -- the audit -------------------------------------------------------------------------------------


@dataclass
class Audit:
    """Stored bookings against what the simulator received and booked."""

    bookings: int
    states: Counter[str]
    duplicates: list[str] = field(default_factory=list)  # markers booked (or sent) twice
    lost: list[str] = field(default_factory=list)  # neither final nor explained
    strays: list[str] = field(default_factory=list)  # appointments naming no stored booking
    unknown_arrived: int = 0  # unknown, and the simulator did get its create
    unknown_not_arrived: int = 0  # unknown, and it never reached the simulator
    problems: list[str] = field(default_factory=list)  # anything else inconsistent

    @property
    def clean(self) -> bool:
        return not (self.duplicates or self.lost or self.strays or self.problems)

    def summary(self) -> str:
        return (
            f"{self.bookings} bookings: {dict(sorted(self.states.items()))}; "
            f"duplicates {len(self.duplicates)}, lost {len(self.lost)}, strays "
            f"{len(self.strays)}, unknown {self.unknown_arrived} arrived / "
            f"{self.unknown_not_arrived} not; problems {self.problems[:5]}"
        )


def audit(bookings: Iterable[Booking], propexo: SimulatorServer) -> Audit:
    """Check that nothing was lost or doubled.

    - every booking is final: `confirmed` with exactly one appointment (the one it names),
      `unknown` with at most one, or `failed` with a reason;
    - no marker reached the simulator in two creates, or in two appointments;
    - every appointment belongs to a stored booking.
    """
    stored = list(bookings)
    booked = Counter(str(a.body.get("notes")) for a in propexo.state.appointments)
    appointment_of = {str(a.body.get("notes")): a.id for a in propexo.state.appointments}
    sent = Counter(_marker(r.body) for r in propexo.state.requests_to("POST", CREATE_PATH))
    result = Audit(bookings=len(stored), states=Counter(b.state.value for b in stored))
    ids = {b.id for b in stored}
    result.duplicates = sorted(
        {m for m, n in booked.items() if n > 1} | {m for m, n in sent.items() if m and n > 1}
    )
    result.strays = sorted(m for m in booked if m not in ids)
    for booking in stored:
        arrived = booked[booking.id]
        if booking.state is BookingState.CONFIRMED:
            if arrived != 1:
                result.problems.append(f"{booking.id} confirmed with {arrived} appointments")
            elif booking.appointment_id != appointment_of[booking.id]:
                result.problems.append(f"{booking.id} confirmed as another appointment")
        elif booking.state is BookingState.UNKNOWN:
            if sent[booking.id] or arrived:
                result.unknown_arrived += 1
            else:
                result.unknown_not_arrived += 1
        elif booking.state is BookingState.FAILED:
            if not booking.last_error and not booking.write_errors:
                result.lost.append(booking.id)
        else:
            result.lost.append(booking.id)
    return result


def _marker(body: object) -> str | None:
    if isinstance(body, dict):
        notes = body.get("notes")
        return notes if isinstance(notes, str) else None
    return None


# -- worker processes ------------------------------------------------------------------------------


def worker_env(
    *,
    slack_api_url: str,
    propexo: SimulatorServer | None,
    database_url: str,
    token: str = "xoxb-reliability-worker",
    rate_limit: int = 100_000,
    propexo_url: str | None = None,
) -> dict[str, str]:
    """The environment of a `tourbot worker` against the stand-ins (nothing else inherited from
    this process's Slack, Propexo or database settings)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "PROPEXO_", "DATABASE_", "RUN_WORKER", "LOG_"))
    }
    if propexo is not None:
        propexo_url = propexo_url or propexo.url
        key, integration = propexo.api_key, propexo.integration_id
    else:
        key, integration = DEFAULT_API_KEY, DEFAULT_INTEGRATION_ID
    assert propexo_url is not None
    env.update(
        SLACK_BOT_TOKEN=token,
        SLACK_API_URL=slack_api_url,
        PROPEXO_BASE_URL=propexo_url,
        PROPEXO_API_KEY=key,
        PROPEXO_INTEGRATION_ID=integration,
        PROPEXO_RATE_LIMIT=str(rate_limit),
        DATABASE_URL=database_url,
        PYTHONUNBUFFERED="1",
        # Hundreds of bookings in one channel, and a stand-in with no posting limit: Slack's
        # pace is kept in tests/delivery/test_slack_pace.py, against a stand-in that has one.
        SLACK_CHANNEL_RATE="0",
    )
    return env


class WorkerProcess:
    """`python -m bot worker` in a directory of its own, its output in a log file (a pipe nobody
    reads would fill up and stall it)."""

    def __init__(self, env: dict[str, str], cwd: Path, name: str = "worker") -> None:
        cwd.mkdir(parents=True, exist_ok=True)
        self.log_path = cwd / f"{name}.log"
        self._log: IO[str] = self.log_path.open("a")
        self._offset = self.log_path.stat().st_size  # this run's lines start here
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "worker"],
            cwd=cwd,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.started = time.monotonic()

    @property
    def output(self) -> str:
        with self.log_path.open() as log:
            log.seek(self._offset)
            return log.read()

    def check_alive(self) -> None:
        code = self.process.poll()
        if code is not None:
            raise AssertionError(f"tourbot worker exited with {code}:\n{self.output[-3000:]}")

    async def wait_ready(self, timeout: float = 30.0) -> float:
        """Wait for the line saying it delivers bookings; returns the seconds since launch."""
        while READY_LINE not in self.output:
            self.check_alive()
            if time.monotonic() - self.started > timeout:
                raise AssertionError(f"tourbot worker not ready in {timeout:g} s:\n{self.output}")
            await asyncio.sleep(0.02)
        return time.monotonic() - self.started

    def kill(self) -> None:
        """SIGKILL: no drain, no cleanup, as when a machine or a container dies."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self._log.close()

    async def terminate(self, timeout: float = 30.0) -> int:
        """SIGTERM (the drain), waited for off the event loop; returns the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.to_thread(self.process.wait, timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait(timeout=10)
            self._log.close()
        return code


# -- SIGKILL loops ---------------------------------------------------------------------------------


@dataclass
class KillRun:
    kills: int  # SIGKILLs that landed on a running worker
    after_lease: int  # restarts made as if the dead worker's leases had run out
    seconds: float  # from the first start to every booking settled
    last_round: float  # the final, uninterrupted worker's time to settle everything
    exit_code: int  # of the final worker, stopped with SIGTERM


async def run_with_kills(
    store: Store,
    env: dict[str, str],
    cwd: Path,
    *,
    kills: int,
    rng: random.Random,
    alive_for: tuple[float, float] = (0.0, 1.0),
    timeout: float = 60.0,
) -> KillRun:
    """Start a worker, SIGKILL it `alive_for` seconds (at random) after it is ready, restart it,
    `kills` times; then let one worker finish and stop it with SIGTERM.

    Every other restart comes "after the leases ran out" (`expire_leases`), so bookings a dead
    worker left `sending` are found and reported unknown by the next one, while other bookings
    are still being sent; the rest restart at once, with the dead worker's leases still held.
    """
    started = time.monotonic()
    made = after_lease = 0
    for round_ in range(kills):
        if not any(state in LIVE for state in await states(store)):
            break  # nothing left to interrupt
        worker = WorkerProcess(env, cwd)
        try:
            await worker.wait_ready()
            await asyncio.sleep(rng.uniform(*alive_for))
        finally:
            worker.kill()
        made += 1
        if round_ % 2:
            await expire_leases(store)
            after_lease += 1
    await expire_leases(store)
    worker = WorkerProcess(env, cwd)
    try:
        await worker.wait_ready()  # a SIGTERM before its handler is set would just end it
        last_round = await wait_until_settled(store, timeout=timeout, alive=worker.check_alive)
        code = await worker.terminate()
    finally:
        worker.kill()
    return KillRun(made, after_lease, time.monotonic() - started, last_round, code)
