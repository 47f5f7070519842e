"""Booking by conversation, whole dialogues end to end: signed Events API deliveries and button
clicks to the bot's real HTTP server, Slack played by the stand-in (which keeps the threads),
Propexo by the simulator, the conversation kept in a real SQLite file (and PostgreSQL for the
restart)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.conversation.reading import merged_time
from bot.offline.propexo import SimulatorServer
from bot.offline.runner import offline_settings
from bot.offline.runner import running_bot as running_offline
from bot.offline.slack import DEFAULT_AGENT_ID, DEFAULT_CHANNEL_ID, SlackStandIn
from bot.store import DialogueState
from tests.conversation.conversation_kit import (
    CREATE,
    MENTION,
    OTHER_AGENT,
    Thread,
    buttons,
    eventually,
    quiet,
    settled,
    shown,
)
from tests.harness import FAST_POLICY, SIGNING_SECRET, WEDNESDAY, RunningBot, running_bot
from tests.reliability_kit import POSTGRES_URL, fresh_database, postgres_problem


@pytest.fixture
def bot(on_wednesday: RunningBot) -> RunningBot:
    """In this module the bot reads times from WEDNESDAY ("friday" is Fri, Nov 27)."""
    return on_wednesday


@contextlib.asynccontextmanager
async def database_url(kind: str, tmp_path: Path) -> AsyncIterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'tourbot.db'}"
        return
    problem = await postgres_problem()
    if problem is not None:
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL} ({problem})")
    async with fresh_database() as url:
        yield url


@contextlib.asynccontextmanager
async def offline_bot(
    slack: SlackStandIn, propexo: SimulatorServer, url: str
) -> AsyncIterator[RunningBot]:
    """The bot on any DATABASE_URL (one process after another, like a restart)."""
    config = offline_settings(
        slack,
        propexo,
        database_url=url,
        signing_secret=SIGNING_SECRET,
        propexo_community_id="cmty_maple_court",
    )
    async with running_offline(
        slack, propexo, config, policy=FAST_POLICY, clock=WEDNESDAY
    ) as running:
        yield running


# -- the dialogue --------------------------------------------------------------------------------


async def test_a_mention_books_after_asking_one_question_at_a_time(bot: RunningBot) -> None:
    thread = Thread(bot)
    first = await thread.start(f"{MENTION} book Jane Doe friday at 2pm")
    assert "Jane Doe" in shown(first) and "Fri, Nov 27, 2:00 PM CST" in shown(first)
    assert "What is Jane’s email or phone number?" in first.text
    assert not buttons(first)

    second = await thread.say("jane@example.com")
    assert second is not None and "Added the email: jane@example.com." in second.text
    assert "community" not in second.text.lower()  # optional, as in the form: never asked
    assert buttons(second)

    third = await thread.say("the maple one")
    assert third is not None and "Added the community: Maple Court Apartments." in third.text
    assert "Maple Court Apartments" in shown(third)
    assert [b["text"]["text"] for b in buttons(third)] == ["Book", "Edit in form", "Cancel"]

    await thread.click("dialogue_book")
    assert await settled(bot, thread) == "confirmed"
    [booked] = bot.propexo.state.appointments
    assert booked.body == {
        "integration_id": bot.propexo.integration_id,
        "community_id": "cmty_maple_court",
        "appointment_date": "2026-11-27",
        "appointment_time": "20:00:00",  # 2pm in the agent's Chicago
        "email_1": "jane@example.com",
        "first_name": "Jane",
        "last_name": "Doe",
    }
    texts = [m.text for m in thread.bot_messages()]
    assert texts[3].startswith("Tour for Jane Doe · Fri, Nov 27, 2:00 PM CST")
    assert any("Submitted to EliseAI" in t for t in texts[4:])
    assert any("Confirmed in EliseAI" in t for t in texts[4:])
    # The summary's buttons are gone: it cannot book a second time.
    await eventually(lambda: not buttons(thread.bot_messages()[2]))
    [booking] = await bot.tourbot.store.bookings_for_user(DEFAULT_AGENT_ID)
    assert (booking.thread_channel_id, booking.thread_ts) == (DEFAULT_CHANNEL_ID, thread.ts)
    dialogue = await bot.tourbot.store.dialogues.in_thread(DEFAULT_CHANNEL_ID, thread.ts)
    assert dialogue is not None and dialogue.state is DialogueState.BOOKED
    assert dialogue.booking_id == booking.id


async def test_a_booking_whose_message_slack_refused_is_still_sent_at_once(
    chat: RunningBot,
) -> None:
    thread = Thread(chat)
    ready = await thread.start(f"{MENTION} book Jane Doe jane@example.com friday at 2pm")
    assert buttons(ready)
    chat.slack.fail("chat.postMessage")  # the booking's own message in the thread
    loop = asyncio.get_running_loop()
    clicked = loop.time()
    await thread.click("dialogue_book")
    assert await settled(chat, thread) == "confirmed"
    assert loop.time() - clicked < 5  # not held for the thread it could not open
    texts = [m.text for m in thread.bot_messages()]
    assert any("Confirmed in EliseAI" in t for t in texts), texts


async def test_corrections_in_words(chat: RunningBot) -> None:
    thread = Thread(chat)
    await thread.start(f"{MENTION} book Jane Doe jane@example.com friday at 2pm self-guided")
    later = await thread.say("make it 4pm instead")
    assert later is not None and "Changed the tour time to Fri, Nov 27, 4:00 PM CST." in later.text
    assert "Fri, Nov 27, 4:00 PM CST" in shown(later)  # the day kept, the hour changed
    phone = await thread.say("phone is 555 201 7788")
    assert phone is not None and "Added the phone: 555 201 7788." in phone.text
    kind = await thread.say("actually virtual")
    assert kind is not None and "Changed the tour type to Virtual." in kind.text
    day = await thread.say("no, thursday")
    assert day is not None and "Thu, Nov 26, 4:00 PM CST" in shown(day)  # the hour kept
    note = await thread.say("add a note: has a small dog")
    assert note is not None and "has a small dog" in shown(note)
    assert "instead" not in shown(note) and "actually" not in shown(note)  # not notes

    await thread.say("book it", expect=2)  # in words, like the button
    assert await settled(chat, thread) == "confirmed"
    [booked] = chat.propexo.state.appointments
    assert booked.body["appointment_date"] == "2026-11-26"
    assert booked.body["appointment_time"] == "22:00:00"
    assert booked.body["phone_1"] == "+15552017788"
    assert booked.body["tour_type"] == "VIRTUAL"
    assert booked.body["notes"] == "has a small dog"


async def test_an_unclear_time_is_asked_about_never_guessed(chat: RunningBot) -> None:
    thread = Thread(chat)
    first = await thread.start(f"{MENTION} tour for Jane Doe jane@example.com on friday")
    assert "What time on Fri, Nov 27?" in first.text and not buttons(first)
    answer = await thread.say("around 3pm")
    assert answer is not None and "Fri, Nov 27, 3:00 PM CST" in shown(answer)
    nonsense = await thread.say("whenever she likes")
    assert nonsense is not None and "nothing changed" in nonsense.text
    assert buttons(nonsense)  # nothing changed: still ready


async def test_the_time_rules_hold_in_a_conversation(chat: RunningBot) -> None:
    thread = Thread(chat)
    first = await thread.start(f"{MENTION} tour for Jane Doe jane@example.com last thursday at 4")
    assert "Thu, Nov 19 at 4:00 PM has already passed" in first.text and not buttons(first)
    answer = await thread.say("3pm tomorrow EST")
    assert answer is not None and "Thu, Nov 26, 2:00 PM CST" in shown(answer)
    await thread.click("dialogue_book")
    assert await settled(chat, thread) == "confirmed"
    [booked] = chat.propexo.state.appointments
    assert (booked.body["appointment_date"], booked.body["appointment_time"]) == (
        "2026-11-26",
        "20:00:00",  # 3pm in New York
    )


async def test_chatter_in_answer_to_the_time_question_keeps_the_day(chat: RunningBot) -> None:
    thread = Thread(chat)
    first = await thread.start(f"{MENTION} book Jane Doe jane@example.com friday")
    assert "What time on Fri, Nov 27?" in first.text
    chatter = await thread.say("let me check with her")
    assert chatter is not None and "nothing changed" in chatter.text
    assert "What time on Fri, Nov 27?" in chatter.text and not buttons(chatter)
    answer = await thread.say("2pm")
    assert answer is not None and "Fri, Nov 27, 2:00 PM CST" in shown(answer)
    await thread.click("dialogue_book")
    assert await settled(chat, thread) == "confirmed"
    [booked] = chat.propexo.state.appointments
    assert (booked.body["appointment_date"], booked.body["appointment_time"]) == (
        "2026-11-27",
        "20:00:00",  # Friday 2pm in Chicago, not today
    )


@pytest.mark.parametrize(
    ("before", "correction", "merged"),
    [
        ("friday at 2pm", "4pm", "friday 4pm"),
        ("friday at 2pm", "saturday", "saturday at 2pm"),
        ("friday at 2pm", "saturday morning", "saturday morning"),
        ("friday at 2pm", "sat afternoon", "sat afternoon"),
        ("friday at 2pm", "tonight", "tonight"),
    ],
)
def test_a_correction_keeps_only_what_it_does_not_replace(
    before: str, correction: str, merged: str
) -> None:
    assert merged_time(before, correction) == merged


async def test_a_new_day_with_a_part_of_the_day_asks_for_the_hour(chat: RunningBot) -> None:
    thread = Thread(chat)
    await thread.start(f"{MENTION} book Jane Doe jane@example.com friday at 2pm")
    later = await thread.say("actually saturday morning")
    assert later is not None and "What time on Sat, Nov 28?" in later.text
    assert "2:00 PM" not in shown(later) and not buttons(later)


async def test_chatter_is_no_name_email_or_phone(chat: RunningBot) -> None:
    thread = Thread(chat)
    first = await thread.start(f"{MENTION} book a tour friday at 2pm")
    assert "Who is the tour for?" in first.text
    for chatter in ("hold on", "I'll ask her", "not sure yet", "ok"):
        answer = await thread.say(chatter)
        assert answer is not None and "nothing changed" in answer.text.lower()
        assert "Who is the tour for?" in answer.text and "Prospect" not in shown(answer)
    named = await thread.say("Jane Doe")
    assert named is not None and "Added the name: Jane Doe." in named.text
    assert "What is Jane’s email or phone number?" in named.text

    spelt = await thread.say("jane at gmail dot com")
    assert spelt is not None
    assert "“jane at gmail dot com” isn't an email address" in spelt.text
    assert "What is Jane’s email or phone number?" in spelt.text and "Email" not in shown(spelt)
    short = await thread.say("555 12")
    assert short is not None and "“555 12” isn't a phone number" in short.text
    assert "What is Jane’s email or phone number?" in short.text and "Phone" not in shown(short)
    waiting = await thread.say("idk yet")
    assert waiting is not None and "othing" in waiting.text
    ready = await thread.say("jane@example.com")
    assert ready is not None and buttons(ready) and "Notes" not in shown(ready)


async def test_an_unreadable_email_is_said_and_kept_out_of_the_notes(chat: RunningBot) -> None:
    thread = Thread(chat)
    first = await thread.start(f"{MENTION} book Jane Doe jane@example friday at 2pm")
    assert "“jane@example” isn't an email address" in first.text
    assert "What is Jane’s email or phone number?" in first.text
    assert "Notes" not in shown(first)
    ready = await thread.say("jane@example.com")
    assert ready is not None and buttons(ready) and "Notes" not in shown(ready)
    await thread.click("dialogue_book")
    assert await settled(chat, thread) == "confirmed"
    [booked] = chat.propexo.state.appointments
    assert booked.body["email_1"] == "jane@example.com" and "notes" not in booked.body


async def test_corrections_to_the_hour_and_the_name(chat: RunningBot) -> None:
    thread = Thread(chat)
    await thread.start(f"{MENTION} book Jane Doe jane@example.com friday at 2pm")
    four = await thread.say("make it 4 instead")
    assert four is not None and "Fri, Nov 27, 4:00 PM CST" in shown(four)
    eleven = await thread.say("change the time to 11")
    assert eleven is not None and "Fri, Nov 27, 11:00 AM CST" in shown(eleven)
    last = await thread.say("last name is Smith")
    assert last is not None and "Changed the last name to Smith." in last.text
    first = await thread.say("first name is Janet")
    assert first is not None and "Janet Smith" in shown(first)
    whole = await thread.say("actually it's Jane Doe")
    assert whole is not None and "Jane Doe" in shown(whole)
    await thread.click("dialogue_book")
    assert await settled(chat, thread) == "confirmed"
    [booked] = chat.propexo.state.appointments
    assert (booked.body["first_name"], booked.body["last_name"]) == ("Jane", "Doe")
    assert booked.body["appointment_time"] == "17:00:00"  # 11am CST


async def test_an_unusual_time_is_confirmed_before_booking(chat: RunningBot) -> None:
    thread = Thread(chat)
    ready = await thread.start(f"{MENTION} book Jane Doe jane@example.com friday at 7am")
    assert "outside tour hours" in shown(ready)
    await thread.click("dialogue_book")
    confirm = await thread.answer(2)
    assert "Before I book" in confirm.text and "outside tour hours" in confirm.text
    assert chat.propexo.state.appointments == []
    await thread.click("dialogue_confirm", confirm)
    assert await settled(chat, thread) == "confirmed"
    [booked] = chat.propexo.state.appointments
    assert booked.body["appointment_time"] == "13:00:00"  # 7am CST


async def test_a_likely_double_booking_is_flagged(chat: RunningBot) -> None:
    for _ in range(2):
        thread = Thread(chat)
        await thread.start(f"{MENTION} book Jane Doe jane@example.com friday at 2pm")
        await thread.click("dialogue_book")
    warning = await thread.answer(2)
    assert "Jane Doe already has a tour then, booked by <@U0AGENT01>" in warning.text
    await asyncio.sleep(0.3)
    assert len(chat.propexo.state.appointments) == 1  # the second waits for a yes


async def test_cancel_by_button_and_in_words(chat: RunningBot) -> None:
    thread = Thread(chat)
    await thread.start(f"{MENTION} book Jane Doe jane@example.com friday at 2pm")
    await thread.click("dialogue_cancel")
    cancelled = await thread.answer(2)
    assert cancelled.text.startswith("Cancelled: nothing was booked")
    await eventually(lambda: not buttons(thread.bot_messages()[0]))
    await thread.say("make it 4pm", expect=None)  # the conversation is over: no answer
    await quiet()
    assert len(thread.bot_messages()) == 2

    words = Thread(chat)
    await words.start(f"{MENTION} book Jane Doe friday at 2pm")
    gone = await words.say("never mind")
    assert gone is not None and gone.text.startswith("Cancelled")
    await asyncio.sleep(0.3)
    assert chat.propexo.state.requests_to("POST", "/crm/v1/appointments/eliseai") == []


async def test_edit_in_form_finishes_in_the_same_thread(chat: RunningBot) -> None:
    thread = Thread(chat)
    await thread.start(f"{MENTION} book Jane Doe jane@example.com friday at 2pm, 2br")
    await thread.click("dialogue_edit")
    [opened] = await chat.slack.wait_for("views.open")
    view_id = opened.response["view"]["id"]
    form = json.dumps(opened.args["view"])
    assert "jane@example.com" in form and "friday at 2pm" in form
    await chat.agent.submit(view_id, {"tour_time": "friday at 5pm"})
    assert await settled(chat, thread) == "confirmed"
    [booked] = chat.propexo.state.appointments
    assert booked.body["appointment_time"] == "23:00:00"
    assert booked.body["desired_num_bedrooms"] == [2]
    assert any(m.text.startswith("Tour for Jane Doe") for m in thread.bot_messages())
    dialogue = await chat.tourbot.store.dialogues.in_thread(DEFAULT_CHANNEL_ID, thread.ts)
    assert dialogue is not None and dialogue.state is DialogueState.BOOKED


async def test_a_direct_message_needs_no_mention(chat: RunningBot) -> None:
    dm = chat.slack.dm_channel(DEFAULT_AGENT_ID)
    thread = Thread(chat, dm)
    first = await thread.start("Jane Doe jane@example.com friday 2pm")
    assert buttons(first)
    await thread.click("dialogue_book")
    assert await settled(chat, thread) == "confirmed"
    said = len(thread.bot_messages())
    await thread.say("thanks!", expect=None)  # the conversation is over: nothing to answer
    await quiet()
    assert len(thread.bot_messages()) == said


async def test_what_is_not_for_the_bot_gets_no_answer(chat: RunningBot) -> None:
    # A channel message without a mention, and a reply in a thread that is not a booking's.
    plain = chat.slack.add_message(DEFAULT_CHANNEL_ID, "Jane Doe friday 2pm")
    await chat.agent.say(DEFAULT_CHANNEL_ID, plain.text, plain.ts)
    reply = chat.slack.add_message(DEFAULT_CHANNEL_ID, "sounds good", thread_ts=plain.ts)
    await chat.agent.say(DEFAULT_CHANNEL_ID, reply.text, reply.ts, thread_ts=plain.ts)
    await quiet()
    assert chat.slack.calls_to("chat.postMessage") == []


async def test_only_the_agent_who_started_it_steers_it(chat: RunningBot) -> None:
    thread = Thread(chat)
    await thread.start(f"{MENTION} book Jane Doe friday at 2pm")
    colleague = chat.agent
    colleague.user_id = OTHER_AGENT
    try:
        await thread.say("jane@example.com", expect=None)  # a colleague chatting: ignored
        await quiet()
        assert len(thread.bot_messages()) == 1
        await thread.say(f"{MENTION} phone is 555 201 7788", expect=None)
        [note] = await chat.slack.wait_for("chat.postEphemeral")
        assert note.args["user"] == OTHER_AGENT and "<@U0AGENT01>" in note.args["text"]
    finally:
        colleague.user_id = DEFAULT_AGENT_ID
    assert len(thread.bot_messages()) == 1
    email = await thread.say("jane@example.com")
    assert email is not None and buttons(email)
    colleague.user_id = OTHER_AGENT
    try:
        await thread.click("dialogue_book")
        await chat.slack.wait_for("chat.postEphemeral", 2)
    finally:
        colleague.user_id = DEFAULT_AGENT_ID
    await asyncio.sleep(0.3)
    assert chat.propexo.state.appointments == []


async def test_an_old_summary_books_nothing(chat: RunningBot) -> None:
    thread = Thread(chat)
    old = await thread.start(f"{MENTION} book Jane Doe jane@example.com friday at 2pm")
    await thread.say("make it 3pm")
    await eventually(lambda: not buttons(thread.bot_messages()[0]))  # the newer one replaced it
    value = f"{json.loads(json.dumps(buttons(thread.latest())[0]))['value'].split(':')[0]}:stale"
    await chat.agent.click(DEFAULT_CHANNEL_ID, old.ts, "dialogue_book", value)
    [note] = await chat.slack.wait_for("chat.postEphemeral")
    assert "changed since" in note.args["text"]
    await asyncio.sleep(0.3)
    assert chat.propexo.state.appointments == []


async def test_two_clicks_on_book_make_one_booking(chat: RunningBot) -> None:
    thread = Thread(chat)
    await thread.start(f"{MENTION} book Jane Doe jane@example.com friday at 2pm")
    await asyncio.gather(thread.click("dialogue_book"), thread.click("dialogue_book"))
    assert await settled(chat, thread) == "confirmed"
    await asyncio.sleep(0.3)
    assert len(chat.propexo.state.requests_to("POST", "/crm/v1/appointments/eliseai")) == 1
    assert sum(m.text.startswith("Tour for Jane Doe") for m in thread.bot_messages()) == 1


async def test_a_propexo_refusal_is_reported_in_the_thread(chat: RunningBot) -> None:
    chat.propexo.add_fault(CREATE, "status", status=400, message="Community is not accepting tours")
    thread = Thread(chat)
    await thread.start(f"{MENTION} book Jane Doe jane@example.com friday at 2pm")
    await thread.click("dialogue_book")
    assert await settled(chat, thread) == "failed"
    failed = thread.latest()
    assert "Community is not accepting tours" in failed.text and "Edit and retry" in shown(failed)


async def test_a_mention_under_a_lead_starts_from_the_lead(chat: RunningBot) -> None:
    lead = chat.slack.add_message(
        DEFAULT_CHANNEL_ID,
        "New lead from Zillow\nName: Priya Raman\nEmail: priya.raman@example.com\n"
        "Phone: (555) 201-7788\nMessage: Is the 2 bedroom still available?",
        user=OTHER_AGENT,
    )
    thread = Thread(chat)
    thread.ts = lead.ts
    answer = await thread.say(f"{MENTION} book her for friday at 2pm virtual")
    assert answer is not None and "Let's book this tour" in answer.text
    for part in ("Priya Raman", "priya.raman@example.com", "(555) 201-7788", "Virtual"):
        assert part in shown(answer)
    await thread.click("dialogue_book")
    assert await settled(chat, thread) == "confirmed"
    [booked] = chat.propexo.state.appointments
    assert booked.body["first_name"] == "Priya" and booked.body["tour_type"] == "VIRTUAL"


async def test_a_lead_forwarded_to_the_bot_starts_from_what_it_carries(chat: RunningBot) -> None:
    dm = chat.slack.dm_channel(DEFAULT_AGENT_ID)
    forwarded = chat.slack.add_message(dm, "")
    event = {
        "type": "message",
        "channel": dm,
        "channel_type": "im",
        "user": DEFAULT_AGENT_ID,
        "text": "",
        "ts": forwarded.ts,
        "event_ts": forwarded.ts,
        "attachments": [
            {
                "is_share": True,
                "fallback": "Priya Raman priya.raman@example.com",
                "text": "Priya Raman priya.raman@example.com wants to tour friday at 2pm",
            }
        ],
    }
    response = await chat.agent.event(event)
    assert response.status_code == 200
    thread = Thread(chat, dm)
    thread.ts = forwarded.ts
    first = await thread.answer(1)
    for part in ("Priya Raman", "priya.raman@example.com", "Fri, Nov 27, 2:00 PM CST"):
        assert part in shown(first)
    assert buttons(first)


async def test_hostile_text_is_shown_as_typed(chat: RunningBot) -> None:
    thread = Thread(chat)
    hostile = (
        f"{MENTION} book <!channel> Jane Doe jane@example.com friday 2pm "
        "notes: <https://evil.example|click> *bold* `code` 🙂 \u202eevil " + "x" * 3000
    )
    first = await thread.start(hostile)  # the stand-in refuses invalid Block Kit: it passed
    assert "<!channel>" not in shown(first) and "<https://evil" not in shown(first)
    assert "click *bold* `code` 🙂" in shown(first)
    assert len(shown(first)) < 10_000  # long notes are cut short in the summary
    await thread.say("\x00\x07" + "é" * 5000)
    await thread.say(f"{MENTION} <@U0AGENT02> make it 3pm")
    assert "3:00 PM" in shown(thread.latest())


# -- retried deliveries --------------------------------------------------------------------------


async def test_retried_deliveries_get_one_answer(chat: RunningBot) -> None:
    message = chat.slack.add_message(DEFAULT_CHANNEL_ID, f"{MENTION} book Jane Doe friday 2pm")
    event = {
        "type": "app_mention",
        "channel": DEFAULT_CHANNEL_ID,
        "user": DEFAULT_AGENT_ID,
        "text": message.text,
        "ts": message.ts,
        "event_ts": message.ts,
    }
    body = chat.agent.event_body(event)
    first = await chat.agent.post(body, chat.agent.signed(body, content_type="application/json"))
    retries = [
        chat.agent.post(
            body,
            {
                **chat.agent.signed(body, content_type="application/json"),
                "X-Slack-Retry-Num": str(number),
                "X-Slack-Retry-Reason": "http_timeout",
            },
        )
        for number in (1, 2, 3)
    ]
    # The same message as a `message` event too (another event_id), all at once.
    again = chat.agent.say(DEFAULT_CHANNEL_ID, message.text, message.ts)
    answers = await asyncio.gather(*retries)
    assert first.status_code == 200 and all(a.status_code == 200 for a in answers)
    assert all(a.status_code == 200 for a in await again)
    await quiet(0.5)
    said = [m for m in chat.slack.thread(DEFAULT_CHANNEL_ID, message.ts) if m.bot_id]
    assert len(said) == 1, [m.text for m in said]


# -- idle conversations and restarts -------------------------------------------------------------


async def test_an_idle_conversation_expires_with_a_message(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> None:
    async with running_bot(
        slack,
        propexo_sim,
        tmp_path / "tourbot.db",
        clock=WEDNESDAY,
        conversation_idle_minutes=0.01,
    ) as bot:
        thread = Thread(bot)
        await thread.start(f"{MENTION} book Jane Doe friday at 2pm")
        ended = await thread.answer(2, timeout=5)
        assert "ended after 1 second without a reply; nothing was booked" in ended.text
        await thread.say("jane@example.com", expect=None)  # too late: no answer
        await quiet()
        assert len(thread.bot_messages()) == 2
        again = await thread.say(f"{MENTION} book Jane Doe jane@example.com friday at 2pm")
        assert again is not None and "Let's book this tour" in again.text


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
async def test_a_restart_mid_conversation_loses_nothing(
    database: str, slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> None:
    async with database_url(database, tmp_path) as url:
        async with offline_bot(slack, propexo_sim, url) as first:
            thread = Thread(first)
            await thread.start(f"{MENTION} book Jane Doe friday at 2pm")
        async with offline_bot(slack, propexo_sim, url) as second:
            thread.bot = second
            ready = await thread.say("jane@example.com")
            assert ready is not None and "Jane Doe" in shown(ready) and buttons(ready)
            await thread.click("dialogue_book")
            assert await settled(second, thread) == "confirmed"


async def test_book_it_with_a_change_shows_the_change_and_books_nothing_unseen(
    chat: RunningBot,
) -> None:
    """ "book it - not 2 though, 12": booking at once would send what the agent last saw (2pm);
    the change is shown with Book, and nothing reaches Propexo until it is pressed."""
    thread = Thread(chat)
    ready = await thread.start(f"{MENTION} book Jane Doe jane@example.com friday at 2pm")
    assert buttons(ready)
    changed = await thread.say("book it - not 2 though, 12")
    assert changed is not None and "12:00 PM" in shown(changed), shown(changed) if changed else ""
    assert buttons(changed)
    await asyncio.sleep(0.3)
    assert not chat.propexo.state.appointments
    await thread.click("dialogue_book")
    assert await settled(chat, thread) == "confirmed"
    [booked] = chat.propexo.state.appointments
    assert booked.body["appointment_time"] == "18:00:00"  # noon in the agent's Chicago
