"""The time policy's rules, tested by rule: a table of phrases said on weekends, at the year's end
and in day-first zones (`data/time-rules.tsv`), and properties over generated phrases, zones and
moments: backward words are never read forwards, a written zone wins wherever it stands, and the
local time and the UTC pair always denote the same instant."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.time.places import ALSO_PEOPLE, places
from bot.time.resolve import ResolvedTime, resolve_time, short_when

TABLE = Path(__file__).parents[1] / "data" / "time-rules.tsv"
ROWS = [
    row
    for row in csv.DictReader(
        (line for line in TABLE.open(encoding="utf-8") if not line.startswith("#")),
        delimiter="\t",
    )
]


def local(r: ResolvedTime) -> str:
    assert r.local is not None, r
    return r.local.strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize("row", ROWS, ids=[row["phrase"] for row in ROWS])
def test_rule_table(row: dict[str, str]) -> None:
    r = resolve_time(
        row["phrase"],
        zone=row["zone"],
        now=datetime.fromisoformat(row["now"]),
        date_order=row["order"],  # type: ignore[arg-type]
    )
    expected = row["expected"]
    if expected in ("ASK", "REJECT"):
        assert r.status == expected.lower(), r
        assert r.starts_at is None and r.reason
    elif expected.startswith("CONFIRM "):
        first, *others = expected.removeprefix("CONFIRM ").split("|")
        assert (r.status, local(r)) == ("confirm", first), r
        zone = ZoneInfo(row["zone"])
        shown = [a.astimezone(zone).strftime("%Y-%m-%d %H:%M") for a in r.alternatives]
        assert shown == others, r
    else:
        assert (r.status, local(r)) == ("ok", expected), r


NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
ZONES = sorted(available_timezones() - {"localtime", "Factory"})

# Phrases that resolve to a future time when nothing points backwards.
FORWARD = st.builds(
    "{} {} {}".format,
    st.sampled_from(["tomorrow", "fri", "next tuesday", "this saturday", "12/5", "Dec 3rd",
                     "in 2 days", "monday", "the 15th", ""]),
    st.sampled_from(["at", "", "around", "@"]),
    st.sampled_from(["3pm", "10:30am", "4", "noon", "2-3pm", "quarter past nine", "16.45"]),
)  # fmt: skip
BACKWARD_WORDS = [
    "last nite", "last night", "yest", "yday", "yesterday", "ytd", "last week", "earlier today",
    "the day before yesterday", "the other day", "last weekend", "last month", "earlier this week",
    "earlier in the week", "a while back", "ago", "the week before last", "the night before last",
]  # fmt: skip
# A weekday as agents type it, in every order that points back (British ones too).
WEEKDAY_SPELLINGS = ["thursday", "thurs", "thu", "fri", "Friday", "sat", "tues", "weds", "mon"]
BACKWARD_DAY_FORMS = [
    "last {}", "lst {}", "this past {}", "past {}", "previous {}", "the prior {}", "{} prior",
    "{} last", "{} gone", "{} just gone", "{} just been", "{} before last", "the {} before last",
    "{} last week", "last week {}", "last wk {}", "{} of last week", "this passed {}",
]  # fmt: skip
COUNTS = ["2", "3", "10", "a", "an", "one", "two", "a few", "few", "couple", "a couple of"]
UNITS = ["days", "day", "weeks", "wks", "fortnight", "hours", "hrs", "mins", "months"]
BACKWARD = st.one_of(
    st.sampled_from(BACKWARD_WORDS),
    st.builds(str.format, st.sampled_from(BACKWARD_DAY_FORMS), st.sampled_from(WEEKDAY_SPELLINGS)),
    st.builds(
        "{} {} {}".format,
        st.sampled_from(COUNTS),
        st.sampled_from(UNITS),
        st.sampled_from(["ago", "back"]),
    ),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    phrase=FORWARD,
    backward=BACKWARD,
    at=st.integers(0, 10),
    zone=st.sampled_from(ZONES),
    day_first=st.booleans(),
)
def test_a_backward_word_anywhere_is_never_read_as_a_time_ahead(
    phrase: str, backward: str, at: int, zone: str, day_first: bool
) -> None:
    words = phrase.split()
    at = min(at, len(words))
    text = " ".join([*words[:at], backward, *words[at:]])
    r = resolve_time(text, zone=zone, now=NOW, date_order="DMY" if day_first else "MDY")
    assert r.status in ("reject", "ask"), (text, r)
    assert r.starts_at is None


WEEKDAY_FORMS = ["{}", "this {}", "next {}", "next week {}", "{} next week", "not this {}",
                 "not {}", "on {}"]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(
    weekday=st.sampled_from(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]),
    forms=st.lists(st.sampled_from(WEEKDAY_FORMS), min_size=2, max_size=2, unique=True),
    clock=st.sampled_from(["at 3pm", "3pm", "11am", "at 10:30am"]),
    days_ahead=st.integers(0, 6),
)
def test_one_weekday_named_two_ways_is_one_day_or_a_question(
    weekday: str, forms: list[str], clock: str, days_ahead: int
) -> None:
    """A weekday named two ways ("next friday 3pm, not this friday"): each way, read alone,
    gives the day the phrase is booked for, or the phrase is a question; never an ok for a
    day one of its ways does not name for sure."""
    now = datetime(2026, 12, 7, 10, tzinfo=ZoneInfo("America/New_York")) + timedelta(days_ahead)
    first, second = (form.format(weekday) for form in forms)
    text = f"{first} {clock}, {second}"
    r = resolve_time(text, zone="America/New_York", now=now)
    if r.status != "ok":
        return
    assert "not" not in text, (text, r)
    for alone in (first, second):
        one = resolve_time(f"{alone} {clock}", zone="America/New_York", now=now)
        assert one.status == "ok" and one.starts_at == r.starts_at, (text, alone, r, one)


@settings(max_examples=300, deadline=None)
@given(
    day=st.sampled_from(["tomorrow", "friday", "sat", "12/15", "next week tuesday", "the 15th"]),
    first=st.integers(1, 12),
    second=st.integers(1, 12),
    at=st.sampled_from(["at ", "", "around "]),
    joint=st.sampled_from([" or ", " / ", ", or ", " or maybe "]),
    meridiem=st.sampled_from(["", "pm", "am"]),
)
def test_two_hours_offered_are_a_question_never_one_of_them(
    day: str, first: int, second: int, at: str, joint: str, meridiem: str
) -> None:
    """ "tmrw at 3 or 4": the agent offered two hours; booking either one is a guess."""
    if first == second:
        return
    text = f"{day} {at}{first}{joint}{second}{meridiem}"
    r = resolve_time(text, zone="America/New_York", now=NOW)
    assert r.status in ("ask", "reject"), (text, r)


# A time phrase as pieces; a zone may stand between any two of them, or at either end.
PIECES = st.tuples(
    st.sampled_from(["tomorrow", "friday", "on friday", "12/5", "next week tuesday", "the 15th"]),
    st.sampled_from(["at 3pm", "3pm", "at 10:30", "11am", "noon", "at 4", "2-3pm"]),
).flatmap(lambda p: st.permutations(list(p)))
ANYWHERE = ["EST", "PST", "CDT", "MST", "UTC", "GMT", "Europe/London", "pacific time", "(PST)"]
BESIDE_A_TIME = ["PT", "ET", "CT", "MT", "pacific", "eastern", "central", "(PT)", "london time",
                 "nyc time", "Madrid time", "(LA time)", "salt lake city time",
                 "são paulo time"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(pieces=PIECES, zone_word=st.sampled_from(ANYWHERE), tour_zone=st.sampled_from(ZONES))
def test_a_zone_written_anywhere_gives_the_same_instant(
    pieces: list[str], zone_word: str, tour_zone: str
) -> None:
    texts = [" ".join([*pieces[:i], zone_word, *pieces[i:]]) for i in range(len(pieces) + 1)]
    texts.append(f"can we do {' '.join(pieces)} if that works, {zone_word}?")
    results = [resolve_time(t, zone=tour_zone, now=NOW) for t in texts]
    assert len({(r.status, r.starts_at) for r in results}) == 1, list(
        zip(texts, results, strict=True)
    )


@settings(max_examples=300, deadline=None)
@given(pieces=PIECES, zone_word=st.sampled_from(BESIDE_A_TIME), tour_zone=st.sampled_from(ZONES))
def test_a_zone_word_that_is_also_a_plain_word_counts_after_any_piece(
    pieces: list[str], zone_word: str, tour_zone: str
) -> None:
    texts = [" ".join([*pieces[:i], zone_word, *pieces[i:]]) for i in range(1, len(pieces) + 1)]
    results = [resolve_time(t, zone=tour_zone, now=NOW) for t in texts]
    assert len({(r.status, r.starts_at) for r in results}) == 1, list(
        zip(texts, results, strict=True)
    )
    if results[0].starts_at is not None:  # and it is the written zone's time, not the tour's
        alone = resolve_time(" ".join(pieces), zone=tour_zone, now=NOW)
        elsewhere = "Pacific/Kiritimati" if tour_zone != "Pacific/Kiritimati" else "Asia/Tokyo"
        assert results[0].starts_at == resolve_time(texts[-1], zone=elsewhere, now=NOW).starts_at
        assert alone.status in ("ok", "confirm", "ask", "reject")


@pytest.mark.parametrize("row", ROWS, ids=[row["phrase"] for row in ROWS])
def test_a_phrase_reads_the_same_inside_a_long_text(row: dict[str, str]) -> None:
    """Past 200 characters a pattern runs only where one of its words is: every pattern's
    words are complete if a phrase padded with chatter reads as it does alone."""
    padding = " ".join(["ok"] * 120)
    kwargs = {"zone": row["zone"], "now": datetime.fromisoformat(row["now"])}
    order = "DMY" if row["order"] == "DMY" else "MDY"
    alone = resolve_time(row["phrase"], date_order=order, **kwargs)  # type: ignore[arg-type]
    padded = resolve_time(f"{padding} {row['phrase']}", date_order=order, **kwargs)  # type: ignore[arg-type]
    assert (padded.status, padded.starts_at) == (alone.status, alone.starts_at)


def test_every_city_written_with_time_is_read_on_its_own_clock() -> None:
    """ "3pm tomorrow madrid time": a place of the zone database is its zone ("tomorrow" too),
    whatever the tour's zone; a city that is also a person's name ("Victoria time") is asked."""
    assert len(places()) > 400
    for city, zone_name in sorted(places().items()):
        text = f"3pm tomorrow {city} time"
        r = resolve_time(text, zone="Pacific/Kiritimati", now=NOW)
        if city in ALSO_PEOPLE:
            assert r.status == "ask" and r.reason and f"{city} time" in r.reason, (text, r)
            continue
        there = resolve_time("3pm tomorrow", zone=zone_name, now=NOW)
        assert r.starts_at == there.starts_at is not None, (text, r, there)


@settings(max_examples=200, deadline=None)
@given(
    pieces=PIECES,
    whose=st.sampled_from(["her time", "his time", "their time", "in her time zone",
                           "the client's time", "(her time)", "my time", "her local time"]),
    at=st.integers(0, 2),
)  # fmt: skip
def test_a_persons_clock_is_asked_about_never_read_in_the_tours_zone(
    pieces: list[str], whose: str, at: int
) -> None:
    text = " ".join([*pieces[:at], whose, *pieces[at:]]) if at else f"{' '.join(pieces)} {whose}"
    r = resolve_time(text, zone="America/New_York", now=NOW)
    assert r.status in ("ask", "reject") and r.starts_at is None, (text, r)
    # with a zone written too, that zone is the clock
    assert resolve_time(f"{text} PT", zone="America/New_York", now=NOW).starts_at == (
        resolve_time(" ".join(pieces), zone="America/Los_Angeles", now=NOW).starts_at
    )


def test_time_words_that_name_no_clock_change_nothing() -> None:
    for text in ("thanks for your time, fri 3pm", "fri 3pm, take your time", "fri 3pm, any time",
                 "fri 3pm your time", "fri at 3 our time", "fri 3pm local time"):  # fmt: skip
        assert resolve_time(text, zone="America/New_York", now=NOW).status == "ok", text


SPELLED = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 10: "ten", 12: "twelve"}


@settings(max_examples=300, deadline=None)
@given(
    n=st.integers(1, 30),
    unit=st.sampled_from(["day", "days", "week", "weeks", "wks"]),
    base=st.sampled_from(["today", "tomorrow", "now"]),
    spelled=st.booleans(),
    clock=st.sampled_from(["at 2pm", "2pm", ", 2:00 pm", "@ 2pm"]),
    zone=st.sampled_from(ZONES),
)
def test_a_count_of_days_from_today_or_tomorrow_is_that_day(
    n: int, unit: str, base: str, spelled: bool, clock: str, zone: str
) -> None:
    """ "2 weeks from today at 2pm": the day the count names, never today or tomorrow."""
    count = SPELLED.get(n, str(n)) if spelled else str(n)
    text = f"{count} {unit} from {base} {clock}"
    r = resolve_time(text, zone=zone, now=NOW)
    days = n * (7 if unit.startswith("w") else 1) + (1 if base == "tomorrow" else 0)
    assert r.local is not None, (text, r)
    assert r.local.date() == NOW.astimezone(ZoneInfo(zone)).date() + timedelta(days=days), text
    assert (r.local.hour, r.local.minute) == (14, 0)


@pytest.mark.parametrize(
    "text",
    ["a few days from now at 2pm", "in a couple of days at 2pm", "a couple days from today 3pm",
     "in a few hours", "few weeks from today at 10"],
)  # fmt: skip
def test_a_vague_count_is_asked_never_guessed(text: str) -> None:
    assert resolve_time(text, zone="America/New_York", now=NOW).status == "ask", text


@settings(max_examples=300, deadline=None)
@given(
    hour=st.integers(1, 12),
    minute=st.sampled_from([0, 5, 10, 15, 20, 30, 40, 45, 50, 55]),
    form=st.sampled_from(["{t} tomorrow", "tomorrow {t}", "tomorrow at {t}", "fri {t}",
                          "dec 10 {t}", "{t}pm on the 10th", "the 10th @ {t}"]),
)  # fmt: skip
def test_minutes_typed_after_a_space_are_read_or_asked_never_dropped(
    hour: int, minute: int, form: str
) -> None:
    """ "3 30 tomorrow" is 3:30 or a question, never 3:00."""
    text = form.format(t=f"{hour} {minute:02d}")
    r = resolve_time(text, zone="America/New_York", now=NOW)
    assert r.status in ("ask", "reject") or (r.local is not None and r.local.minute == minute), (
        text,
        r,
    )


@st.composite
def misspelt(draw: st.DrawFn, word: str) -> str:
    """`word` with one letter dropped, doubled, swapped with the next or replaced."""
    at = draw(st.integers(0, len(word) - 2))
    how = draw(st.sampled_from(["drop", "double", "swap", "replace"]))
    letter = draw(st.sampled_from("aeioursty"))
    if how == "drop":
        return word[:at] + word[at + 1 :]
    if how == "double":
        return word[: at + 1] + word[at:]
    if how == "swap":
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    return word[:at] + letter + word[at + 1 :]


DAY_NAMES = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


@settings(max_examples=400, deadline=None)
@given(data=st.data(), day=st.sampled_from(DAY_NAMES), clock=st.sampled_from(["2pm", "at 10:30"]))
def test_a_misspelt_weekday_is_that_day_or_a_question_never_another_day(
    data: st.DataObject, day: str, clock: str
) -> None:
    """ "thrus 2pm", "fryday at 10:30": read as the day meant, or asked; never today's hour."""
    text = f"{data.draw(misspelt(day))} {clock}"
    r = resolve_time(text, zone="America/New_York", now=NOW)
    if r.status in ("ok", "confirm"):
        assert r.local is not None and r.local.strftime("%A").lower() == day, (text, r)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), month=st.sampled_from(["january", "february", "september", "october",
                                              "november", "december"]))  # fmt: skip
def test_a_misspelt_month_is_that_month_or_a_question(data: st.DataObject, month: str) -> None:
    text = f"{data.draw(misspelt(month))} 22 at 10am"
    r = resolve_time(text, zone="America/New_York", now=NOW)
    if r.status in ("ok", "confirm"):
        assert r.local is not None and r.local.strftime("%B").lower() == month, (text, r)


def _transitions(zone: ZoneInfo, year: int) -> list[datetime]:
    """The UTC hours at which the zone's offset changes during `year`."""
    found = []
    at = datetime(year, 1, 1, tzinfo=UTC)
    offset = at.astimezone(zone).utcoffset()
    while at.year == year:
        nxt = at + timedelta(hours=1)
        if nxt.astimezone(zone).utcoffset() != offset:
            found.append(nxt)
            offset = nxt.astimezone(zone).utcoffset()
        at = nxt
    return found


DST_ZONES = [z for z in ZONES[::9] if _transitions(ZoneInfo(z), 2026)]
SAID = ["tomorrow at 2:30am", "tomorrow at 3pm", "today at 11pm", "in 2 hours", "1:30am",
        "in 3 days at 1:30", "sunday at 1:30am", "tonight at 7", "next monday 9am",
        "the 1st at 2am"]  # fmt: skip


@pytest.mark.parametrize("zone_name", [*DST_ZONES, "Australia/Sydney", "America/Santiago"])
def test_local_and_utc_are_one_instant_around_every_dst_change(zone_name: str) -> None:
    zone = ZoneInfo(zone_name)
    for change in _transitions(zone, 2026):
        for before in (timedelta(hours=30), timedelta(hours=3), timedelta(minutes=20)):
            now = change - before
            for phrase in SAID:
                r = resolve_time(phrase, zone=zone, now=now)
                if r.status not in ("ok", "confirm"):
                    continue
                assert r.local is not None and r.starts_at is not None
                pair = datetime.fromisoformat(f"{r.appointment_date}T{r.appointment_time}+00:00")
                # astimezone: == between zones is False for a wall time in a DST fold (PEP 495).
                shown = datetime.fromisoformat(r.local.isoformat())  # as parse-time prints it
                assert shown.astimezone(UTC) == pair == r.starts_at, (zone_name, now, phrase, r)
                assert r.local.utcoffset() == r.local.astimezone(zone).utcoffset()
                if r.status == "ok" and "hours" not in phrase:
                    # An ok time is the wall time asked for, on the calendar day the words name.
                    wall = r.local.astimezone(zone)
                    assert wall.replace(tzinfo=None) == wall.replace(tzinfo=zone).replace(
                        tzinfo=None
                    )


def test_far_tours_show_their_year_where_they_are_shown() -> None:
    r = resolve_time(
        "Dec 3rd 3:15 PM", zone="America/New_York", now=datetime(2026, 12, 6, 15, tzinfo=UTC)
    )
    assert r.status == "confirm" and r.reason and "2027" in r.reason
    assert short_when(r) == "Fri, Dec 3, 2027, 3:15 PM EST"
    near = resolve_time(
        "Dec 23 3:15 PM", zone="America/New_York", now=datetime(2026, 12, 6, 15, tzinfo=UTC)
    )
    assert near.status == "ok" and short_when(near) == "Wed, Dec 23, 3:15 PM EST"


def test_a_season_mismatched_abbreviation_names_the_actual_time() -> None:
    august = datetime(2026, 8, 12, 13, tzinfo=UTC)
    r = resolve_time("11am EST tomorrow", zone="America/Chicago", now=august)
    assert r.status == "confirm" and r.reason and "EDT" in r.reason and "EST" in r.reason
    assert r.starts_at == datetime(2026, 8, 13, 15, tzinfo=UTC)  # 11:00 EDT
    january = datetime(2027, 1, 12, 13, tzinfo=UTC)
    assert resolve_time("11am EST tomorrow", zone="America/Chicago", now=january).status == "ok"


@pytest.mark.parametrize("length", [1_000, 10_000, 40_000])
def test_long_text_is_answered_and_longer_than_slack_is_refused_unread(length: int) -> None:
    for filler in ("7", "tomorrow at 3pm ", "a. ", "12/5 "):
        text = (filler * length)[:length]
        assert resolve_time(text, zone="UTC", now=NOW).status in ("ask", "reject", "ok", "confirm")
    r = resolve_time("3" * 40_001, zone="UTC", now=NOW)
    assert r.status == "reject" and r.reason and "40,000" in r.reason


def test_a_date_just_past_is_never_silently_next_year() -> None:
    """Every day of a year said a few days after it: next year's date is never `ok`."""
    start = date(2026, 1, 1)
    for offset in range(0, 365, 3):
        said = datetime.combine(start + timedelta(days=offset), datetime.min.time(), UTC)
        past = said.date() - timedelta(days=3)
        for phrase in (f"{past:%b} {past.day} at 3pm", f"{past.month}/{past.day} at 3pm"):
            r = resolve_time(phrase, zone="UTC", now=said + timedelta(hours=12))
            assert r.status in ("confirm", "reject"), (phrase, said, r)
            if r.status == "confirm":
                assert r.reason and str(past.year + 1) in r.reason
