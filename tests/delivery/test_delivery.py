"""Delivery through the worker: doubles flagged, Send anyway, the shared budget, recovery,
and what the agent is told on each path (Slack's rate limits included)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.app import slack_client
from bot.delivery.steps import DeliveryPolicy
from bot.delivery.worker import Worker
from bot.offline.propexo import DEFAULT_API_KEY, DEFAULT_INTEGRATION_ID, SimulatorServer
from bot.offline.slack import (
    DEFAULT_AGENT_ID,
    DEFAULT_CHANNEL_ID,
    Call,
    PostedMessage,
    SlackStandIn,
)
from bot.propexo.client import PropexoClient
from bot.store import Booking, BookingState, NewBooking, Store
from bot.store.store import BudgetUnit
from handlers.thread import SlackThread
from tests.handlers.slack_app_kit import (
    EXAMPLE,
    button_value,
    open_form,
    replies,
    wait_for_reply,
)
from tests.harness import FAST_POLICY, RunningBot, running_bot
from tests.reliability_kit import add_bookings, new_booking

CREATE = "POST /crm/v1/appointments/eliseai"
CREATE_PATH = "/crm/v1/appointments/eliseai"
MINUTE = timedelta(minutes=1)


async def book(bot: RunningBot, text: str = EXAMPLE) -> dict[str, object]:
    view_id = await open_form(bot, text)
    await bot.slack.wait_for("views.update")  # the agent's zone
    return await bot.agent.submit(view_id)


async def open_another_form(bot: RunningBot, text: str, opened_before: int) -> str:
    assert (await bot.agent.command(text)).status_code == 200
    calls = await bot.slack.wait_for("views.open", opened_before + 1)
    view_id: str = calls[-1].response["view"]["id"]
    return view_id


async def test_the_same_prospect_at_the_same_time_is_flagged(bot: RunningBot) -> None:
    assert await book(bot) == {}
    await wait_for_reply(bot, 2)
    view_id = await open_another_form(bot, EXAMPLE, opened_before=1)
    answer = await bot.agent.submit(view_id)
    assert answer["response_action"] == "push"
    shown = json.dumps(answer["view"])
    assert f"Jane Doe already has a tour then, booked by <@{DEFAULT_AGENT_ID}>" in shown
    assert len(bot.propexo.state.appointments) == 1
    confirm_id = bot.slack.view_stack(view_id)[-1].id
    assert await bot.agent.submit(confirm_id) == {"response_action": "clear"}
    await wait_for_reply(bot, 4)
    assert len(bot.propexo.state.appointments) == 2  # booked anyway, as the agent chose


async def test_send_anyway_once_on_a_double_click(bot: RunningBot) -> None:
    bot.propexo.add_fault(CREATE, "drop_before")  # the request never reached Propexo…
    bot.propexo.add_fault(CREATE, "hang", seconds=3)  # …then it hangs: the outcome is unknown
    bot.propexo.clear_faults()
    bot.propexo.add_fault(CREATE, "hang", seconds=3)
    await book(bot)
    await wait_for_reply(bot, 1)
    [unknown] = replies(bot)
    booking = (await bot.tourbot.store.bookings_for_user(DEFAULT_AGENT_ID))[0]
    assert booking.state is BookingState.UNKNOWN
    assert bot.propexo.state.appointments == []  # it hung before booking anything
    pressed = button_value(unknown, "send_anyway")
    first = await bot.agent.click(DEFAULT_CHANNEL_ID, unknown.ts, "send_anyway", pressed)
    second = await bot.agent.click(DEFAULT_CHANNEL_ID, unknown.ts, "send_anyway", pressed)
    assert (first.status_code, second.status_code) == (200, 200)
    await wait_for_reply(bot, 4)  # sending again, submitted, confirmed
    resent, _, confirmed = replies(bot)[1:]
    assert f"Sending it again, as asked by <@{DEFAULT_AGENT_ID}>" in json.dumps(resent.blocks)
    assert "Confirmed in EliseAI" in confirmed.text
    assert len(bot.propexo.state.appointments) == 1
    [note] = bot.slack.ephemerals(channel=DEFAULT_CHANNEL_ID)
    assert "already being sent again" in note.text


async def test_send_anyway_acts_once_on_the_episode_it_was_shown_for(bot: RunningBot) -> None:
    bot.propexo.add_fault(CREATE, "status", status=500, times=2)  # unknown, and again when resent
    await book(bot)
    await wait_for_reply(bot, 1)
    [first_unknown] = replies(bot)
    [booking] = await bot.tourbot.store.bookings_for_user(DEFAULT_AGENT_ID)
    first_press = button_value(first_unknown, "send_anyway")
    await bot.agent.click(DEFAULT_CHANNEL_ID, first_unknown.ts, "send_anyway", first_press)
    await wait_for_reply(bot, 3)  # sending again; unknown again
    second_unknown = replies(bot)[2]
    assert "can't tell whether Propexo booked it (HTTP 500)" in second_unknown.text
    # The first message's button again (a second press, 0.3 s or a minute later): its episode
    # was sent already, so nothing goes out, and the agent is told why.
    await until(bot.tourbot.store, booking.id, lambda b: b.last_told == "unknown")
    await bot.agent.click(DEFAULT_CHANNEL_ID, first_unknown.ts, "send_anyway", first_press)
    [note] = await bot.slack.wait_for("chat.postEphemeral")
    assert "This button is from an earlier try" in str(note.args["text"])
    creates = [r for r in bot.propexo.state.requests if r.path == CREATE_PATH]
    assert len(creates) == 2
    stored = await bot.tourbot.store.get_booking(booking.id)
    assert stored is not None and stored.state is BookingState.UNKNOWN
    # The latest message's button sends it, once.
    latest = button_value(second_unknown, "send_anyway")
    await bot.agent.click(DEFAULT_CHANNEL_ID, second_unknown.ts, "send_anyway", latest)
    await wait_for_reply(bot, 6)  # sending again, submitted, confirmed
    assert "Confirmed in EliseAI" in replies(bot)[-1].text
    assert len([r for r in bot.propexo.state.requests if r.path == CREATE_PATH]) == 3
    assert len(bot.propexo.state.appointments) == 1


async def test_a_spent_budget_queues_and_says_so(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> None:
    # The copy of Propexo's lists, read at start, spends from the same budget: of two units a
    # minute its share is one (the page of communities; the prospects wait for the next
    # minute). One unit is left for the create.
    lookups = 1
    policy = DeliveryPolicy(**{**FAST_POLICY.__dict__, "rate_limit": 2})
    running = running_bot(slack, propexo_sim, tmp_path / "t.db", policy=policy, copied=False)
    async with running as bot:
        for _ in range(100):
            if len(propexo_sim.state.requests) == lookups:
                break
            await asyncio.sleep(0.05)
        assert len(propexo_sim.state.requests) == lookups
        await book(bot)
        await wait_for_reply(bot, 1)  # the one request left this minute: the create
        [submitted] = replies(bot)
        assert "Submitted" in submitted.text
        # The write status needs one more request: it waits until the oldest unit leaves the
        # budget, a minute after its request was answered. (Meanwhile it is due later while a
        # step holds it: the telling of "Submitted", then the poll's claim.)
        for _ in range(100):
            [booking] = await bot.tourbot.store.bookings_for_user(DEFAULT_AGENT_ID)
            due, sent = booking.next_attempt_at, booking.submitted_at
            if due and sent and datetime.now(UTC) + timedelta(seconds=30) < due <= sent + MINUTE:
                break
            await asyncio.sleep(0.05)
        assert booking.state is BookingState.SUBMITTED
        assert booking.request_sent_at is not None and booking.submitted_at is not None
        assert due is not None
        # When the oldest unit leaves: a look-up's, answered just before the create went out.
        assert booking.request_sent_at + timedelta(seconds=50) <= due
        assert due <= booking.submitted_at + timedelta(minutes=1)
        polls = [r for r in propexo_sim.state.requests if "write-status" in r.path]
        assert polls == []
        # Another agent's booking now finds nothing left this minute: it waits, and they hear
        # so in its thread, with the time in their own zone.
        view_id = await open_another_form(bot, "John Roe john@example.com tomorrow at 4pm", 1)
        assert await bot.agent.submit(view_id) == {}
        [queued] = await bot.slack.wait_for(
            "chat.postMessage", where=lambda call: str(call.args.get("text")).startswith("Propexo")
        )
        [second, _] = await bot.tourbot.store.bookings_for_user(DEFAULT_AGENT_ID)  # newest first
        # Told, then let go (held meanwhile): due when a unit frees, within the minute.
        a_minute_on = datetime.now(UTC) + timedelta(minutes=1, seconds=5)
        second = await until(
            bot.tourbot.store,
            second.id,
            lambda b: b.last_told == "queued" and (b.next_attempt_at or a_minute_on) < a_minute_on,
        )
        assert queued.args["thread_ts"] == second.thread_ts
        assert second.state is BookingState.ACCEPTED
        assert second.next_attempt_at is not None
        goes_out = queued.args["text"].split("goes out at about ")[1]
        assert goes_out.startswith("<!date^") and "^{time}|" in goes_out
        moment = datetime.fromtimestamp(int(goes_out.split("^")[1]), UTC)
        # When a unit frees; the booking is due up to 5 s after, so not all come back at once.
        assert second.next_attempt_at - timedelta(seconds=6) <= moment <= second.next_attempt_at
        assert queued.args["text"].startswith(
            f"Propexo takes {lookups + 1} requests a minute and the last minute's are used, so "
            "this booking is queued behind others."
        )
        assert len(propexo_sim.state.requests_to("POST", CREATE_PATH)) == 1


async def test_a_send_cut_off_by_a_crash_is_reported_unknown_on_restart(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> None:
    database = tmp_path / "t.db"
    # What a SIGKILL mid-request leaves: a booking in `sending` whose request went out.
    store = Store.from_url(f"sqlite:///{database}")
    await store.create_schema()
    booking, _ = await store.add_booking(
        NewBooking(
            request_key="crashed", team_id="T0TOURBOT", user_id=DEFAULT_AGENT_ID,
            channel_id=DEFAULT_CHANNEL_ID, zone="America/Chicago",
            starts_at=datetime(2026, 12, 1, 21, tzinfo=UTC),
            summary="Tour for Jane Doe · Tue, Dec 1, 3:00 PM CST", form_values={},
            body={"integration_id": propexo_sim.integration_id},
        )
    )  # fmt: skip
    lease_over = datetime.now(UTC) - timedelta(seconds=1)
    await store.transition(
        booking.id, BookingState.SENDING, next_attempt_at=lease_over, request_sent_at=lease_over
    )
    await store.close()

    async with running_bot(slack, propexo_sim, database) as bot:
        await bot.slack.wait_for("chat.postMessage", 2)  # the thread's parent, then the news
        [unknown] = replies(bot)
        assert "Tourbot stopped while it was sending this booking" in unknown.text
        assert "Send anyway" in json.dumps(unknown.blocks)
        stored = await bot.tourbot.store.get_booking(booking.id)
        assert stored is not None and stored.state is BookingState.UNKNOWN
        # Never sent again on its own.
        assert propexo_sim.state.requests_to("POST", "/crm/v1/appointments/eliseai") == []


# -- what the agent is told, path by path --------------------------------------------------------


async def test_slack_rate_limits_delay_thread_updates_but_lose_none(bot: RunningBot) -> None:
    """Slack answers 429 (Retry-After: 1 s) to the parent message, the first reply and the
    parent's update: each goes again after the wait, in the channel, and nothing is missing."""
    bot.slack.rate_limit("chat.postMessage", retry_after=1)  # the parent message
    bot.propexo.add_fault(CREATE, "latency", seconds=0.3)  # time to refuse the first reply too
    await book(bot)
    await bot.slack.wait_for("chat.postMessage", where=lambda call: call.ok, timeout=10)
    bot.slack.rate_limit("chat.postMessage", retry_after=1)  # "Submitted"
    bot.slack.rate_limit("chat.update", retry_after=1)  # the parent, showing "submitted"
    confirmed = await bot.slack.wait_for(
        "chat.postMessage",
        where=lambda call: call.ok and str(call.args.get("text")).startswith("Confirmed"),
        timeout=15,
    )
    assert len(confirmed) == 1
    [parent] = bot.slack.messages(DEFAULT_CHANNEL_ID)  # not moved to a DM
    submitted, confirmed_reply = replies(bot)  # in this order, the wait notwithstanding
    assert submitted.text.startswith("Submitted to EliseAI")
    assert confirmed_reply.text.startswith("Confirmed in EliseAI")
    await bot.slack.wait_for("chat.update", 2, where=lambda call: call.ok, timeout=10)
    shown = bot.slack.message(DEFAULT_CHANNEL_ID, parent.ts)
    assert shown is not None and "Confirmed in EliseAI" in shown.text
    refused = [call for call in bot.slack.calls if call.status == 429]
    assert sorted(call.method for call in refused) == [
        "chat.postMessage",
        "chat.postMessage",
        "chat.update",
    ]


def closed_port() -> int:
    """A local port nothing listens on: Propexo down, refusing connections."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.asynccontextmanager
async def sqlite_store(tmp_path: Path, store_class: type[Store] = Store) -> AsyncIterator[Store]:
    engine = Store.from_url(f"sqlite:///{tmp_path / 'delivery.db'}").engine
    async with store_class(engine) as store:
        await store.create_schema()
        yield store


def thread_for(store: Store, slack: SlackStandIn) -> SlackThread:
    return SlackThread(slack_client("xoxb-delivery", slack.api_url), store)


def propexo_at(url: str) -> PropexoClient:
    return PropexoClient(url, DEFAULT_API_KEY, connect_timeout=0.5, backoff=0.01, rate_window=1.0)


@contextlib.asynccontextmanager
async def delivering(
    store: Store, slack: SlackStandIn, propexo_url: str, policy: DeliveryPolicy, **options: Any
) -> AsyncIterator[Worker]:
    """A worker running in this loop until the block ends, reporting in the stand-in."""
    client = propexo_at(propexo_url)
    worker = Worker(store, client, thread_for(store, slack), policy=policy, **options)
    running = asyncio.create_task(worker.run())
    try:
        yield worker
    finally:
        await worker.stop(grace=2)
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
        await client.aclose()


async def until(
    store: Store, booking_id: str, done: Callable[[Booking], bool], timeout: float = 10
) -> Booking:
    """The booking as soon as `done` says so."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        booking = await store.get_booking(booking_id)
        assert booking is not None
        if done(booking):
            return booking
        assert loop.time() < deadline, f"not there after {timeout:g} s: {booking}"
        await asyncio.sleep(0.02)


def thread_of(slack: SlackStandIn, booking: Booking) -> list[PostedMessage]:
    assert booking.thread_channel_id and booking.thread_ts
    return slack.thread(booking.thread_channel_id, booking.thread_ts)


def starting(messages: Sequence[PostedMessage], words: str) -> list[PostedMessage]:
    return [message for message in messages if message.text.startswith(words)]


def reader_time(moment: datetime) -> str:
    return f"<!date^{int(moment.timestamp())}^{{time}}|{moment.astimezone(UTC):%H:%M} UTC>"


async def test_propexo_down_past_give_up_after_fails_the_booking_with_edit_and_retry(
    slack: SlackStandIn, tmp_path: Path
) -> None:
    policy = replace(FAST_POLICY, give_up_after=timedelta(seconds=1))
    async with sqlite_store(tmp_path) as store:
        [booking_id] = await add_bookings(store, 1, DEFAULT_INTEGRATION_ID)
        propexo_down = f"http://127.0.0.1:{closed_port()}"
        async with delivering(store, slack, propexo_down, policy):
            failed = await until(store, booking_id, lambda b: b.state is BookingState.FAILED)
        told = thread_of(slack, failed)
    deadline = failed.created_at + policy.give_up_after
    # The connection is refused; the operating system's words decide how the client puts it.
    [waiting] = starting(told, "Propexo can't be reached right now (the connection ")
    assert waiting.text.endswith(
        f"), so nothing is booked yet. I'll keep trying until {reader_time(deadline)} and tell "
        "you here."
    )
    assert failed.attempts >= 2  # tried again, and told only once that it is waiting
    last = told[-1]
    assert last.text.startswith("Propexo could not be reached for 1 minute (the connection ")
    assert last.text.endswith("), so this tour is not booked. Try again when Propexo is back.")
    assert "Edit and retry" in json.dumps(last.blocks)


async def test_a_write_that_never_settles_is_reported_once_then_no_longer_followed(
    slack: SlackStandIn, tmp_path: Path
) -> None:
    policy = replace(
        FAST_POLICY,
        still_pending_after=timedelta(seconds=0.5),
        stop_polling_after=timedelta(seconds=1.5),
    )
    with SimulatorServer(settle=3600, slowdown=0.0) as propexo:  # its write never settles
        async with sqlite_store(tmp_path) as store:
            [booking_id] = await add_bookings(store, 1, propexo.integration_id)
            async with delivering(store, slack, propexo.url, policy):
                left = await until(
                    store,
                    booking_id,
                    lambda b: b.submitted_at is not None and b.next_attempt_at is None,
                )
                polls = status_reads(propexo)
                await asyncio.sleep(0.5)  # nothing more is asked, nothing more is said
                assert status_reads(propexo) == polls > 3
                told = thread_of(slack, left)
    assert left.state is BookingState.SUBMITTED
    assert [message.text for message in told[1:]] == [
        "EliseAI has not confirmed this booking yet (I'll keep checking and say so here). "
        "Check EliseAI before booking it again.",
        "EliseAI has not confirmed this booking yet (I have stopped checking). Check EliseAI "
        "before booking it again.",
    ]


def status_reads(propexo: SimulatorServer) -> int:
    return sum("/write-status/" in request.path for request in propexo.state.requests)


async def idle(worker: Worker) -> None:
    """Until the steps the worker started have finished."""
    while worker.in_flight:
        await asyncio.sleep(0.01)


async def test_a_queued_message_slack_refused_is_told_the_next_time_and_only_then(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> None:
    policy = replace(FAST_POLICY, rate_limit=1)
    async with sqlite_store(tmp_path) as store:
        [booking_id] = await add_bookings(store, 1, propexo_sim.integration_id)
        # Another instance's request holds the only unit: every round queues the booking.
        assert isinstance(await store.take_budget(policy.rate_limit), BudgetUnit)
        thread = thread_for(store, slack)
        await open_thread(store, slack, booking_id)
        slack.fail("chat.postMessage", "internal_error")  # the first "queued" reply
        client = propexo_at(propexo_sim.url)
        worker = Worker(store, client, thread, policy=policy)
        told_each_round = []
        for _ in range(3):
            assert await worker.run_once() == 1
            await idle(worker)
            booking = await until(store, booking_id, lambda b: b.state is BookingState.ACCEPTED)
            told_each_round.append(len(starting(thread_of(slack, booking), "Propexo takes 1")))
            await store.update_booking(booking_id, next_attempt_at=datetime.now(UTC))  # due
        await worker.stop(grace=1)
        await client.aclose()
    assert told_each_round == [0, 1, 1]  # refused, told again, then not repeated
    assert booking.last_told == "queued" and booking.attempts == 3
    assert propexo_sim.state.requests_to("POST", CREATE_PATH) == []


async def open_thread(store: Store, slack: SlackStandIn, booking_id: str) -> Booking:
    """The parent message, as the agent's submission posts it before the booking is sent."""
    booking = await store.get_booking(booking_id)
    assert booking is not None
    return await thread_for(store, slack).open(booking)


async def test_a_create_answered_without_a_job_id_is_reported_and_not_followed(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> None:
    propexo_sim.add_fault(CREATE, "no_job_id")  # booked, but nothing to follow
    async with sqlite_store(tmp_path) as store:
        [booking_id] = await add_bookings(store, 1, propexo_sim.integration_id)
        await open_thread(store, slack, booking_id)
        async with delivering(store, slack, propexo_sim.url, FAST_POLICY):
            left = await until(store, booking_id, lambda b: b.last_told == "pending")
            await asyncio.sleep(0.5)  # a poll would have come by now
        told = thread_of(slack, left)
    assert (left.state, left.job_id, left.next_attempt_at) == (BookingState.SUBMITTED, None, None)
    assert [message.text for message in told] == [
        "Submitted to EliseAI. Waiting for it to confirm…",
        "EliseAI has not confirmed this booking yet (Propexo gave no job id to follow). Check "
        "EliseAI before booking it again.",
    ]
    assert status_reads(propexo_sim) == 0
    assert len(propexo_sim.state.appointments) == 1


async def test_creates_beyond_the_budget_are_queued_and_each_agent_told_once_on_sqlite(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> None:
    count, budget = 8, 3
    policy = replace(FAST_POLICY, rate_limit=budget)
    async with sqlite_store(tmp_path) as store:
        ids = await add_bookings(store, count, propexo_sim.integration_id)
        async with delivering(store, slack, propexo_sim.url, policy) as worker:
            queued = await all_told(store, ids, "queued", count - budget)
            # Due again while the budget is still spent: queued again, and not told again.
            for booking in queued:
                await store.update_booking(booking.id, next_attempt_at=datetime.now(UTC))
            worker.wake()
            again = [await until(store, b.id, queued_again) for b in queued]
            await idle(worker)
        threads = [thread_of(slack, booking) for booking in again]
    assert len(propexo_sim.state.requests_to("POST", CREATE_PATH)) == budget
    told = [starting(thread, f"Propexo takes {budget} requests a minute") for thread in threads]
    assert [len(messages) for messages in told] == [1] * (count - budget)


def queued_again(booking: Booking) -> bool:
    return booking.attempts == 2 and booking.state is BookingState.ACCEPTED


async def all_told(store: Store, ids: Sequence[str], kind: str, count: int) -> list[Booking]:
    """Once every booking is sent or told `kind`: the `count` told it."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while True:
        bookings = [b for b in await store.bookings_in_state(*BookingState) if b.id in ids]
        told = [b for b in bookings if b.state is BookingState.ACCEPTED and b.last_told == kind]
        sent = [b for b in bookings if b.request_sent_at is not None]
        if len(told) + len(sent) == len(ids):
            assert len(told) == count, [b.state for b in bookings]
            return told
        assert loop.time() < deadline, [(b.state, b.last_told) for b in bookings]
        await asyncio.sleep(0.02)


async def test_a_send_outlasting_its_lease_is_not_taken_for_cut_off(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> None:
    """The create takes longer than the send lease (as waiting out Propexo's 429s can): the
    lease is renewed while it runs, so the sweep never reports it unknown."""
    policy = replace(FAST_POLICY, send_lease=timedelta(seconds=0.6))
    propexo_sim.add_fault(CREATE, "latency", seconds=1.5)
    async with sqlite_store(tmp_path) as store:
        [booking_id] = await add_bookings(store, 1, propexo_sim.integration_id)
        async with delivering(store, slack, propexo_sim.url, policy, sweep_every=0.1):
            await slack.wait_for("chat.postMessage", where=confirmed, timeout=10)
            booking = await until(store, booking_id, lambda b: b.state is BookingState.CONFIRMED)
        told = thread_of(slack, booking)
    assert [message.text.split(" (")[0] for message in told] == [
        "Submitted to EliseAI",
        "Confirmed in EliseAI.",
    ]
    assert len(propexo_sim.state.requests_to("POST", CREATE_PATH)) == 1


def confirmed(call: Call) -> bool:
    return call.ok and str(call.args.get("text")).startswith("Confirmed")


class StalledStore(Store):
    """The real store, whose budget stops answering from its `stall_from`-th ask on: a
    database gone quiet in the middle of a send, before its request is recorded."""

    stall_from = 2
    asked = 0

    async def take_budget(self, limit: int, **kwargs: Any) -> BudgetUnit | datetime:
        self.asked += 1
        if self.asked >= self.stall_from:
            await asyncio.Event().wait()
        return await super().take_budget(limit, **kwargs)


async def test_a_stop_hands_back_cut_off_sends_whose_request_never_left(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> None:
    propexo_sim.add_fault(CREATE, "hang", seconds=5)  # the first send's request is on the wire
    async with sqlite_store(tmp_path, StalledStore) as store:
        first, second = await add_bookings(store, 2, propexo_sim.integration_id)
        client = propexo_at(propexo_sim.url)
        worker = Worker(store, client, thread_for(store, slack), policy=FAST_POLICY)
        assert await worker.run_once() == 2
        while not propexo_sim.state.requests_to("POST", CREATE_PATH):
            await asyncio.sleep(0.01)
        stopped_at = datetime.now(UTC)
        assert await worker.stop(grace=0.2) == 2
        await client.aclose()
        on_the_wire = await store.get_booking(first)
        never_left = await store.get_booking(second)
    assert on_the_wire is not None and never_left is not None
    # It may have reached Propexo: left for the next worker to report unknown.
    assert on_the_wire.state is BookingState.SENDING and on_the_wire.request_sent_at is not None
    # Nothing went out: back in the queue, due at once rather than after its lease.
    assert never_left.state is BookingState.ACCEPTED and never_left.request_sent_at is None
    assert never_left.next_attempt_at is not None
    assert stopped_at <= never_left.next_attempt_at <= datetime.now(UTC)
    assert len(propexo_sim.state.requests_to("POST", CREATE_PATH)) == 1


async def test_a_released_booking_goes_at_once_and_one_a_worker_took_is_left_alone(
    bot: RunningBot,
) -> None:
    store = bot.tourbot.store
    held = datetime.now(UTC) + timedelta(seconds=10)  # held while its thread is opened
    [(waiting, _), (taken, _)] = [
        await store.add_booking(new_booking(n, bot.propexo.integration_id, due=held))
        for n in (1, 2)
    ]
    # The hold ran out for `taken` first: a worker claimed it and holds a lease.
    await store.update_booking(taken.id, next_attempt_at=datetime.now(UTC))
    [claimed] = await store.claim_due(
        BookingState.ACCEPTED, lease=timedelta(seconds=90), limit=1, to=BookingState.SENDING
    )
    assert claimed.id == taken.id and claimed.next_attempt_at is not None

    before = datetime.now(UTC)
    await bot.tourbot.release(waiting)
    await bot.tourbot.release(taken)  # its copy from before the claim

    released = await store.get_booking(waiting.id)
    assert released is not None and released.next_attempt_at is not None
    if released.state is BookingState.ACCEPTED:  # else the bot's worker took it at once
        assert before - timedelta(seconds=1) <= released.next_attempt_at < held, "still held"
    still = await store.get_booking(taken.id)
    assert still is not None and still.state is BookingState.SENDING
    assert still.next_attempt_at == claimed.next_attempt_at  # its lease, not cut short


async def test_a_store_that_keeps_failing_is_logged_once_not_every_round(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path, caplog: Any
) -> None:
    """Rounds fail while the database cannot answer: one traceback says so, not one a round,
    and a line says when rounds work again."""
    caplog.set_level("WARNING", logger="bot.delivery.worker")
    async with sqlite_store(tmp_path) as store:
        client = propexo_at(propexo_sim.url)
        worker = Worker(store, client, thread_for(store, slack), policy=FAST_POLICY, tick=0.02)
        async with store.engine.begin() as connection:
            await connection.exec_driver_sql("ALTER TABLE bookings RENAME TO bookings_away")
        running = asyncio.create_task(worker.run())
        await asyncio.sleep(0.5)  # many rounds, every one failing
        async with store.engine.begin() as connection:
            await connection.exec_driver_sql("ALTER TABLE bookings_away RENAME TO bookings")
        await asyncio.sleep(0.3)
        await worker.stop(grace=1)
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
        await client.aclose()
    failed = [r for r in caplog.records if r.getMessage().startswith("delivery round failed")]
    assert [r.levelname for r in failed] == ["ERROR"], [r.getMessage() for r in failed]
    assert failed[0].exc_info is not None
    assert any("delivery rounds work again" in r.getMessage() for r in caplog.records)
