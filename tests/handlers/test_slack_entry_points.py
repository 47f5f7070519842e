"""Ways into a booking besides /tour, and requests that get none: the message
shortcut, forms Slack did not open, forged or stale requests, start-up, /healthz."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from bot.offline.propexo import SimulatorServer
from bot.offline.slack import (
    BOT_USER_ID,
    DEFAULT_AGENT_ID,
    DEFAULT_CHANNEL_ID,
    PostedMessage,
    SlackStandIn,
)
from bot.time.zone_words import _zone_names
from tests.handlers.slack_app_kit import CREATE, EXAMPLE, open_form, replies, wait_for_reply
from tests.harness import RunningBot, running_bot

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


# -- right after start ----------------------------------------------------------------------------


async def test_the_first_requests_after_start_find_the_community_they_name(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> None:
    # Propexo is slow with the list the bot reads at start: /tour and the message shortcut,
    # sent at once, must match "Maple Court" in it as a request a minute later would.
    propexo_sim.add_fault("GET /crm/v1/communities/", "latency", seconds=0.4)
    async with running_bot(slack, propexo_sim, tmp_path / "t.db") as bot:
        text = "Jane Doe jane@example.com tomorrow at 3pm at Maple Court"
        note = bot.slack.add_message(DEFAULT_CHANNEL_ID, text, user="U0OTHER")
        await bot.agent.command(text)
        await bot.agent.interact(shortcut_on(bot, note))
        for opened in await bot.slack.wait_for("views.open", 2):
            blocks = {b.get("block_id"): b for b in opened.args["view"]["blocks"]}
            picked = blocks["community"]["element"]["initial_option"]
            assert picked["value"] == "cmty_maple_court"
            assert "Maple Court" not in json.dumps(blocks["notes"])
