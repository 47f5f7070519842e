"""A booking's thread after the form is sent: Propexo's refusals with edit and retry,
429s, timeouts and failed writes, and where the thread goes."""

from __future__ import annotations

import asyncio
import json

from bot.offline.slack import DEFAULT_AGENT_ID, DEFAULT_CHANNEL_ID, PostedMessage
from bot.store import BookingState
from tests.handlers.slack_app_kit import (
    CREATE,
    EXAMPLE,
    block_texts,
    open_form,
    replies,
    wait_for_reply,
)
from tests.harness import RunningBot

# -- problems from Propexo ----------------------------------------------------------------------


async def test_a_propexo_refusal_in_plain_words_with_edit_and_retry(bot: RunningBot) -> None:
    bot.propexo.add_fault(CREATE, "status", status=400, message="Community is not accepting tours")
    view_id = await open_form(bot)
    await bot.agent.submit(view_id)
    await wait_for_reply(bot, 1)
    [refused] = replies(bot)
    assert "Propexo refused this booking" in refused.text
    assert "Community is not accepting tours" in refused.text
    assert "Edit and retry" in block_texts(refused)
    booking = (await bot.tourbot.store.bookings_for_user(DEFAULT_AGENT_ID))[0]
    assert booking.state is BookingState.FAILED

    await bot.agent.click(DEFAULT_CHANNEL_ID, refused.ts, "edit_and_retry", booking.id)
    [_, reopened] = await bot.slack.wait_for("views.open", 2)
    assert "jane@example.com" in json.dumps(reopened.args["view"])
    await bot.agent.submit(reopened.response["view"]["id"])
    await wait_for_reply(bot, 4)  # the retry's summary, submitted, confirmed: in the same thread
    assert "Confirmed in EliseAI" in replies(bot)[-1].text
    assert len(bot.propexo.state.appointments) == 1


async def refused_booking(bot: RunningBot) -> tuple[PostedMessage, str]:
    """A booking Propexo refused: its message in the thread, and its id."""
    bot.propexo.add_fault(CREATE, "status", status=400, message="Community is not accepting tours")
    await bot.agent.submit(await open_form(bot))
    await wait_for_reply(bot, 1)
    [refused] = replies(bot)
    [booking] = await bot.tourbot.store.bookings_for_user(DEFAULT_AGENT_ID)
    return refused, booking.id


async def test_an_edit_and_retry_already_used_books_nothing_more(bot: RunningBot) -> None:
    refused, failed_id = await refused_booking(bot)
    await bot.agent.click(DEFAULT_CHANNEL_ID, refused.ts, "edit_and_retry", failed_id)
    [_, reopened] = await bot.slack.wait_for("views.open", 2)
    await bot.agent.submit(reopened.response["view"]["id"])
    await wait_for_reply(bot, 4)  # the retry's summary, submitted, confirmed
    # The failed booking's message keeps its reason, loses its button, and says what happened.
    await bot.slack.wait_for("chat.update", where=lambda call: call.args["ts"] == refused.ts)
    shown = bot.slack.message(DEFAULT_CHANNEL_ID, refused.ts)
    assert shown is not None
    assert "Community is not accepting tours" in block_texts(shown)
    assert "Edit and retry" not in block_texts(shown)
    assert f"Edited and sent again by <@{DEFAULT_AGENT_ID}>: see below." in block_texts(shown)

    # The same button, clicked again on a screen that had not caught up: refused, in the thread.
    await bot.agent.click(DEFAULT_CHANNEL_ID, refused.ts, "edit_and_retry", failed_id)
    [note] = await bot.slack.wait_for("chat.postEphemeral")
    assert note.args["text"] == (
        "This booking was already edited and sent again: the new one is further down this thread."
    )
    assert note.args["thread_ts"] == replies(bot)[0].thread_ts
    assert len(bot.slack.calls_to("views.open")) == 2  # no form for it
    assert len(bot.propexo.state.appointments) == 1


async def test_two_forms_from_one_edit_and_retry_book_once(bot: RunningBot) -> None:
    refused, failed_id = await refused_booking(bot)
    await bot.agent.click(DEFAULT_CHANNEL_ID, refused.ts, "edit_and_retry", failed_id)
    await bot.agent.click(DEFAULT_CHANNEL_ID, refused.ts, "edit_and_retry", failed_id)
    [_, first, second] = await bot.slack.wait_for("views.open", 3)
    await bot.agent.submit(first.response["view"]["id"])
    await bot.agent.submit(second.response["view"]["id"], {"tour_time": "tomorrow at 4pm"})
    await wait_for_reply(bot, 4)  # the retry's summary, submitted, confirmed
    await asyncio.sleep(0.3)
    assert len(await bot.tourbot.store.bookings_for_user(DEFAULT_AGENT_ID)) == 2
    assert len(bot.propexo.state.appointments) == 1


async def test_a_429_then_success_books_once(bot: RunningBot) -> None:
    bot.propexo.add_fault(CREATE, "status", status=429)
    view_id = await open_form(bot)
    await bot.agent.submit(view_id)
    await wait_for_reply(bot, 3)
    waiting, _, confirmed = replies(bot)
    assert waiting.text.startswith("Propexo is turning requests away right now")  # told at once
    assert "Confirmed" in confirmed.text
    assert len(bot.propexo.state.requests_to("POST", "/crm/v1/appointments/eliseai")) == 2
    assert len(bot.propexo.state.appointments) == 1


async def test_a_timeout_tells_the_agent_the_outcome_is_unknown(bot: RunningBot) -> None:
    bot.propexo.add_fault(CREATE, "hang", seconds=3)
    view_id = await open_form(bot)
    await bot.agent.submit(view_id)
    await wait_for_reply(bot, 1)
    [unknown] = replies(bot)
    assert "I sent this booking but can't tell whether Propexo booked it" in unknown.text
    assert "(no answer within 1 s)" in unknown.text
    assert "Check EliseAI" in unknown.text and "Send anyway" in block_texts(unknown)
    [booking] = await bot.tourbot.store.bookings_for_user(DEFAULT_AGENT_ID)
    assert booking.state is BookingState.UNKNOWN
    assert len(bot.propexo.state.requests_to("POST", "/crm/v1/appointments/eliseai")) == 1


async def test_a_failed_write_is_reported(bot: RunningBot) -> None:
    bot.propexo.add_fault(
        CREATE, "write_failure", errors=["Prospect is on the do-not-contact list"]
    )
    view_id = await open_form(bot)
    await bot.agent.submit(view_id)
    await wait_for_reply(bot, 2)
    submitted, failed = replies(bot)
    assert "Submitted" in submitted.text
    assert "EliseAI did not book this tour" in failed.text
    assert "do-not-contact" in failed.text
    assert "Edit and retry" in block_texts(failed)


# -- where the thread goes ----------------------------------------------------------------------


async def test_a_channel_without_the_bot_moves_the_thread_to_a_dm(bot: RunningBot) -> None:
    bot.slack.add_channel("C0PRIVATE", name="private-leads", bot_is_member=False)
    response = await bot.agent.command(EXAMPLE, channel_id="C0PRIVATE")
    assert response.status_code == 200
    [opened] = await bot.slack.wait_for("views.open")
    await bot.agent.submit(opened.response["view"]["id"])
    dm = bot.slack.dm_channel(DEFAULT_AGENT_ID)
    await wait_for_reply(bot, 2, channel=dm)
    assert "Confirmed" in replies(bot, dm)[-1].text
    [note] = bot.slack.response_posts()
    assert "/invite @Tourbot" in note["text"] and "direct messages" in note["text"]


async def test_a_rate_limited_post_does_not_move_the_thread_to_a_dm(bot: RunningBot) -> None:
    bot.slack.rate_limit("chat.postMessage")  # the booking's first message, once
    await bot.agent.submit(await open_form(bot))
    await wait_for_reply(bot, 3)  # refused once, then the message, submitted, confirmed
    assert "Confirmed in EliseAI" in replies(bot)[-1].text
    assert bot.slack.calls_to("conversations.open") == []
    assert bot.slack.response_posts() == []  # no "/invite @Tourbot" for a bot already here
