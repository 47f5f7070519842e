"""Slack's side of volume: the calls one booking costs, and posting to a channel at Slack's pace
with the stand-in's channel limit on: in order, nothing lost, one channel never slowing another,
a 429 waited out.

The burst tests run Slack's pace ten times faster on both sides (the stand-in's limit and the
outbox's), so thirty threads take seconds: the rule is the same, only the clock is scaled.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import slack_client
from bot.delivery.worker import Worker
from bot.offline.propexo import SimulatorServer
from bot.offline.slack import DEFAULT_CHANNEL_ID, Call, SlackStandIn
from bot.store import Booking, BookingState, Store
from handlers.outbox import Outbox, message
from handlers.pace import CHANNEL_BURST
from handlers.thread import SlackThread
from tests.delivery.test_delivery import propexo_at, sqlite_store, thread_of, until
from tests.harness import FAST_POLICY
from tests.reliability_kit import new_booking

RATE = 10.0  # Slack's one message a second per channel, ten times faster
OTHER_CHANNEL = "C0SHOWINGS"
CALLS_PER_BOOKING = 4  # its message, "submitted", "confirmed", and the message's one edit
POLICY = replace(FAST_POLICY, rate_limit=1000)


def posts_to(slack: SlackStandIn, channel: str) -> list[Call]:
    return [
        call
        for call in slack.calls
        if call.method in ("chat.postMessage", "chat.update") and call.args["channel"] == channel
    ]


def assert_paced(calls: Sequence[Call], rate: float, burst: int) -> None:
    """Slack's rule, measured where Slack measures it (arrival): any run of calls fits in the
    burst plus what the rate allows over its span."""
    times = sorted(call.at for call in calls)
    for first in range(len(times)):
        for last in range(first, len(times)):
            allowed = burst + rate * (times[last] - times[first]) + 0.05
            assert last - first + 1 <= allowed, (first, last, times[last] - times[first])


# -- what one booking costs -------------------------------------------------------------------


async def test_what_one_booking_costs_unpaced_and_paced(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> None:
    """Unpaced (SLACK_CHANNEL_RATE=0) it is five calls: the
    message's edit to "submitted", then to "confirmed". Paced, a state on the way waits to
    settle and a confirmation replaces it: four."""
    costs: list[list[str]] = []
    for outbox in (Outbox(rate=None), Outbox(rate=RATE, burst=CHANNEL_BURST)):
        folder = tmp_path / str(len(costs))
        folder.mkdir()
        async with sqlite_store(folder) as store:
            [booking] = await add(store, propexo_sim.integration_id, range(1), DEFAULT_CHANNEL_ID)
            before = len(slack.calls)
            thread = SlackThread(slack_client("xoxb-cost", slack.api_url), store, outbox=outbox)
            await thread.open(booking)  # as the agent's submission does
            client = propexo_at(propexo_sim.url)
            worker = Worker(store, client, thread, policy=POLICY)
            running = asyncio.create_task(worker.run())
            await until(store, booking.id, lambda b: b.last_told == "confirmed")
            await outbox.drained()
            await worker.stop(grace=1)
            running.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await running
            await client.aclose()
            costs.append([c.method for c in slack.calls[before:] if c.method.startswith("chat.")])
    assert costs == [
        ["chat.postMessage", "chat.postMessage", "chat.update", "chat.postMessage", "chat.update"],
        ["chat.postMessage", "chat.postMessage", "chat.postMessage", "chat.update"],
    ]
    assert len(costs[1]) == CALLS_PER_BOOKING


# -- thirty bookings in one channel ------------------------------------------------------------


@contextlib.asynccontextmanager
async def paced_bot_parts(tmp_path: Path) -> AsyncIterator[tuple[SlackStandIn, Store, Outbox]]:
    """The stand-in with Slack's channel limit on, a store, and an outbox paced to match."""
    limited = SlackStandIn(channel_rate=RATE, channel_burst=CHANNEL_BURST)
    async with limited as slack, sqlite_store(tmp_path) as store:
        yield slack, store, Outbox(rate=RATE, burst=CHANNEL_BURST)


async def add(store: Store, integration_id: str, numbers: range, channel: str) -> list[Booking]:
    added = [
        await store.add_booking(replace(new_booking(n, integration_id), channel_id=channel))
        for n in numbers
    ]
    return [booking for booking, _ in added]


async def test_thirty_bookings_in_one_channel_are_paced_in_order_and_lose_nothing(
    tmp_path: Path,
) -> None:
    with SimulatorServer(settle=0.2, slowdown=0.0, rate_limit=1000) as propexo:
        async with paced_bot_parts(tmp_path) as (slack, store, outbox):
            client = slack_client("xoxb-pace", slack.api_url)
            thread = SlackThread(client, store, outbox=outbox)
            busy = await add(store, propexo.integration_id, range(30), DEFAULT_CHANNEL_ID)
            # The agents' submissions open their threads, all at about the same time.
            await asyncio.gather(*(thread.open(booking) for booking in busy))
            propexo_client = propexo_at(propexo.url)
            worker = Worker(store, propexo_client, thread, policy=POLICY)
            running = asyncio.create_task(worker.run())
            try:
                await asyncio.sleep(0.3)  # the channel's queue is long by now
                [quiet] = await add(store, propexo.integration_id, range(30, 31), OTHER_CHANNEL)
                quiet = await thread.open(quiet)
                worker.wake()
                started = time.time()
                await until(store, quiet.id, lambda b: b.state is BookingState.CONFIRMED)
                await slack.wait_for("chat.postMessage", where=confirmed_in(OTHER_CHANNEL))
                quiet_done = time.time() - started
                backlog = outbox.waiting
                for booking in busy:
                    await until(store, booking.id, lambda b: b.state is BookingState.CONFIRMED)
                await outbox.drained()
            finally:
                await worker.stop(grace=2)
                running.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await running
                await propexo_client.aclose()
            everyone: list[Booking | None] = [await store.get_booking(b.id) for b in [*busy, quiet]]
            calls = slack.calls

    assert [call for call in calls if call.status == 429] == []
    # The other channel's booking went through while this one's queue was still long.
    assert quiet_done < 3.0 and backlog > 10, (quiet_done, backlog)
    channel_calls = posts_to(slack, DEFAULT_CHANNEL_ID)
    assert_paced(channel_calls, RATE, CHANNEL_BURST)
    assert len(channel_calls) <= CALLS_PER_BOOKING * len(busy)
    for shown in everyone:
        assert shown is not None and shown.thread_ts and shown.status_ts
        told = "\n".join(message.text for message in thread_of(slack, shown))
        # Each state said, in order (a reply may say two), and the end shown on the message.
        assert told.index("Submitted to EliseAI") < told.index("Confirmed in EliseAI"), told
        parent = slack.message(shown.thread_channel_id or "", shown.status_ts or "")
        assert parent is not None and "Confirmed in EliseAI" in parent.text


def confirmed_in(channel: str) -> Callable[[Call], bool]:
    def confirmed(call: Call) -> bool:
        return call.ok and call.args.get("channel") == channel and "Confirmed" in call.args["text"]

    return confirmed


# -- Slack says wait -----------------------------------------------------------------------------


@pytest.mark.parametrize("retrying", [True, False], ids=["bot-client", "plain-client"])
async def test_a_429_delays_the_channel_but_loses_nothing(retrying: bool) -> None:
    """Slack's count is ahead of the outbox's (as when another instance posts in the channel):
    its 429s, each with a Retry-After, are waited out (by the bot's client, or by the outbox
    when the client does not retry), the channel's messages held behind, in order, none lost.
    Another channel is not held meanwhile."""
    async with SlackStandIn(channel_rate=1.0, channel_burst=1) as slack:
        token = "xoxb-pace"
        client = (
            slack_client(token, slack.api_url)
            if retrying
            else AsyncWebClient(token=token, base_url=slack.api_url)
        )
        outbox = Outbox(rate=RATE, burst=CHANNEL_BURST)  # ten times Slack's pace
        started = time.monotonic()
        parent = await outbox.post(client, DEFAULT_CHANNEL_ID, message("Tour for Jane Doe"))
        said = [
            outbox.post(client, DEFAULT_CHANNEL_ID, message(f"update {n}"), thread_ts=parent)
            for n in range(3)
        ]
        await asyncio.sleep(0.2)  # the first update is being refused
        elsewhere = await outbox.post(client, OTHER_CHANNEL, message("a tour elsewhere"))
        elsewhere_after = time.monotonic() - started
        await asyncio.gather(*said)
        took = time.monotonic() - started
        assert parent is not None and elsewhere is not None
        thread = slack.thread(DEFAULT_CHANNEL_ID, parent)
    assert [m.text for m in thread] == ["update 0", "update 1", "update 2"]
    calls = posts_to(slack, DEFAULT_CHANNEL_ID)
    refused = [n for n, call in enumerate(calls) if call.status == 429]
    assert refused, "Slack refused none: nothing was tested"
    for n in refused:  # the channel waited as told before its next call
        assert calls[n + 1].at - calls[n].at >= 0.9
    assert took >= 2.5  # three updates at Slack's one a second, after the parent
    assert elsewhere_after < 0.5  # another channel's queue is not held


async def test_an_edit_that_changes_nothing_or_is_overtaken_is_not_sent() -> None:
    async with SlackStandIn() as slack:
        client = slack_client("xoxb-pace", slack.api_url)
        outbox = Outbox(rate=RATE, burst=CHANNEL_BURST)
        shown = message("Tour for Jane Doe · Accepted")
        ts = await outbox.post(client, DEFAULT_CHANNEL_ID, shown)
        assert ts is not None
        await outbox.edit(client, DEFAULT_CHANNEL_ID, ts, shown)  # what it shows: not sent
        held = outbox.edit(client, DEFAULT_CHANNEL_ID, ts, message("… Submitted"), settle=5)
        await outbox.edit(client, DEFAULT_CHANNEL_ID, ts, message("… Confirmed"))
        assert held.done()  # overtaken before it went
        updates = slack.calls_to("chat.update")
        shown_now = slack.message(DEFAULT_CHANNEL_ID, ts)
    assert [call.args["text"] for call in updates] == ["… Confirmed"]
    assert shown_now is not None and shown_now.text == "… Confirmed"


async def test_news_waiting_in_a_busy_channel_is_said_in_one_reply() -> None:
    """A note without buttons, still waiting when the booking's next news comes, says both."""
    async with SlackStandIn() as slack:
        client = slack_client("xoxb-pace", slack.api_url)
        outbox = Outbox(rate=RATE, burst=1)
        parent = await outbox.post(client, DEFAULT_CHANNEL_ID, message("Tour for Jane Doe"))
        submitted = outbox.post(
            client, DEFAULT_CHANNEL_ID, message("Submitted to EliseAI."),
            thread_ts=parent, joins="b1", open_to="b1",
        )  # fmt: skip
        confirmed = outbox.post(
            client, DEFAULT_CHANNEL_ID, message("Confirmed in EliseAI."),
            thread_ts=parent, joins="b1",
        )  # fmt: skip
        assert confirmed is submitted
        await confirmed
        assert parent is not None
        thread = slack.thread(DEFAULT_CHANNEL_ID, parent)
    assert [m.text for m in thread] == ["Submitted to EliseAI.\nConfirmed in EliseAI."]
