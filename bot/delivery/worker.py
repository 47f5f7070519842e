"""The delivery worker: claims due bookings from the store and moves each one a step.

Claims are made in the database, so several workers (in several processes, on one PostgreSQL)
never take the same booking. Bookings left `sending` by a worker that died are found by their
expired lease and reported as unknown; nothing is sent twice, nothing is dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.delivery.steps import DeliveryPolicy, Pause, Reporter, Steps, no_pause
from bot.logs import reason
from bot.propexo.client import PropexoClient
from bot.store import Booking, BookingNotFound, BookingState, Store

logger = logging.getLogger(__name__)


class Worker:
    """Runs until stopped; `wake()` makes it look for work at once (after a new booking)."""

    def __init__(
        self,
        store: Store,
        propexo: PropexoClient,
        report: Reporter,
        *,
        policy: DeliveryPolicy | None = None,
        concurrency: int = 32,
        tick: float = 1.0,
        batch_pause: float = 0.02,
        sweep_every: float = 5.0,
        pause: Pause = no_pause,
    ) -> None:
        """`pause` is awaited before each round and each stretch of delivery work (see Steps)."""
        self.store = store
        self.policy = policy or DeliveryPolicy()
        self.pause = pause
        self.steps = Steps(store, propexo, report, self.policy, pause)
        self.concurrency = concurrency
        self.tick = tick
        self.batch_pause = batch_pause
        self.sweep_every = sweep_every
        self._swept_at = float("-inf")
        self._wake = asyncio.Event()
        self._stopping = False
        # Held while a round claims and starts work: `stop` waits for it, or a round under way
        # would start sends after the stop had counted what it waits for.
        self._round = asyncio.Lock()
        self._tasks: set[asyncio.Task[Booking | None]] = set()
        self._sends: set[asyncio.Task[Booking | None]] = set()
        self._booking_of: dict[asyncio.Task[Booking | None], Booking] = {}  # as claimed

    def wake(self) -> None:
        self._wake.set()

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    async def run(self) -> None:
        failing: str | None = None  # the last failure's reason, said once until rounds work
        while not self._stopping:
            try:
                await self.pause()
                async with self._round:
                    await self.run_once()
            except Exception as exc:  # a database hiccup must not end the worker
                why = reason(exc).splitlines()[0]  # a database's first line; not its statement
                if failing is None:
                    logger.exception("delivery round failed; trying again every round")
                elif why != failing:
                    logger.warning("delivery round failed again: %s", why)
                failing = why
            else:
                if failing is not None:
                    logger.warning("delivery rounds work again after: %s", failing)
                failing = None
            # Wakes that come in a burst (every finished step wakes it) make one round, not many.
            await asyncio.sleep(self.batch_pause)
            pause = await self._until_due()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), pause)
            self._wake.clear()

    async def _until_due(self) -> float:
        """Seconds to sleep: until the next booking is due, `tick` at most."""
        try:
            due = await self.store.next_due()
        except Exception:
            return self.tick
        if due is None:
            return self.tick
        return min(self.tick, max(0.01, (due - datetime.now(UTC)).total_seconds()))

    async def run_once(self) -> int:
        """One round: report cut-off sends, then start due sends and polls. Returns how many."""
        clock = asyncio.get_running_loop().time()
        if clock - self._swept_at >= self.sweep_every:  # leases are long: no need every round
            self._swept_at = clock
            # Claimed, but its request never went out: it is simply sent again.
            await self.store.claim_due(
                BookingState.SENDING,
                lease=timedelta(0),
                limit=100,
                to=BookingState.ACCEPTED,
                sent=False,
            )
            for booking in await self.store.claim_due(
                BookingState.SENDING,
                lease=self.policy.send_lease,
                limit=100,
                to=BookingState.UNKNOWN,
                sent=True,
            ):
                logger.warning("booking %s was cut off while sending: outcome unknown", booking.id)
                await self.steps.cut_off(booking)
        started = 0
        if self._stopping or len(self._tasks) >= self.concurrency:
            return started
        # A read first: claiming is a write, and most rounds find nothing due.
        due = await self.store.next_due(BookingState.ACCEPTED, BookingState.SUBMITTED)
        if due is None or due > datetime.now(UTC):
            return started
        room = self.concurrency - len(self._tasks)
        if room > 0:
            for booking in await self.store.claim_due(
                BookingState.ACCEPTED,
                lease=self.policy.send_lease,
                limit=room,
                to=BookingState.SENDING,
            ):
                self._start(self.steps.send, booking, sending=True)
                started += 1
        room = self.concurrency - len(self._tasks)
        if room > 0 and not self._stopping:
            for booking in await self.store.claim_due(
                BookingState.SUBMITTED, lease=self.policy.poll_lease, limit=room
            ):
                self._start(self.steps.poll, booking, sending=False)
                started += 1
        return started

    def _start(
        self,
        step: Callable[[Booking], Coroutine[Any, Any, Booking | None]],
        booking: Booking,
        *,
        sending: bool,
    ) -> None:
        task = asyncio.create_task(step(booking), name=f"{step.__name__}-{booking.id}")
        self._tasks.add(task)
        self._booking_of[task] = booking
        if sending:
            self._sends.add(task)

        def done(finished: asyncio.Task[Booking | None]) -> None:
            self._tasks.discard(finished)
            self._sends.discard(finished)
            if not self._stopping:
                self._booking_of.pop(finished, None)
            if not finished.cancelled() and finished.exception() is not None:
                logger.error("%s crashed", finished.get_name(), exc_info=finished.exception())
            self._wake.set()  # room for more

        task.add_done_callback(done)

    async def stop(self, *, grace: float = 10.0) -> int:
        """Stop claiming; let work under way finish for `grace` seconds. Polls still running are
        handed back at once (they are only reads). A send still running past the grace is cut
        off: handed back at once if its request never left, otherwise left `sending`, and
        whoever runs next reports it as unknown rather than sending it again. Returns how many
        sends were cut off."""
        self._stopping = True
        self._wake.set()
        async with self._round:  # a round under way finishes starting what it claimed
            pass
        polls = self._tasks - self._sends
        for task in polls:
            task.cancel()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=grace)
        cut_off = len(self._sends)
        if cut_off:
            logger.warning(
                "stopping: %d send(s) still running after %.0f s are cut off", cut_off, grace
            )
        sends = set(self._sends)
        for task in list(self._tasks):
            task.cancel()
        if polls:
            await asyncio.gather(*polls, return_exceptions=True)
            now = datetime.now(UTC)
            for booking in (self._booking_of[task] for task in polls):
                # A cancelled poll holds a lease: give it back so the next worker looks at once.
                # Only a kindness: a store busy with a send just cut off lets the lease run out.
                try:
                    await self.store.update_booking(booking.id, next_attempt_at=now)
                except BookingNotFound:
                    pass
                except Exception as error:  # stopping goes on, whatever the store says
                    logger.warning(
                        "stopping: the lease of booking %s was not handed back (%s); it runs out",
                        booking.id,
                        reason(error),
                    )
        if sends:
            await asyncio.gather(*sends, return_exceptions=True)  # the store says what left
            handed_back = sum([await self._hand_back(self._booking_of[task]) for task in sends])
            if handed_back:
                logger.info(
                    "stopping: %d cut-off send(s) had sent nothing: handed back", handed_back
                )
        return cut_off

    async def _hand_back(self, claimed: Booking) -> bool:
        """A cut-off send whose request never left goes back to `accepted`, due at once, rather
        than sitting out its lease; one that may have reached Propexo stays for the unknown
        path. Whether it left is the store's word (`request_sent_at`), under the same claim."""
        try:
            back = await self.store.transition(
                claimed.id, BookingState.ACCEPTED, expect=[BookingState.SENDING],
                attempt=claimed.attempts, unsent=True, next_attempt_at=datetime.now(UTC),
            )  # fmt: skip
        except Exception:  # its lease still runs out, and the next worker's sweep hands it back
            logger.warning("could not hand back booking %s", claimed.id, exc_info=True)
            return False
        return back is not None
