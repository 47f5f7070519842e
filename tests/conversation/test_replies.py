"""Replies of every kind, in wordings of our own (not the development dialogues'), read against a
conversation that already has a prospect and a time: what each one changes, and nothing else.

Said on Wed, Nov 25, 2026 at 10:00 in New York; "friday" is Nov 27.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.conversation.reading import Reply, read_reply
from bot.conversation.when import TimeContext
from bot.offline.propexo.seed import communities

NEW_YORK = ZoneInfo("America/New_York")
CONTEXT = TimeContext(
    zone=NEW_YORK,
    now=datetime(2026, 11, 25, 10, 0, tzinfo=NEW_YORK),
    tour_hours=(time(8, 0), time(20, 0)),
)
KNOWN = [(str(c["id"]), str(c["name"])) for c in communities()]
JANE = {
    "first_name": "Jane",
    "last_name": "Doe",
    "email": "jane@example.com",
    "tour_time": "friday at 2pm",
}


TWO_DAYS = {**JANE, "tour_time": "tuesday or monday at 2"}
TWO_TIMES = {**JANE, "tour_time": "sat 11 or sun 2"}


@dataclass(frozen=True)
class Case:
    reply: str
    changes: dict[str, str | None] = field(default_factory=dict)  # None: the field is gone
    when: str | None = None  # the tour's local time after the reply, "2026-11-27 15:00"
    intent: str | None = None
    notes_have: str | None = None
    said_has: str | None = None
    values: dict[str, str] = field(default_factory=lambda: dict(JANE))
    asked: str | None = None


def case(kind: str, reply: str, **expected: object) -> object:
    return pytest.param(Case(reply, **expected), id=f"{kind}: {reply}")  # type: ignore[arg-type]


CASES = [
    # An answer to the question just asked.
    case("answer", "j.doe@example.org", changes={"email": "j.doe@example.org"}, asked="email"),
    case(
        "answer",
        "Priya Raman",
        changes={"first_name": "Priya", "last_name": "Raman"},
        values={"tour_time": "friday at 2pm"},
        asked="first_name",
    ),
    case(
        "answer",
        "3:15",
        when="2026-11-27 15:15",
        values={**JANE, "tour_time": "friday"},
        asked="tour_time",
    ),
    case("answer", "(212) 555-0142", changes={"phone": "(212) 555-0142"}, asked="phone"),
    # An addition.
    case("addition", "she'd like a 2 bedroom", changes={"bedrooms": "2"}),
    case("addition", "budget is up to 2400", changes={"rent_max": "2400"}),
    case("addition", "her cell is 917 555 0111", changes={"phone": "917 555 0111"}),
    # A correction of a named field.
    case("correction", "ugh typo, the surname is Dough", changes={"last_name": "Dough"}),
    case("correction", "first name should be Janet", changes={"first_name": "Janet"}),
    case("correction", "it's Janie, not Jane", changes={"first_name": "Janie"}),
    case("correction", "last name's spelled D-O-E-Y", changes={"last_name": "Doey"}),
    case("correction", "Jayne*", changes={"first_name": "Jayne"}),
    case("correction", "her name is actually Jane Dough", changes={"last_name": "Dough"}),
    case("correction", "correct number: 646-555-0199", changes={"phone": "646-555-0199"}),
    case("correction", "Jane's last name is actually Doh", changes={"last_name": "Doh"}),
    case("correction", "she spells it Jaine", changes={"first_name": "Jaine"}),
    case("correction", "wrong name, it's Jana Doe", changes={"first_name": "Jana"}),
    case("correction", "email should be jd@example.net", changes={"email": "jd@example.net"}),
    case(
        "correction",
        "make it in person, not virtual",
        changes={"tour_type": "in person"},
        values={**JANE, "tour_type": "virtual"},
    ),
    case("correction", "she'd rather do it over facetime", changes={"tour_type": "virtual"}),
    case(
        "correction",
        "she wants an agent to walk her through it",
        changes={"tour_type": "in person"},
        values={**JANE, "tour_type": "self-guided"},
    ),
    # A change of time relative to the tour's.
    case("relative", "bump it back 30 minutes", when="2026-11-27 14:30"),
    case("relative", "can we make it an hour later?", when="2026-11-27 15:00"),
    case("relative", "move it up an hour", when="2026-11-27 13:00"),
    case("relative", "same time on saturday", when="2026-11-28 14:00"),
    case("relative", "not friday, thursday", when="2026-11-26 14:00"),
    case("relative", "make it 11", when="2026-11-27 11:00"),
    case("relative", "let's say 3:30 instead", when="2026-11-27 15:30"),
    case("relative", "an hour and a half earlier", when="2026-11-27 12:30"),
    case(
        "relative",
        "thursday instead",
        when="2026-12-03 10:00",
        values={**JANE, "tour_time": "monday 10am"},
    ),
    case("relative", "how about 4pm sunday", when="2026-11-29 16:00"),
    case("relative", "move it to the same time tomorrow", when="2026-11-26 14:00"),
    case("relative", "push it to 5", when="2026-11-27 17:00"),
    case("relative", "no, the 30th", when="2026-11-30 14:00"),
    case("relative", "change the day to monday", when="2026-11-30 14:00"),
    case("relative", "move it to next week, same time", when="2026-12-04 14:00"),
    case("relative", "push it back a day", when="2026-11-28 14:00"),
    case("relative", "no, 3", when="2026-11-27 15:00"),
    case("not relative", "she'll get back to me in an hour", changes={}),
    case(
        "correction",
        "riverside, not maple",
        changes={"community": "cmty_riverside_lofts"},
        values={**JANE, "community": "cmty_maple_court"},
    ),
    # Another person's details: the notes, never the prospect's fields.
    case(
        "second person",
        "her brother Sam will come along, sam.doe@example.net",
        notes_have="Brother: Sam, sam.doe@example.net",
    ),
    case("second person", "the co-signer is her mom Ann, 212-555-0177", notes_have="212-555-0177"),
    case(
        "second person",
        "drop the brother",
        changes={"notes": None},
        values={**JANE, "notes": "Brother: Sam, sam.doe@example.net"},
    ),
    case(
        "second person",
        "never mind the roommate, she's coming by herself",
        changes={"notes": "has a dog"},
        values={**JANE, "notes": "has a dog\nRoommate: Tasha, 212-555-0100"},
    ),
    # A cancel, anywhere in the sentence.
    case("cancel", "she found another place so please cancel", intent="cancel"),
    case("cancel", "ok forget it", intent="cancel"),
    case("cancel", "call it off, she's moving to Denver", intent="cancel"),
    case("cancel", "we don't need it anymore, don't book anything", intent="cancel"),
    case("cancel", "the tour's off, she took a place downtown", intent="cancel"),
    case("cancel", "nah don't bother", intent="cancel"),
    case("cancel", "oops she can't make it, can we undo?", intent="cancel"),
    case("cancel", "she can't make it anymore", intent="cancel"),
    case("cancel", "he won't be able to make it after all, sorry", intent="cancel"),
    case("not a cancel", "she can't make it", said_has="othing changed"),
    case("not a cancel", "undo that", said_has="othing changed"),
    case("not a cancel", "she can't make it at 2, how about 3", when="2026-11-27 15:00"),
    case(
        "not a cancel",
        "cancel the roommate part",
        changes={"notes": None},
        values={**JANE, "notes": "Roommate: Tasha, 212-555-0100"},
    ),
    # A question back: answered, nothing changed.
    case("question", "is 9pm ok?", said_has="outside tour hours"),
    case("question", "would 6:30 be too late for her?", said_has="inside tour hours"),
    case("question", "is saturday open?", said_has="can't see EliseAI's calendar"),
    # Chatter.
    case("chatter", "brb", said_has="othing changed"),
    case("chatter", "lol ok", said_has="othing changed"),
    case("chatter", "she has 2 dogs and a cat fyi", changes={}),
    case("chatter", "will do - Tom", changes={}),  # a sign-off is no new name
    case("chatter", "sure thing, Ana", changes={}),
    case("chatter", "thanks Maria!", changes={}),
    # "Book it".
    case("book", "perfect, go ahead and book it", intent="book"),
    case("book", "yes please", intent="book"),
    case("book", "can you book it now", intent="book"),
    # Several kinds in one reply.
    case(
        "several",
        "make it 3 and add her phone 646-555-0123",
        changes={"phone": "646-555-0123"},
        when="2026-11-27 15:00",
    ),
    case(
        "several",
        "it's Janie not Jane, and push it an hour",
        changes={"first_name": "Janie"},
        when="2026-11-27 15:00",
    ),
    case("several", "virtual please, and book it", changes={"tour_type": "virtual"}, intent="book"),
    # Options narrowed by what the reply turns down or keeps; a time said once goes with each.
    case("options", "ok scrap tuesday idea, keep monday", values=TWO_DAYS, when="2026-11-30 14:00"),
    case("options", "forget tuesday", values=TWO_DAYS, when="2026-11-30 14:00"),
    case("options", "wait, not monday, tuesday", values=TWO_DAYS, when="2026-12-01 14:00"),
    case("options", "skip saturday", values=TWO_TIMES, when="2026-11-29 14:00"),
    case("options", "drop sunday", values=TWO_TIMES, when="2026-11-28 11:00"),
    case("not a decline", "she'll drop by tuesday at 3", when="2026-12-01 15:00"),
    # A week on from the tour's day, with or without a new hour.
    case("week on", "make it the following friday", when="2026-12-04 14:00"),
    case("week on", "the friday after", when="2026-12-04 14:00"),
    case("week on", "following friday at 4", when="2026-12-04 16:00"),
    case("week on", "a week later at 3", when="2026-12-04 15:00"),
    # An hour said as what the prospect wants; a number before a thing is no hour.
    case("hour", "can she do 4 instead of 2?", when="2026-11-27 16:00"),
    case("hour", "she said 3ish", when="2026-11-27 15:00"),
    case("not an hour", "she asked for 2 parking spots", said_has="othing changed"),
    case("not an hour", "she wants 2 keys", said_has="othing changed"),
]


def test_a_new_day_after_options_with_different_hours_asks_for_the_hour() -> None:
    """ "sat 11 or sun 2", then "let's go with monday": 11 or 2 is not said, so it is asked."""
    reply = read_reply(TWO_TIMES, "let's go with monday", asked=None, context=CONTEXT)
    assert reply.values["tour_time"] == "monday"
    assert CONTEXT.resolve("monday").status == "ask"


def local(reply: Reply) -> str | None:
    resolved = CONTEXT.resolve(reply.values.get("tour_time", ""))
    return resolved.local.strftime("%Y-%m-%d %H:%M") if resolved.local else None


@pytest.mark.parametrize("expected", CASES)
def test_a_reply_changes_what_it_says_and_nothing_else(expected: Case) -> None:
    reply = read_reply(
        expected.values, expected.reply, asked=expected.asked, communities=KNOWN, context=CONTEXT
    )
    assert reply.intent == expected.intent
    for key, value in expected.changes.items():
        assert reply.values.get(key) == value, (key, reply.values)
    untouched = set(expected.values) - set(expected.changes) - {"tour_time", "notes"}
    for key in untouched:
        assert reply.values.get(key) == expected.values[key], (key, reply.values)
    if expected.when is not None:
        assert local(reply) == expected.when, reply.values.get("tour_time")
    elif "tour_time" in expected.values and expected.intent != "cancel":
        assert local(reply) == CONTEXT.resolve(expected.values["tour_time"]).local.strftime(  # type: ignore[union-attr]
            "%Y-%m-%d %H:%M"
        )
    if expected.notes_have is not None:
        assert expected.notes_have in reply.values.get("notes", ""), reply.values
    if expected.said_has is not None:
        assert reply.said is not None and expected.said_has in reply.said, reply.said
    if expected.intent is None and not expected.changes and expected.when is None:
        assert not set(reply.changed) - {"notes"}, reply.changed


TOUR_DAYS = [datetime(2026, 12, 7 + n, 14, 0).date() for n in range(7)]  # Mon Dec 7 .. Sun Dec 13


@pytest.mark.parametrize("tour_day", TOUR_DAYS, ids=lambda d: f"{d:%a}")
@pytest.mark.parametrize("weekday", ["monday", "wednesday", "friday", "sunday"])
@pytest.mark.parametrize("way", ["before", "after"])
@pytest.mark.parametrize(
    "form", ["the {wd} {way} that", "no, the {wd} {way} it", "{wd} {way} that"]
)
def test_a_day_counted_from_the_tours_is_the_nearest_one_that_way(
    tour_day: object, weekday: str, way: str, form: str
) -> None:
    """ "the friday before that" of a Monday tour is the Friday just before it, never the Friday
    of its week; "after" the nearest after; the hour stays."""
    values = {**JANE, "tour_time": f"{tour_day:%b} {tour_day.day} 2026 at 2pm"}  # type: ignore[attr-defined]
    reply = read_reply(values, form.format(wd=weekday, way=way), asked=None, context=CONTEXT)
    when = CONTEXT.resolve(reply.values["tour_time"]).local
    assert when is not None and when.strftime("%A").lower() == weekday, reply.values
    gap = (when.date() - tour_day).days  # type: ignore[operator]
    assert (-7 <= gap <= -1) if way == "before" else (1 <= gap <= 7), (tour_day, reply.values)
    assert (when.hour, when.minute) == (14, 0)


@pytest.mark.parametrize(
    ("reply", "days"),
    [("the day before", -1), ("the day after that", 1), ("actually the week before", -7),
     ("the week after that", 7)],
)  # fmt: skip
def test_a_day_or_week_before_or_after_moves_the_tour_by_it(reply: str, days: int) -> None:
    values = {**JANE, "tour_time": "Dec 16 2026 at 2pm"}
    moved = read_reply(values, reply, asked=None, context=CONTEXT)
    when = CONTEXT.resolve(moved.values["tour_time"]).local
    assert when is not None and when.day == 16 + days and when.hour == 14, moved.values


@pytest.mark.parametrize(
    "reply",
    ["ok book it but make it quarter to 5", "book it - not 2 though, 12",
     "looks good, book it. last name is Smythe btw", "book it, she said 3 not 2"],
)  # fmt: skip
def test_book_it_beside_a_change_that_was_not_read_books_nothing(reply: str) -> None:
    """Booking the old values would be wrong whenever the change was not understood: the bot
    says what it could not read and leaves Book to the agent."""
    read = read_reply(JANE, reply, asked=None, context=CONTEXT)
    if read.changed:  # read after all: the change is applied and shown
        return
    assert read.intent is None and read.said and "did not book" in read.said, read


def test_book_it_alone_or_with_a_change_read_books() -> None:
    assert read_reply(JANE, "looks good, book it", asked=None, context=CONTEXT).intent == "book"
    both = read_reply(JANE, "virtual please, and book it", asked=None, context=CONTEXT)
    assert both.intent == "book" and both.values.get("tour_type") == "virtual"


@pytest.mark.parametrize(
    "remark",
    ["she'll call us 30 minutes after she lands to confirm",
     "can you remind me to follow up a day after?",
     "fyi her move got delayed 2 weeks, she still wants the tour",
     "her sister might come look a week later, separate tour tho",
     "she works 2 hours later on fridays but it's fine"],
)  # fmt: skip
def test_a_duration_in_a_remark_about_something_else_moves_nothing(remark: str) -> None:
    read = read_reply(JANE, remark, asked=None, context=CONTEXT)
    assert local(read) == "2026-11-27 14:00", read.values.get("tour_time")


@pytest.mark.parametrize(
    ("move", "when"),
    [("push it an hour", "15:00"), ("bump her up half an hour", "13:30"),
     ("an hour and a half earlier", "12:30"), ("move him back an hour", "15:00")],
)  # fmt: skip
def test_a_move_of_the_tour_by_a_duration_moves_it(move: str, when: str) -> None:
    read = read_reply(JANE, move, asked=None, context=CONTEXT)
    assert local(read) == f"2026-11-27 {when}", read.values.get("tour_time")


@pytest.mark.parametrize(
    "reply",
    ["his roommate Jess is coming, last name Park", "her mom is coming too, her name is Linda Park",
     "the cosigner is his dad, first name is Luis",
     "fyi my name is Jess Alvarez if she asks who booked it", "wrong number, it's 917-555-0119",
     "wrong day, it's thursday"],
)  # fmt: skip
def test_another_persons_name_or_the_agents_never_renames_the_prospect(reply: str) -> None:
    read = read_reply(JANE, reply, asked=None, context=CONTEXT)
    assert (read.values["first_name"], read.values["last_name"]) == ("Jane", "Doe"), read.values


@pytest.mark.parametrize("tour_day", TOUR_DAYS, ids=lambda d: f"{d:%a}")
@pytest.mark.parametrize("weekday", ["monday", "wednesday", "saturday", "sunday"])
def test_a_weekday_said_alone_is_the_one_nearest_the_tour(tour_day: object, weekday: str) -> None:
    """ "sunday instead" of a Monday tour is the day before it, not six days after."""
    values = {**JANE, "tour_time": f"{tour_day:%b} {tour_day.day} 2026 at 2pm"}  # type: ignore[attr-defined]
    read = read_reply(values, f"{weekday} instead", asked=None, context=CONTEXT)
    when = CONTEXT.resolve(read.values["tour_time"]).local
    assert when is not None and when.strftime("%A").lower() == weekday, read.values
    assert abs((when.date() - tour_day).days) <= 3, (tour_day, read.values)  # type: ignore[operator]


@pytest.mark.parametrize(
    "reply",
    [
        "cancel the tour on friday and book saturday instead",
        "cancel friday, book saturday at 2 instead",
    ],
)
def test_a_cancel_that_books_another_day_instead_is_a_move_never_a_cancel(reply: str) -> None:
    read = read_reply(JANE, reply, asked=None, context=CONTEXT)
    assert read.intent != "cancel", read
    assert local(read) in ("2026-11-27 14:00", "2026-11-28 14:00"), read.values["tour_time"]


@pytest.mark.parametrize(
    ("reply", "when"),
    [("she said 3 not 2", "15:00"), ("12 not 2", "12:00"), ("not 2, it's 4", "16:00"),
     ("try 4 then", "16:00"), ("2 not 3 bedrooms", "14:00")],
)  # fmt: skip
def test_an_hour_said_against_another_is_the_new_one(reply: str, when: str) -> None:
    read = read_reply(JANE, reply, asked=None, context=CONTEXT)
    assert local(read) == f"2026-11-27 {when}", read.values["tour_time"]


def test_a_name_given_before_someone_else_is_the_prospects() -> None:
    reply = "sorry, her last name is spelled Dough. fyi her roommate Tasha is coming too"
    read = read_reply(JANE, reply, asked=None, context=CONTEXT)
    assert (read.values["first_name"], read.values["last_name"]) == ("Jane", "Dough"), read.values
