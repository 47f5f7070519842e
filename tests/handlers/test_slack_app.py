"""The Slack front end end to end: signed requests to the bot's real HTTP server, Slack played by
the stand-in, Propexo by the simulator, bookings in a real SQLite file."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.models.views import View

from bot.offline.propexo import SimulatorServer
from bot.offline.slack import (
    BOT_USER_ID,
    DEFAULT_AGENT_ID,
    DEFAULT_CHANNEL_ID,
    PostedMessage,
    SlackStandIn,
)
from bot.store import BookingState
from bot.time.words import _zone_names
from tests.harness import RunningBot, running_bot

CREATE = "POST /crm/v1/appointments/eliseai"
# Times are read from a Wednesday morning in the agent's Chicago: "tomorrow" is Thu, Nov 26.
EXAMPLE = "Jane Doe jane@example.com 555-201-7788 tomorrow at 3pm self-guided, 2br, $1,800-2,200"


async def open_form(bot: RunningBot, text: str = EXAMPLE) -> str:
    """/tour <text>; returns the id of the modal it opened."""
    response = await bot.agent.command(text)
    assert response.status_code == 200 and response.text == ""
    [opened] = await bot.slack.wait_for("views.open")
    assert opened.ok, opened.response
    view_id: str = opened.response["view"]["id"]
    return view_id


def replies(bot: RunningBot, channel: str = DEFAULT_CHANNEL_ID) -> list[Any]:
    [parent] = bot.slack.messages(channel)
    return bot.slack.thread(channel, parent.ts)


async def wait_for_reply(bot: RunningBot, count: int, channel: str = DEFAULT_CHANNEL_ID) -> None:
    await bot.slack.wait_for(
        "chat.postMessage",
        count + 1,
        timeout=10,
        where=lambda call: call.args.get("channel") == channel,
    )


def block_texts(message: Any) -> str:
    return json.dumps(message.blocks)


# -- the happy path -----------------------------------------------------------------------------


async def test_book_from_tour_text_end_to_end(on_wednesday: RunningBot) -> None:
    bot = on_wednesday
    view_id = await open_form(bot)
    await bot.slack.wait_for("views.update")  # the agent's zone, looked up after opening
    view = bot.slack.view(view_id)
    assert view is not None
    shown = json.dumps(view.blocks, ensure_ascii=False)
    assert "jane@example.com" in shown and "555-201-7788" in shown and "tomorrow at 3pm" in shown
    assert "Thu, Nov 26, 3:00 PM CST in your time zone · 21:00 UTC" in shown
    assert "Times are read in America/Chicago, your Slack time zone." in shown  # users.info

    started = time.monotonic()
    answer = await bot.agent.submit(view_id)
    assert answer == {}  # a plain ack closes the modal
    assert time.monotonic() - started < 1.0

    await wait_for_reply(bot, 2)  # submitted, confirmed
    await bot.slack.wait_for("chat.update", where=lambda call: "Confirmed" in call.args["text"])
    [parent] = bot.slack.messages(DEFAULT_CHANNEL_ID)
    assert parent.text == "Tour for Jane Doe · Thu, Nov 26, 3:00 PM CST · Confirmed in EliseAI"
    submitted, confirmed = replies(bot)
    assert "Submitted to EliseAI" in submitted.text and "job_" in submitted.text
    assert "Confirmed in EliseAI" in confirmed.text

    [booked] = bot.propexo.state.appointments
    assert booked.body == {
        "integration_id": bot.propexo.integration_id,
        "appointment_date": "2026-11-26",  # tomorrow, Thursday, in Chicago and in UTC
        "appointment_time": "21:00:00",  # 3pm in Chicago, CST
        "email_1": "jane@example.com",
        "phone_1": "+15552017788",
        "first_name": "Jane",
        "last_name": "Doe",
        "rent_minimum_in_cents": 180000,
        "rent_maximum_in_cents": 220000,
        "desired_num_bedrooms": [2],
        "tour_type": "SELF_GUIDED",
    }
    [stored] = await bot.tourbot.store.bookings_for_user(DEFAULT_AGENT_ID)
    assert stored.state is BookingState.CONFIRMED
    assert stored.starts_at == datetime(2026, 11, 26, 21, 0, tzinfo=UTC)
    assert (stored.thread_channel_id, stored.thread_ts) == (DEFAULT_CHANNEL_ID, parent.ts)


async def test_the_modal_has_every_field_with_plain_labels(bot: RunningBot) -> None:
    view = bot.slack.view(await open_form(bot, ""))
    assert view is not None
    labels = {
        block["block_id"]: block["label"]["text"]
        for block in view.blocks
        if block["type"] == "input"
    }
    assert labels == {
        "community": "Community",
        "prospect": "Existing prospect",
        "first_name": "First name",
        "last_name": "Last name",
        "email": "Email",
        "phone": "Phone",
        "tour_time": "Tour time",
        "tour_type": "Tour type",
        "move_in_date": "Move-in date",
        "bedrooms": "Bedrooms",
        "rent_min": "Minimum rent ($/month)",
        "rent_max": "Maximum rent ($/month)",
        "lease_term": "Lease term (months)",
        "notes": "Notes",
    }
    View(**view.to_json()).validate_json()  # slack_sdk's own checks of Slack's limits


async def test_the_time_preview_follows_typing(bot: RunningBot) -> None:
    view_id = await open_form(bot, "")
    await bot.slack.wait_for("views.update")  # the agent's zone, looked up after opening
    response = await bot.agent.type_into(view_id, "tour_time", "fri 2pm")
    assert response.status_code == 200
    [update] = await bot.slack.wait_for(
        "views.update", where=lambda call: "20:00 UTC" in json.dumps(call.args)
    )
    preview = next(
        b for b in update.args["view"]["blocks"] if b.get("block_id") == "tour_time_preview"
    )
    text = preview["elements"][0]["text"]
    assert "2:00 PM CST in your time zone · 20:00 UTC" in text


@pytest.mark.parametrize(
    ("typed", "preview"),
    [
        ("tomorrow", ":grey_question: What time on Thu, Nov 26? Add one, like “thu 3pm”."),
        (
            "yesterday at 3pm",
            ":grey_question: Tue, Nov 24 at 3:00 PM has already passed. "
            "Give a time that is still ahead.",
        ),
        (
            "tomorrow at 9:30pm",
            ":warning: Thu, Nov 26, 9:30 PM CST in your time zone · 03:30 UTC\n"
            "9:30 PM is outside tour hours (8:00 AM–8:00 PM). Please confirm.",
        ),
        (
            "last monday at 11",
            ":grey_question: Mon, Nov 23 at 11:00 AM has already passed. "
            "Give a time that is still ahead.",
        ),
        (
            "3pm tomorrow EST",
            ":calendar: Thu, Nov 26, 2:00 PM CST in your time zone · 20:00 UTC",
        ),
        (
            "Nov 20 at 2pm",
            ":warning: Sat, Nov 20, 2027, 2:00 PM CST in your time zone · 20:00 UTC\n"
            "Sat, Nov 20, 2027 is more than 60 days ahead; check the date and the year. "
            "Please confirm.",
        ),
    ],
    ids=["ask", "reject", "confirm", "backward", "zone-after-the-day", "far-shows-the-year"],
)
async def test_the_time_preview_asks_refuses_and_warns_as_the_agent_types(
    on_wednesday: RunningBot, typed: str, preview: str
) -> None:
    bot = on_wednesday
    view_id = await open_form(bot, "")
    await bot.slack.wait_for("views.update")  # the agent's zone, looked up after opening
    await bot.agent.type_into(view_id, "tour_time", typed)
    [_, update] = await bot.slack.wait_for("views.update", 2)
    shown = next(
        b for b in update.args["view"]["blocks"] if b.get("block_id") == "tour_time_preview"
    )
    assert shown["elements"][0]["text"] == preview


async def test_a_community_zone_wins_over_the_agent(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> None:
    zones = {"cmty_maple_court": "America/Los_Angeles"}
    async with running_bot(slack, propexo_sim, tmp_path / "t.db", community_timezones=zones) as bot:
        view_id = await open_form(bot)
        # The agent's zone is in the form by now, so the community's must win over it.
        [update] = await bot.slack.wait_for("views.update")
        assert json.loads(update.args["view"]["private_metadata"])["agent_zone"] == (
            "America/Chicago"
        )
        await bot.agent.submit(view_id, {"community": "cmty_maple_court"})
        await wait_for_reply(bot, 1)
        [booked] = propexo_sim.state.appointments
        assert booked.body["appointment_time"] == "23:00:00"  # 3pm PST
        assert booked.body["community_id"] == "cmty_maple_court"


# -- the agent's time zone -----------------------------------------------------------------------


async def test_the_agent_zone_is_looked_up_once(bot: RunningBot) -> None:
    await open_form(bot)
    await bot.slack.wait_for("views.update")  # the agent's zone, looked up after opening
    await bot.agent.command(EXAMPLE)
    [_, second] = await bot.slack.wait_for("views.open", 2)
    assert "Times are read in America/Chicago" in json.dumps(second.args["view"])  # at once
    assert len(bot.slack.calls_to("users.info")) == 1


async def test_a_failed_zone_lookup_is_tried_again_on_the_next_tour(bot: RunningBot) -> None:
    bot.slack.fail("users.info", "internal_error")
    await open_form(bot)
    await bot.slack.wait_for("users.info")
    await asyncio.sleep(0.2)  # the failure reaches the bot before the next /tour
    await bot.agent.command(EXAMPLE)
    await bot.slack.wait_for("views.open", 2)
    [update] = await bot.slack.wait_for("views.update")
    assert "Times are read in America/Chicago" in json.dumps(update.args["view"])
    assert len(bot.slack.calls_to("users.info")) == 2


# -- problems before sending ----------------------------------------------------------------------


async def test_every_problem_under_its_input_in_one_round_trip(bot: RunningBot) -> None:
    view_id = await open_form(bot, "")
    answer = await bot.agent.submit(
        view_id,
        {
            "first_name": "Jane",
            "email": "jane@",
            "phone": "12",
            "tour_time": "yesterday at 3pm",
            "rent_min": "$3,000",
            "rent_max": "2200",
            "notes": None,
        },
    )
    assert answer["response_action"] == "errors"
    assert answer["errors"] == {
        "email": "Email must look like name@example.com",
        "phone": "Phone must be a number like +1 555 201 7788",
        "tour_time": answer["errors"]["tour_time"],
        "rent_min": "Minimum rent must be no more than the maximum ($2,200)",
    }
    assert "has already passed" in answer["errors"]["tour_time"]
    assert bot.propexo.state.requests_to("POST", "/crm/v1/appointments/eliseai") == []
    assert await bot.tourbot.store.bookings_for_user(DEFAULT_AGENT_ID) == []


async def test_a_new_prospect_needs_a_name_and_a_contact(bot: RunningBot) -> None:
    view_id = await open_form(bot, "tomorrow at 3pm")
    answer = await bot.agent.submit(view_id)
    assert answer["errors"] == {
        "first_name": "Add a first name for a new prospect, or pick an existing one",
        "email": "Add an email or a phone for a new prospect",
    }


async def test_a_time_to_confirm_is_confirmed_before_booking(bot: RunningBot) -> None:
    view_id = await open_form(bot, "Jane Doe jane@example.com tomorrow at 9:30pm")
    await bot.slack.wait_for("views.update")  # the agent's zone, looked up after opening
    answer = await bot.agent.submit(view_id)
    assert answer["response_action"] == "push"
    assert "outside tour hours" in json.dumps(answer["view"])
    assert bot.propexo.state.requests_to("POST", "/crm/v1/appointments/eliseai") == []
    confirm_id = bot.slack.view_stack(view_id)[-1].id
    closing = await bot.agent.submit(confirm_id)
    assert closing == {"response_action": "clear"}
    await wait_for_reply(bot, 2)
    [booked] = bot.propexo.state.appointments
    assert booked.body["appointment_time"] == "03:30:00"  # 9:30pm CST, the next UTC day


async def test_the_same_submission_twice_books_once(bot: RunningBot) -> None:
    view_id = await open_form(bot)
    payload_view = bot.agent.view_json(view_id, {})
    body = {
        "type": "view_submission",
        "team": {"id": "T0TOURBOT"},
        "user": {"id": DEFAULT_AGENT_ID},
        "view": payload_view,
    }
    first, second = await asyncio.gather(bot.agent.interact(body), bot.agent.interact(body))
    assert (first.status_code, second.status_code) == (200, 200)
    await wait_for_reply(bot, 2)
    await asyncio.sleep(0.3)
    assert len(bot.propexo.state.appointments) == 1
    assert len(bot.slack.messages(DEFAULT_CHANNEL_ID)) == 1


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
    await wait_for_reply(bot, 2)
    assert "Confirmed" in replies(bot)[-1].text
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


# -- when Slack does not open the form ------------------------------------------------------------


@pytest.mark.parametrize(
    ("refusal", "said"),
    [
        ("expired_trigger_id", "Slack didn't open the booking form in time (expired_trigger_id)."),
        ("internal_error", "Slack didn't open the booking form (internal_error)."),
    ],
)
async def test_a_form_slack_did_not_open_is_explained_to_the_agent(
    bot: RunningBot, refusal: str, said: str
) -> None:
    bot.slack.fail("views.open", refusal)
    response = await bot.agent.command(EXAMPLE)
    assert response.status_code == 200 and response.text == ""
    [note] = await bot.slack.wait_for("response_url")
    assert note.args["text"] == f"{said} Type /tour again."
    assert note.args["response_type"] == "ephemeral"


async def test_edit_and_retry_says_when_the_form_did_not_open(bot: RunningBot) -> None:
    bot.propexo.add_fault(CREATE, "status", status=400, message="Community is not accepting tours")
    await bot.agent.submit(await open_form(bot))
    await wait_for_reply(bot, 1)
    [refused] = replies(bot)
    [booking] = await bot.tourbot.store.bookings_for_user(DEFAULT_AGENT_ID)
    bot.slack.fail("views.open", "expired_trigger_id")
    await bot.agent.click(DEFAULT_CHANNEL_ID, refused.ts, "edit_and_retry", booking.id)
    [note] = await bot.slack.wait_for("chat.postEphemeral")
    assert note.args["text"] == (
        "Slack didn't open the booking form in time (expired_trigger_id). "
        "Click Edit and retry again."
    )
    assert (note.args["channel"], note.args["user"]) == (DEFAULT_CHANNEL_ID, DEFAULT_AGENT_ID)
    assert note.args["thread_ts"] == booking.thread_ts  # in the booking's thread


async def test_the_message_shortcut_says_when_the_form_did_not_open(bot: RunningBot) -> None:
    lead = bot.slack.add_message(DEFAULT_CHANNEL_ID, "Ana Lima wants a tour fri at 11am")
    bot.slack.fail("views.open", "expired_trigger_id")
    response = await bot.agent.interact(shortcut_on(bot, lead))
    assert response.status_code == 200
    [note] = await bot.slack.wait_for("chat.postEphemeral")
    assert note.args["text"] == (
        "Slack didn't open the booking form in time (expired_trigger_id). "
        "Use “Book a tour from this message” again."
    )
    assert (note.args["channel"], note.args["user"]) == (DEFAULT_CHANNEL_ID, DEFAULT_AGENT_ID)


async def test_edit_in_form_says_when_the_form_did_not_open(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> None:
    async with running_bot(
        slack, propexo_sim, tmp_path / "t.db", propexo_community_id="cmty_maple_court"
    ) as bot:
        text = f"<@{BOT_USER_ID}> book Jane Doe jane@example.com tomorrow at 2pm"
        mention = bot.slack.add_message(DEFAULT_CHANNEL_ID, text)
        await bot.agent.say(DEFAULT_CHANNEL_ID, text, mention.ts)
        [summary] = await bot.slack.wait_for("chat.postMessage")
        bot.slack.fail("views.open", "expired_trigger_id")
        await bot.agent.click(
            DEFAULT_CHANNEL_ID, summary.response["ts"], "dialogue_edit", dialogue_id(summary)
        )
        [note] = await bot.slack.wait_for("chat.postEphemeral")
        assert note.args["text"] == (
            "Slack didn't open the booking form in time (expired_trigger_id). "
            "Click Edit in form again."
        )


def dialogue_id(posted: Any) -> str:
    """The value of the "Edit in form" button in a posted message."""
    blocks = posted.args["blocks"]
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    return next(
        str(element["value"])
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == "dialogue_edit"
    )


async def test_a_rate_limited_post_does_not_move_the_thread_to_a_dm(bot: RunningBot) -> None:
    bot.slack.rate_limit("chat.postMessage")  # the booking's first message, once
    await bot.agent.submit(await open_form(bot))
    await wait_for_reply(bot, 3)  # refused once, then the message, submitted, confirmed
    assert "Confirmed in EliseAI" in replies(bot)[-1].text
    assert bot.slack.calls_to("conversations.open") == []
    assert bot.slack.response_posts() == []  # no "/invite @Tourbot" for a bot already here


# -- requests that are not Slack's ---------------------------------------------------------------


async def test_a_forged_signature_is_refused(bot: RunningBot) -> None:
    body = "command=%2Ftour&text=hi&user_id=U1&trigger_id=t"
    headers = bot.agent.signed(body)
    headers["X-Slack-Signature"] = "v0=" + "0" * 64
    response = await bot.agent.post(body, headers)
    assert response.status_code == 401
    assert bot.slack.calls_to("views.open") == []


async def test_a_stale_timestamp_is_refused(bot: RunningBot) -> None:
    body = "command=%2Ftour&text=hi&user_id=U1&trigger_id=t"
    response = await bot.agent.post(body, bot.agent.signed(body, timestamp=int(time.time()) - 600))
    assert response.status_code == 401


async def test_the_server_starts_with_the_time_resolver_warm(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> None:
    # As in a fresh process: the names of the world's zones not yet read.
    _zone_names.cache_clear()
    async with running_bot(slack, propexo_sim, tmp_path / "t.db"):
        # Read at start, so the first agent's "3pm Europe/London" does not wait for them.
        assert _zone_names.cache_info().currsize == 1


async def test_health(bot: RunningBot) -> None:
    response = await bot.http.get(f"{bot.url}/healthz")
    assert response.status_code == 200
    assert response.json()["ok"] is True


# -- options ------------------------------------------------------------------------------------


async def test_prospect_and_community_options(bot: RunningBot) -> None:
    view_id = await open_form(bot, "")
    prospects = (await bot.agent.suggest(view_id, "prospect", "jane")).json()["options"]
    shown = [(o["text"]["text"], o["value"]) for o in prospects]
    assert ("Jane Doe · jane.doe@… · +1 555 …", "prsp_0001") in shown
    assert all(len(o["text"]["text"]) <= 75 for o in prospects)
    communities = (await bot.agent.suggest(view_id, "community", "maple")).json()["options"]
    assert [o["value"] for o in communities] == ["cmty_maple_court"]


async def test_a_booking_that_cannot_be_stored_is_not_sent_and_says_so(bot: RunningBot) -> None:
    view_id = await open_form(bot)
    async with bot.tourbot.store.engine.begin() as connection:
        await connection.exec_driver_sql("DROP TABLE bookings")
    answer = await bot.agent.submit(view_id)
    assert answer["response_action"] == "errors"
    assert answer["errors"]["tour_time"].startswith("Tourbot could not save this booking")
    assert bot.propexo.state.requests_to("POST", "/crm/v1/appointments/eliseai") == []


async def test_book_from_a_message_reports_in_its_thread(bot: RunningBot) -> None:
    lead = bot.slack.add_message(
        DEFAULT_CHANNEL_ID,
        "Can someone book a tour for Ana Lima? ana.lima@example.com, she wants a virtual tour "
        "fri at 11am, 1 bedroom",
    )
    response = await bot.agent.interact(shortcut_on(bot, lead))
    assert response.status_code == 200
    [opened] = await bot.slack.wait_for("views.open")
    shown = json.dumps(opened.args["view"])
    assert "ana.lima@example.com" in shown and "fri at 11am" in shown
    assert await bot.agent.submit(opened.response["view"]["id"]) == {}
    await bot.slack.wait_for("chat.postMessage", 3, timeout=10)
    replies_to_lead = bot.slack.thread(DEFAULT_CHANNEL_ID, lead.ts)
    assert replies_to_lead[0].text.startswith("Tour for Ana Lima")
    assert "Confirmed in EliseAI" in replies_to_lead[-1].text
    assert bot.slack.messages(DEFAULT_CHANNEL_ID) == [lead]  # nothing new at the top level
    [booked] = bot.propexo.state.appointments
    assert (booked.body["tour_type"], booked.body["desired_num_bedrooms"]) == ("VIRTUAL", [1])


def message_action(bot: RunningBot, message: dict[str, Any]) -> dict[str, Any]:
    """The payload Slack sends when the agent picks "Book a tour from this message"."""
    return {
        "type": "message_action",
        "callback_id": "book_from_message",
        "trigger_id": bot.slack.new_trigger_id(),
        "team": {"id": "T0TOURBOT", "domain": "tourbot-test"},
        "user": {"id": DEFAULT_AGENT_ID, "name": "maria", "team_id": "T0TOURBOT"},
        "channel": {"id": DEFAULT_CHANNEL_ID, "name": "leasing-team"},
        "message": message,
        "message_ts": message["ts"],
        "response_url": bot.slack.new_response_url(),
    }


async def test_book_from_a_forwarded_message_reads_what_it_carries(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> None:
    async with running_bot(
        slack, propexo_sim, tmp_path / "t.db",
        channel_communities={DEFAULT_CHANNEL_ID: "cmty_harbor_view"},
    ) as bot:  # fmt: skip
        shared = bot.slack.add_message(DEFAULT_CHANNEL_ID, "")
        forwarded = {
            "type": "message",
            "text": "",
            "ts": shared.ts,
            "user": "U0OTHER",
            "attachments": [
                {
                    "is_share": True,
                    "is_msg_unfurl": True,
                    "author_name": "Leasing desk",
                    "channel_id": "C0LEADS",
                    "ts": "1764000000.000100",
                    "fallback": "[November 24th, 2026] Leasing desk: Ana Lima ana.lima@example.com",
                    "text": "Ana Lima ana.lima@example.com wants a virtual tour fri at 11am",
                }
            ],
        }
        emailed = bot.slack.add_message(DEFAULT_CHANNEL_ID, "")
        email = {
            "type": "message",
            "subtype": "file_share",
            "text": "",
            "ts": emailed.ts,
            "user": "U0OTHER",
            "files": [
                {
                    "id": "F0EMAIL1",
                    "filetype": "email",
                    "mode": "email",
                    "subject": "Tour request",
                    "from": [
                        {
                            "address": "priya.raman@example.com",
                            "name": "Priya Raman",
                            "original": "Priya Raman <priya.raman@example.com>",
                        }
                    ],
                    "plain_text": "Hi! Could I see a 2 bedroom on Saturday at 10am? 555-201-7788",
                    "preview": "Hi! Could I see a 2 bedroom on Saturday at 10am?",
                }
            ],
        }
        for message in (forwarded, email):
            response = await bot.agent.interact(message_action(bot, message))
            assert response.status_code == 200
        first, second = await bot.slack.wait_for("views.open", 2)
        for opened, words in (
            (first, ["ana.lima@example.com", "fri at 11am", "Ana"]),
            (second, ["priya.raman@example.com", "Saturday at 10am", "555-201-7788", "Priya"]),
        ):
            view = json.dumps(opened.args["view"])
            assert all(word in view for word in words), (words, view)
            [community] = [
                b for b in opened.args["view"]["blocks"] if b.get("block_id") == "community"
            ]
            assert community["element"]["initial_option"]["value"] == "cmty_harbor_view"


def shortcut_on(bot: RunningBot, message: PostedMessage) -> dict[str, Any]:
    """What Slack sends when the agent uses "Book a tour from this message" on `message`."""
    return message_action(
        bot, {"type": "message", "text": message.text, "ts": message.ts, "user": "U0OTHER"}
    )
