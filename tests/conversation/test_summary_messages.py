"""A conversation's summary messages once it ends (booked in the form, edited and sent again,
cancelled), and its community rule: optional, as in the form and `tourbot book`, and matched
from the very first message after start."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.offline.propexo import SimulatorServer
from bot.offline.slack import DEFAULT_AGENT_ID, DEFAULT_CHANNEL_ID, PostedMessage, SlackStandIn
from bot.store import BookingState
from tests.conversation.conversation_kit import CREATE, MENTION, Thread, buttons, eventually, shown
from tests.harness import WEDNESDAY, RunningBot, running_bot

COMMUNITIES = "GET /crm/v1/communities/"


@pytest.fixture
async def no_default(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> AsyncIterator[RunningBot]:
    """The bot with no default community (no PROPEXO_COMMUNITY_ID), reading times from
    WEDNESDAY."""
    async with running_bot(slack, propexo_sim, tmp_path / "tourbot.db", clock=WEDNESDAY) as bot:
        yield bot


async def booking_states(bot: RunningBot, count: int) -> list[BookingState]:
    """The states of the agent's `count` bookings once each is confirmed or failed, oldest
    first."""
    done = (BookingState.CONFIRMED, BookingState.FAILED)
    for _ in range(200):
        bookings = await bot.tourbot.store.bookings_for_user(DEFAULT_AGENT_ID)
        if len(bookings) == count and all(b.state in done for b in bookings):
            await asyncio.sleep(0.1)  # its thread reply follows the state change
            return [b.state for b in reversed(bookings)]
        await asyncio.sleep(0.05)
    raise AssertionError("the bookings did not settle")


def said(thread: Thread, start: str) -> list[PostedMessage]:
    return [m for m in thread.bot_messages() if m.text.startswith(start)]


# -- when the conversation ends ------------------------------------------------------------------


async def test_booking_in_the_form_takes_the_buttons_off_the_summary(chat: RunningBot) -> None:
    thread = Thread(chat)
    summary = await thread.start(f"{MENTION} book Jane Doe jane@example.com friday at 2pm")
    book = str(buttons(summary)[0]["value"])  # the Book button, as the agent's screen kept it
    await thread.click("dialogue_edit")
    [opened] = await chat.slack.wait_for("views.open")
    await chat.agent.submit(opened.response["view"]["id"], {"tour_time": "friday at 5pm"})
    assert await booking_states(chat, 1) == [BookingState.CONFIRMED]
    # The summary can book nothing more: the tour was booked from the form.
    await eventually(lambda: not buttons(thread.bot_messages()[0]))
    assert "Booked in the form: see below." in shown(thread.bot_messages()[0])
    await chat.agent.click(DEFAULT_CHANNEL_ID, summary.ts, "dialogue_book", book)
    await chat.slack.wait_for("chat.postEphemeral")
    assert len(chat.propexo.state.appointments) == 1


async def test_a_form_opened_from_a_conversation_booked_in_its_thread_books_nothing_more(
    chat: RunningBot,
) -> None:
    """Edit in form, then Book in the thread, then Submit: one booking, and the form says why it
    booked nothing (it changed the time: no look for doubles would have caught it)."""
    thread = Thread(chat)
    summary = await thread.start(f"{MENTION} book Jane Doe jane@example.com friday at 2pm")
    book = str(buttons(summary)[0]["value"])
    await thread.click("dialogue_edit")
    [opened] = await chat.slack.wait_for("views.open")
    await chat.agent.click(DEFAULT_CHANNEL_ID, summary.ts, "dialogue_book", book)
    assert await booking_states(chat, 1) == [BookingState.CONFIRMED]
    answer = await chat.agent.submit(opened.response["view"]["id"], {"tour_time": "friday at 5pm"})
    assert "already booked in its thread" in json.dumps(answer)
    await asyncio.sleep(0.3)
    assert len(chat.propexo.state.appointments) == 1


async def test_a_cancel_is_said_once(chat: RunningBot) -> None:
    thread = Thread(chat)
    await thread.start(f"{MENTION} book Jane Doe jane@example.com friday at 2pm")
    await thread.click("dialogue_cancel")
    cancelled = await thread.answer(2)
    assert cancelled.text == "Cancelled: nothing was booked. Mention me to start again."
    await eventually(lambda: not buttons(thread.bot_messages()[0]))
    summary = shown(thread.bot_messages()[0])
    assert "Cancelled: see below." in summary and "nothing was booked" not in summary


async def test_the_conversation_follows_its_booking_edited_and_sent_again(
    chat: RunningBot,
) -> None:
    chat.propexo.add_fault(CREATE, "status", status=400, message="Community is not accepting tours")
    thread = Thread(chat)
    await thread.start(f"{MENTION} book Jane Doe jane@example.com friday at 2pm")
    await thread.click("dialogue_book")
    assert await booking_states(chat, 1) == [BookingState.FAILED]
    [refused] = [m for m in thread.bot_messages() if "Propexo refused" in m.text]
    [failed] = await chat.tourbot.store.bookings_for_user(DEFAULT_AGENT_ID)
    await chat.agent.click(DEFAULT_CHANNEL_ID, refused.ts, "edit_and_retry", failed.id)
    [opened] = await chat.slack.wait_for("views.open")
    await chat.agent.submit(opened.response["view"]["id"], {"tour_time": "friday at 4pm"})
    assert await booking_states(chat, 2) == [BookingState.FAILED, BookingState.CONFIRMED]
    [_, retried] = said(thread, "Tour for Jane Doe")
    assert "Confirmed in EliseAI" in shown(retried)

    # What the thread says of its tour is the retry's: booked, not "EliseAI did not book it".
    answer = await thread.say("actually cancel that")
    assert answer is not None
    assert "Tour for Jane Doe · Fri, Nov 27, 4:00 PM CST, confirmed" in answer.text
    assert "did not book" not in answer.text


# -- the community: optional, and known from the start -------------------------------------------


async def test_a_community_is_not_asked_for_but_added_when_named(no_default: RunningBot) -> None:
    bot = no_default
    await bot.tourbot.communities()  # the list is at hand, as it is a moment after start
    thread = Thread(bot)
    ready = await thread.start(f"{MENTION} book Jane Doe jane@example.com friday at 2pm")
    assert "community" not in ready.text.lower()
    assert [b["text"]["text"] for b in buttons(ready)] == ["Book", "Edit in form", "Cancel"]
    named = await thread.say("it's at the maple one")
    assert named is not None and "Added the community: Maple Court Apartments." in named.text
    assert buttons(named)

    unnamed = Thread(bot)
    await unnamed.start(f"{MENTION} book Ann Lee ann@example.com friday at 3pm")
    await unnamed.click("dialogue_book")
    assert await booking_states(bot, 1) == [BookingState.CONFIRMED]
    [booked] = bot.propexo.state.appointments
    assert "community_id" not in booked.body  # as the form and `tourbot book` send it


async def test_the_first_mention_after_start_finds_the_community_it_names(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> None:
    propexo_sim.add_fault(COMMUNITIES, "latency", seconds=0.4)  # the list is slow to come
    async with running_bot(slack, propexo_sim, tmp_path / "t.db", clock=WEDNESDAY) as bot:
        thread = Thread(bot)
        first = await thread.start(
            f"{MENTION} book Jane Doe jane@example.com friday at 2pm at Maple Court"
        )
        assert "Maple Court Apartments" in shown(first)
        assert "Notes" not in shown(first)
