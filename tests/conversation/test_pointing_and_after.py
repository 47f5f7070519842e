"""Conversations that follow the agent, end to end through the real server: a mention that points
at the message above it, names given by halves, questions back, and what happens after Book (the
bot says plainly that EliseAI tours cannot be cancelled or moved through Propexo, and never books
again)."""

from __future__ import annotations

import asyncio
import json

from bot.offline.slack import DEFAULT_CHANNEL_ID
from tests.conversation.conversation_kit import (
    CREATE,
    MENTION,
    OTHER_AGENT,
    Thread,
    buttons,
    quiet,
    settled,
    shown,
)
from tests.harness import RunningBot

LEAD = (
    "Fwd: new lead from Apartments.com\n"
    "Name: Priya Raman\nEmail: priya.raman@example.com\nPhone: (555) 201-7788\n"
    "Wants a 2 bedroom"
)


def labels(message: object) -> list[str]:
    return [b["text"]["text"] for b in buttons(message)]  # type: ignore[arg-type]


async def booked_once(chat: RunningBot, thread: Thread) -> None:
    await thread.click("dialogue_book")
    assert await settled(chat, thread) == "confirmed"


# -- the message a mention points at ------------------------------------------------------------


async def test_book_it_for_her_under_a_lead_in_the_channel_starts_from_the_lead(
    chat: RunningBot,
) -> None:
    chat.slack.add_message(DEFAULT_CHANNEL_ID, LEAD, user=OTHER_AGENT)
    thread = Thread(chat)
    first = await thread.start(f"{MENTION} book it for her, friday at 2pm")
    assert f"Starting from <@{OTHER_AGENT}>’s message (“Fwd: new lead from Apartments.com”)" in (
        first.text
    )
    for part in ("Priya Raman", "priya.raman@example.com", "Fri, Nov 27, 2:00 PM CST"):
        assert part in shown(first)
    await booked_once(chat, thread)
    [booked] = chat.propexo.state.appointments
    assert booked.body["first_name"] == "Priya" and booked.body["phone_1"] == "+15552017788"


async def test_a_mention_that_names_its_prospect_reads_nothing_above_it(chat: RunningBot) -> None:
    chat.slack.add_message(DEFAULT_CHANNEL_ID, LEAD, user=OTHER_AGENT)
    thread = Thread(chat)
    first = await thread.start(f"{MENTION} book Jane Doe jane@example.com friday at 2pm")
    assert "Starting from" not in first.text and "Priya" not in shown(first)
    assert chat.slack.calls_to("conversations.history") == []  # no Slack call it did not need


async def test_a_mention_in_a_thread_starts_from_the_lead_pasted_in_it(chat: RunningBot) -> None:
    parent = chat.slack.add_message(DEFAULT_CHANNEL_ID, "leads from this morning 👇")
    chat.slack.add_message(
        DEFAULT_CHANNEL_ID, "unrelated: the lobby door sticks", thread_ts=parent.ts
    )
    chat.slack.add_message(DEFAULT_CHANNEL_ID, LEAD, user=OTHER_AGENT, thread_ts=parent.ts)
    thread = Thread(chat)
    thread.ts = parent.ts
    first = await thread.say(f"{MENTION} book her for saturday at 11am")
    assert first is not None and "Starting from" in first.text
    assert "Priya Raman" in shown(first) and "Sat, Nov 28, 11:00 AM CST" in shown(first)


# -- names given by halves, questions back ------------------------------------------------------


async def test_a_one_word_name_asks_for_the_other_half(chat: RunningBot) -> None:
    thread = Thread(chat)
    first = await thread.start(f"{MENTION} book a tour friday at 2pm, jane@example.com")
    assert "Who is the tour for?" in first.text
    half = await thread.say("Madonna")
    assert half is not None and "What is Madonna’s last name?" in half.text
    assert not buttons(half)  # never booked with half a name
    none = await thread.say("no last name")
    assert none is not None and "Noted that Madonna goes by one name." in none.text
    await booked_once(chat, thread)
    [booked] = chat.propexo.state.appointments
    assert booked.body["first_name"] == "Madonna" and "last_name" not in booked.body


async def test_the_other_half_given_with_the_first_is_the_whole_name(chat: RunningBot) -> None:
    thread = Thread(chat)
    await thread.start(f"{MENTION} book a tour friday at 2pm, kim@example.com")
    await thread.say("Lee")
    whole = await thread.say("Kim Lee")
    assert whole is not None and "Changed the name to Kim Lee." in whole.text
    assert buttons(whole)


async def test_a_question_back_is_answered_and_changes_nothing(chat: RunningBot) -> None:
    thread = Thread(chat)
    await thread.start(f"{MENTION} book Jane Doe jane@example.com friday at 2pm")
    answer = await thread.say("is 9pm too late for a tour?")
    assert answer is not None
    assert "Fri, Nov 27, 9:00 PM CST is outside tour hours (8:00 AM–8:00 PM)" in answer.text
    assert "Nothing changed: say “make it 9pm” to move the tour." in answer.text
    assert "Fri, Nov 27, 2:00 PM CST" in shown(answer)


# -- after Book ---------------------------------------------------------------------------------


async def test_cancel_after_book_is_answered_honestly_and_books_nothing(chat: RunningBot) -> None:
    thread = Thread(chat)
    await thread.start(f"{MENTION} book Jane Doe jane@example.com friday at 2pm")
    await booked_once(chat, thread)
    said = len(thread.bot_messages())
    answer = await thread.say("oh no, actually cancel that", expect=1)
    assert answer is not None and thread.bot_messages().index(answer) == said
    assert "Propexo has no way to cancel or move an EliseAI appointment" in answer.text
    assert "I haven't cancelled anything: it is still booked" in answer.text
    assert "Cancel it in EliseAI itself" in answer.text
    assert labels(answer) == ["Book a new time", "Record no-show"]
    await thread.say("thanks!", expect=None)  # chatter after Book: no answer
    await quiet()
    assert len(thread.bot_messages()) == said + 1
    assert len(chat.propexo.state.requests_to(*CREATE.split())) == 1  # never booked again
    await thread.click("outcome_no_show", answer)  # what it can do instead
    await asyncio.sleep(0.3)
    [update] = [r for r in chat.propexo.state.requests if r.method == "PUT"]
    assert isinstance(update.body, dict) and update.body["status"] == "NO_SHOW"


async def test_a_change_after_book_is_not_made_and_a_new_time_is_offered(chat: RunningBot) -> None:
    thread = Thread(chat)
    await thread.start(f"{MENTION} book Jane Doe jane@example.com friday at 2pm")
    await booked_once(chat, thread)
    answer = await thread.say("push it an hour")
    assert answer is not None and "or change the tour time on it" in answer.text
    assert labels(answer) == ["Book a new time"]
    await thread.click("dialogue_rebook", answer)
    again = await thread.answer(len(thread.bot_messages()) + 1)
    assert "A new booking at another time" in again.text
    assert "When is the tour?" in again.text and "Jane Doe" in shown(again)
    ready = await thread.say("saturday at 11am")
    assert ready is not None and buttons(ready)
    await thread.click("dialogue_book")
    await asyncio.sleep(0.5)
    first, second = chat.propexo.state.appointments
    assert second.body["email_1"] == first.body["email_1"] == "jane@example.com"
    assert (second.body["appointment_date"], second.body["appointment_time"]) == (
        "2026-11-28",
        "17:00:00",  # 11am in the agent's Chicago
    )


async def test_a_cancel_with_nothing_booked_here_says_where_to_cancel(chat: RunningBot) -> None:
    thread = Thread(chat)
    answer = await thread.start(f"{MENTION} please cancel Jane Doe's tour on friday")
    assert "cancel it in EliseAI itself" in answer.text and not buttons(answer)
    assert await chat.tourbot.store.dialogues.in_thread(DEFAULT_CHANNEL_ID, thread.ts) is None
    assert json.dumps(chat.propexo.state.appointments) == "[]"


async def test_a_new_request_in_a_booked_thread_starts_a_new_booking(chat: RunningBot) -> None:
    thread = Thread(chat)
    await thread.start(f"{MENTION} book Jane Doe jane@example.com friday at 2pm")
    await booked_once(chat, thread)
    anew = await thread.say(f"{MENTION} book her again for saturday at 11am")
    assert anew is not None and "A new booking at another time" in anew.text
    assert "Jane Doe" in shown(anew) and "Sat, Nov 28, 11:00 AM CST" in shown(anew)
    await thread.click("dialogue_book", anew)
    await asyncio.sleep(0.5)
    assert len(chat.propexo.state.appointments) == 2


async def test_a_cancel_after_a_failed_booking_says_nothing_was_booked(chat: RunningBot) -> None:
    chat.propexo.add_fault(CREATE, "status", status=400, message="Community is not accepting tours")
    thread = Thread(chat)
    await thread.start(f"{MENTION} book Jane Doe jane@example.com friday at 2pm")
    await thread.click("dialogue_book")
    assert await settled(chat, thread) == "failed"
    answer = await thread.say("ok cancel it then")
    assert answer is not None and "EliseAI did not book this tour" in answer.text
    assert "still booked" not in answer.text and labels(answer) == ["Book a new time"]
