"""Existing prospects, communities, tour outcomes and the Home tab, through the real server."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from bot.offline.propexo import SimulatorServer
from bot.offline.slack import DEFAULT_AGENT_ID, DEFAULT_CHANNEL_ID, TEAM_ID, SlackStandIn
from bot.store import Booking, BookingState
from tests.handlers.slack_app_kit import open_form, replies, wait_for_reply
from tests.harness import RunningBot, running_bot

PROSPECTS = "/crm/v1/prospects"
UPDATE = "/crm/v1/appointments/eliseai/"


async def options(bot: RunningBot, view_id: str, action: str, query: str) -> list[tuple[str, str]]:
    found = (await bot.agent.suggest(view_id, action, query)).json()["options"]
    return [(o["text"]["text"], o["value"]) for o in found]


@pytest.mark.parametrize("query", ["jane d", "Doe", "jane.doe@", "555 201", "(555) 201-77"])
async def test_search_by_a_name_an_email_or_a_phone(bot: RunningBot, query: str) -> None:
    view_id = await open_form(bot, "")
    found = await options(bot, view_id, "prospect", query)
    assert ("Jane Doe · jane.doe@… · +1 555 …", "prsp_0001") in found
    assert all(len(text) <= 75 for text, _ in found)


async def test_a_slow_propexo_does_not_slow_a_search(bot: RunningBot) -> None:
    view_id = await open_form(bot, "")
    bot.propexo.add_fault(f"GET {PROSPECTS}*", "latency", seconds=5, times=None)
    started = time.monotonic()
    found = await options(bot, view_id, "prospect", "jane")
    assert time.monotonic() - started < 1.0  # answered from the store's copy
    assert ("Jane Doe · jane.doe@… · +1 555 …", "prsp_0001") in found


async def test_a_search_during_the_first_read_says_it_is_still_loading(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> None:
    propexo_sim.add_fault(f"GET {PROSPECTS}*", "latency", seconds=5, times=None)
    async with running_bot(slack, propexo_sim, tmp_path / "t.db", copied=False) as bot:
        view_id = await open_form(bot, "")
        started = time.monotonic()
        response = await bot.agent.suggest(view_id, "prospect", "jane")
        assert time.monotonic() - started < 2.9  # inside Slack's 3 seconds
        assert response.status_code == 200
        [loading] = response.json()["options"]
        assert loading["text"]["text"] == (
            "Still loading prospects (0 read so far): try again soon"
        )
        # Picked anyway, it is refused as a prospect, with a sentence, not booked.
        assert " " in loading["value"]


async def test_a_search_the_store_cannot_answer_says_so_and_recovers(
    bot: RunningBot, tmp_path: Path
) -> None:
    view_id = await open_form(bot, "")
    # The copy's table gone from under the running bot: every search of it fails.
    with sqlite3.connect(tmp_path / "tourbot.db") as database:
        database.execute("ALTER TABLE prospects RENAME TO prospects_away")
    response = await bot.agent.suggest(view_id, "prospect", "jane")
    assert response.status_code == 200
    [note] = response.json()["options"]
    assert note["text"]["text"] == (
        "Search unavailable just now: fill in a new prospect below, or try again"
    )
    assert " " in note["value"]  # picked anyway, it is refused as a prospect, not booked
    with sqlite3.connect(tmp_path / "tourbot.db") as database:
        database.execute("ALTER TABLE prospects_away RENAME TO prospects")
    found = await options(bot, view_id, "prospect", "jane")
    assert ("Jane Doe · jane.doe@… · +1 555 …", "prsp_0001") in found


async def test_a_whole_email_or_phone_the_copy_lacks_is_asked_of_propexo(
    bot: RunningBot,
) -> None:
    added = {"first_name": "Odile", "last_name": "Vantongeren", "email_1": "odile@example.org"}
    response = await asyncio.to_thread(
        httpx.post, f"{bot.propexo.url}/_sim/prospects", json=added, timeout=5
    )
    [created] = response.json()["prospects"]
    view_id = await open_form(bot, "")
    assert await options(bot, view_id, "prospect", "vantongeren") == []  # not copied yet
    found = await options(bot, view_id, "prospect", "Odile@Example.org")
    assert [value for _, value in found] == [created["id"]]
    # Kept: found by any part of it from now on, with no further request to Propexo.
    bot.propexo.state.clear_requests()
    assert [v for _, v in await options(bot, view_id, "prospect", "vantong")] == [created["id"]]
    assert not [r for r in bot.propexo.state.requests if r.path.startswith(PROSPECTS)]


async def test_a_prospect_booked_as_new_is_found_once_the_tour_is_confirmed(
    bot: RunningBot,
) -> None:
    view_id = await open_form(bot, "Wilhelmina Quarry wq@example.net tomorrow at 3pm")
    await bot.slack.wait_for("views.update")
    await bot.agent.submit(view_id)
    await wait_for_reply(bot, 2)  # submitted, then confirmed
    view_id = await open_form(bot, "")
    for _ in range(50):
        found = await options(bot, view_id, "prospect", "quarry")
        if found:
            break
        await asyncio.sleep(0.05)
    [(label, _)] = found
    assert label.startswith("Wilhelmina Quarry · wq@…")


async def test_booking_an_existing_prospect_sends_its_id(bot: RunningBot) -> None:
    view_id = await open_form(bot, "tomorrow at 3pm")
    await bot.slack.wait_for("views.update")
    await bot.agent.submit(view_id, {"prospect": "prsp_0001"})
    await wait_for_reply(bot, 2)
    [booked] = bot.propexo.state.appointments
    assert booked.body["prospect_id"] == "prsp_0001"
    assert "first_name" not in booked.body and "email_1" not in booked.body


async def test_an_existing_prospect_is_named_in_the_thread_and_the_home_tab(
    bot: RunningBot,
) -> None:
    view_id = await open_form(bot, "tomorrow at 3pm")
    await bot.slack.wait_for("views.update")
    label = "Marcus Reyes · marcus.reyes@…"
    await bot.agent.submit(view_id, {"prospect": "prsp_0002"}, labels={"prospect": label})
    await wait_for_reply(bot, 2)
    [booking] = await bot.tourbot.store.bookings_for_user(DEFAULT_AGENT_ID)
    assert booking.summary.startswith("Tour for Marcus Reyes · ")
    [parent] = bot.slack.messages(DEFAULT_CHANNEL_ID)
    assert "Tour for Marcus Reyes" in parent.text and "existing prospect" not in parent.text
    await open_home(bot)
    [published] = await bot.slack.wait_for("views.publish")
    assert "Tour for Marcus Reyes" in json.dumps(published.args["view"], ensure_ascii=False)


async def test_thousands_of_communities_answer_from_the_copy(
    slack: SlackStandIn, tmp_path: Path
) -> None:
    with SimulatorServer(community_count=5_000, settle=0.2, slowdown=0.05) as sim:
        async with running_bot(slack, sim, tmp_path / "t.db") as bot:
            sim.state.clear_requests()
            view_id = await open_form(
                bot, "Jane Doe jane@example.com tomorrow at 3pm at linden square"
            )
            view = bot.slack.view(view_id)
            assert view is not None
            [community] = [b for b in view.blocks if b.get("block_id") == "community"]
            assert community["element"]["initial_option"]["value"] == "cmty_linden_square"
            started = time.monotonic()
            found = await options(bot, view_id, "community", "harbor")
            assert time.monotonic() - started < 1.0
            assert ("Harbor View Residences", "cmty_harbor_view") in found
            assert 1 < len(found) <= 100  # Slack's most; the name narrows it
            assert not [r for r in sim.state.requests if "communities" in r.path]


async def test_a_channel_mapped_to_a_community_preselects_it(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> None:
    async with running_bot(
        slack, propexo_sim, tmp_path / "t.db",
        channel_communities={DEFAULT_CHANNEL_ID: "cmty_harbor_view"},
        community_timezones={"cmty_harbor_view": "America/Denver"},
    ) as bot:  # fmt: skip
        view_id = await open_form(bot)
        view = bot.slack.view(view_id)
        assert view is not None
        [community] = [b for b in view.blocks if b.get("block_id") == "community"]
        assert community["element"]["initial_option"]["value"] == "cmty_harbor_view"
        assert "America/Denver" in json.dumps(view.blocks)
        await bot.agent.submit(view_id)
        await wait_for_reply(bot, 2)
        [booked] = propexo_sim.state.appointments
        assert booked.body["community_id"] == "cmty_harbor_view"
        assert booked.body["appointment_time"] == "22:00:00"  # 3pm in Denver (MST)


async def confirmed_tour(bot: RunningBot, *, started: bool = True) -> tuple[Any, Booking]:
    """A booking confirmed through the form, and its "Confirmed" reply with the outcome buttons;
    its tour moved an hour into the past when it has `started`."""
    view_id = await open_form(bot)
    await bot.agent.submit(view_id)
    await wait_for_reply(bot, 2)
    confirmed = replies(bot)[-1]
    assert "Toured" in json.dumps(confirmed.blocks) and "No-show" in json.dumps(confirmed.blocks)
    [booking] = await bot.tourbot.store.bookings_for_user(DEFAULT_AGENT_ID)
    if started:
        an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
        booking = await bot.tourbot.store.update_booking(booking.id, starts_at=an_hour_ago)
    return confirmed, booking


async def ephemeral_texts(bot: RunningBot, count: int) -> list[str]:
    await bot.slack.wait_for("chat.postEphemeral", count)
    return [note.text for note in bot.slack.ephemerals(channel=DEFAULT_CHANNEL_ID)]


async def test_an_outcome_is_recorded_once_on_a_double_click(bot: RunningBot) -> None:
    confirmed, booking = await confirmed_tour(bot)
    # Propexo takes its time: the second click comes while the first one's request is under way.
    bot.propexo.add_fault(f"PUT {UPDATE}*", "latency", seconds=0.5)
    first = asyncio.create_task(
        bot.agent.click(DEFAULT_CHANNEL_ID, confirmed.ts, "outcome_toured", booking.id)
    )
    for _ in range(100):
        if any(r.method == "PUT" for r in bot.propexo.state.requests):
            break
        await asyncio.sleep(0.01)
    await bot.agent.click(DEFAULT_CHANNEL_ID, confirmed.ts, "outcome_toured", booking.id)
    assert await ephemeral_texts(bot, 1) == [
        "Toured is being recorded for this tour: the message will say once it is done."
    ]
    await first
    recorded = await bot.slack.wait_for(
        "chat.update", where=lambda c: "recorded in EliseAI" in json.dumps(c.args)
    )
    assert len(recorded) == 1
    shown = json.dumps(recorded[0].args["blocks"])
    assert f"By <@{DEFAULT_AGENT_ID}>" in shown and "outcome_toured" not in shown
    # A click on a screen that has not caught up yet, once it is recorded.
    await bot.agent.click(DEFAULT_CHANNEL_ID, confirmed.ts, "outcome_no_show", booking.id)
    assert (await ephemeral_texts(bot, 2))[1] == "Toured was already recorded for this tour."
    [update] = [r for r in bot.propexo.state.requests if r.method == "PUT"]
    assert isinstance(update.body, dict)
    assert update.body["status"] == "COMPLETE" and set(update.body) == {"status", "outcome_time"}
    stored = await bot.tourbot.store.get_booking(booking.id)
    assert stored is not None and (stored.outcome, stored.outcome_by) == (
        "COMPLETE",
        DEFAULT_AGENT_ID,
    )
    assert stored.outcome_recorded_at is not None and not stored.outcome_under_way


async def test_an_outcome_propexo_does_not_take_is_released_and_said(bot: RunningBot) -> None:
    confirmed, booking = await confirmed_tour(bot)
    bot.propexo.add_fault(f"PUT {UPDATE}*", "status", status=500, times=None)
    await bot.agent.click(DEFAULT_CHANNEL_ID, confirmed.ts, "outcome_no_show", booking.id)
    [said] = await ephemeral_texts(bot, 1)
    assert said.startswith("No-show was not recorded, so try again: Propexo is not answering")
    stored = await bot.tourbot.store.get_booking(booking.id)
    assert stored is not None and (stored.outcome, stored.outcome_by) == (None, None)
    bot.propexo.clear_faults()
    await bot.agent.click(DEFAULT_CHANNEL_ID, confirmed.ts, "outcome_no_show", booking.id)
    await bot.slack.wait_for(
        "chat.update", where=lambda c: "No-show, recorded in EliseAI" in json.dumps(c.args)
    )
    stored = await bot.tourbot.store.get_booking(booking.id)
    assert stored is not None and stored.outcome == "NO_SHOW" and stored.outcome_recorded_at


async def test_an_outcome_before_the_tour_has_started_is_refused(bot: RunningBot) -> None:
    confirmed, booking = await confirmed_tour(bot, started=False)
    await bot.agent.click(DEFAULT_CHANNEL_ID, confirmed.ts, "outcome_toured", booking.id)
    [said] = await ephemeral_texts(bot, 1)
    local = booking.starts_at.astimezone(ZoneInfo(booking.zone))
    assert said == (
        f"This tour starts {local:%a, %b} {local.day}, {local.hour % 12 or 12}:{local:%M %p} "
        f"{local.tzname()}: record Toured or No-show once it has started."
    )
    assert not [r for r in bot.propexo.state.requests if r.method == "PUT"]
    stored = await bot.tourbot.store.get_booking(booking.id)
    assert stored is not None and stored.outcome is None


async def open_home(bot: RunningBot) -> None:
    """The agent opens Tourbot's Home tab."""
    event = {
        "token": "legacy-token",
        "team_id": TEAM_ID,
        "api_app_id": "A0TOURBOT",
        "type": "event_callback",
        "event_id": "Ev0HOME",
        "event_time": int(time.time()),
        "event": {
            "type": "app_home_opened",
            "user": DEFAULT_AGENT_ID,
            "channel": "D0HOME",
            "tab": "home",
            "event_ts": f"{time.time():.6f}",
        },
    }
    body = json.dumps(event)
    headers = bot.agent.signed(body)
    headers["Content-Type"] = "application/json"
    assert (await bot.agent.post(body, headers)).status_code == 200


async def test_the_home_tab_lists_the_agents_tours(bot: RunningBot) -> None:
    view_id = await open_form(bot)
    await bot.agent.submit(view_id)
    await wait_for_reply(bot, 2)
    await open_home(bot)
    [published] = await bot.slack.wait_for("views.publish")
    shown = json.dumps(published.args["view"], ensure_ascii=False)
    assert "Your upcoming tours" in shown
    assert "Tour for Jane Doe" in shown and "Confirmed in EliseAI" in shown
    [booking] = await bot.tourbot.store.bookings_for_user(DEFAULT_AGENT_ID)
    assert booking.state is BookingState.CONFIRMED
