"""The booking form end to end: the happy path, the time preview, the agent's and the
community's zone, options, and the problems shown before anything is sent."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from slack_sdk.models.views import View

from bot.offline.propexo import SimulatorServer
from bot.offline.slack import DEFAULT_AGENT_ID, DEFAULT_CHANNEL_ID, SlackStandIn
from bot.store import BookingState
from tests.handlers.slack_app_kit import EXAMPLE, open_form, replies, wait_for_reply
from tests.harness import RunningBot, running_bot

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


async def test_several_bedroom_sizes_go_from_the_text_to_the_body(
    on_wednesday: RunningBot,
) -> None:
    bot = on_wednesday
    view_id = await open_form(bot, "Jane Doe jane@example.com tomorrow at 3pm, 2 or 3 bedrooms")
    view = bot.slack.view(view_id)
    assert view is not None
    [bedrooms] = [b["element"] for b in view.blocks if b.get("block_id") == "bedrooms"]
    assert bedrooms["type"] == "multi_static_select"
    assert [o["value"] for o in bedrooms["initial_options"]] == ["2", "3"]
    assert await bot.agent.submit(view_id) == {}
    await wait_for_reply(bot, 2)
    [booked] = bot.propexo.state.appointments
    assert booked.body["desired_num_bedrooms"] == [2, 3]  # EliseAI reads the first


async def test_the_agent_picks_several_bedroom_sizes_in_the_modal(
    on_wednesday: RunningBot,
) -> None:
    bot = on_wednesday
    view_id = await open_form(bot)
    assert await bot.agent.submit(view_id, {"bedrooms": "studio, 1"}) == {}
    await wait_for_reply(bot, 2)
    [booked] = bot.propexo.state.appointments
    assert booked.body["desired_num_bedrooms"] == [0, 1]


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
