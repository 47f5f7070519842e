"""The time resolver against every rule of the README's time table, the phrase tables, and DST."""

from __future__ import annotations

import csv
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.time.resolve import ResolvedTime, describe, resolve_time

NY = ZoneInfo("America/New_York")
# The development table's moment: Wednesday 2026-11-25 10:00 in New York (UTC-5).
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=NY)
TABLE = Path(__file__).parents[1] / "data" / "time-dev-phrases.tsv"


def at(text: str, now: datetime = NOW, zone: str | ZoneInfo = NY, **kw: object) -> ResolvedTime:
    return resolve_time(text, zone=zone, now=now, **kw)  # type: ignore[arg-type]


def local(r: ResolvedTime) -> str | None:
    return r.local.strftime("%Y-%m-%d %H:%M") if r.local else None


def utc(r: ResolvedTime) -> str:
    return f"{r.appointment_date} {r.appointment_time}"


def _table() -> list[tuple[str, str]]:
    with TABLE.open() as f:
        return [(row["phrase"], row["expected"]) for row in csv.DictReader(f, delimiter="\t")]


def test_table_has_every_row() -> None:
    assert len(_table()) == 55


@pytest.mark.parametrize(("phrase", "expected"), _table())
def test_development_table(phrase: str, expected: str) -> None:
    r = at(phrase)
    if expected == "ASK":
        assert r.status == "ask", r
        assert r.reason
    elif expected == "REJECT":
        assert r.status == "reject", r
        assert r.reason
    elif "|" in expected:
        assert r.status == "confirm", r
        assert local(r) in expected.split("|")
        assert r.reason and "confirm" in r.reason
        assert len(r.alternatives) == 1
    else:
        assert (r.status, local(r)) == ("ok", expected), r


class TestOutput:
    def test_utc_date_and_time_of_the_same_instant(self) -> None:
        r = at("tomorrow at 3pm")
        assert r.as_json() == {
            "status": "ok",
            "appointment_date": "2026-11-26",
            "appointment_time": "20:00:00",
            "local": "2026-11-26T15:00:00-05:00",
        }

    def test_seconds_are_always_zero(self) -> None:
        r = at("in 30 minutes", now=datetime(2026, 11, 25, 10, 0, 47, 123, tzinfo=NY))
        assert r.appointment_time == "15:30:00"

    def test_confirm_carries_time_and_reason(self) -> None:
        out = at("tomorrow at 9pm").as_json()
        assert out["status"] == "confirm"
        assert out["appointment_time"] == "02:00:00" and out["appointment_date"] == "2026-11-27"
        assert "outside tour hours" in out["reason"]

    def test_ask_and_reject_carry_only_a_reason(self) -> None:
        assert set(at("tomorrow").as_json()) == {"status", "reason"}
        assert set(at("yesterday at 3pm").as_json()) == {"status", "reason"}

    def test_describe_for_the_agent(self) -> None:
        assert describe(at("tomorrow at 3pm")) == (
            "Thu, Nov 26, 3:00 PM EST at the property · 20:00 UTC"
        )


class TestZones:
    def test_zone_in_the_text_wins(self) -> None:
        assert local(at("3pm PT")) == "2026-11-25 18:00"
        assert local(at("tomorrow 2pm eastern", zone="America/Chicago")) == "2026-11-26 13:00"
        assert utc(at("tomorrow 15:00 UTC")) == "2026-11-26 15:00:00"
        assert utc(at("3pm Europe/London tomorrow")) == "2026-11-26 15:00:00"

    def test_street_names_are_not_zones(self) -> None:
        r = at("tour of 40 Maple Ct tomorrow 3pm")
        assert (r.status, local(r)) == ("ok", "2026-11-26 15:00")

    def test_la_evening_is_the_next_utc_day(self) -> None:
        la = ZoneInfo("America/Los_Angeles")
        r = at("today at 5pm", now=datetime(2026, 11, 25, 10, tzinfo=la), zone=la)
        assert utc(r) == "2026-11-26 01:00:00"
        assert r.local is not None and r.local.isoformat() == "2026-11-25T17:00:00-08:00"

    def test_half_hour_zone(self) -> None:
        kolkata = ZoneInfo("Asia/Kolkata")
        r = at("tomorrow at 3pm", now=datetime(2026, 11, 25, 10, tzinfo=kolkata), zone=kolkata)
        assert utc(r) == "2026-11-26 09:30:00"
        r = at("tomorrow at 9am", now=datetime(2026, 11, 25, 10, tzinfo=kolkata), zone=kolkata)
        assert utc(r) == "2026-11-26 03:30:00"  # still the same UTC day

    def test_ahead_of_utc_gives_the_previous_utc_day(self) -> None:
        sydney = ZoneInfo("Australia/Sydney")
        r = at("tomorrow at 10am", now=datetime(2026, 11, 25, 9, tzinfo=sydney), zone=sydney)
        assert utc(r) == "2026-11-25 23:00:00"

    def test_now_in_another_zone_is_the_same_instant(self) -> None:
        now_utc = datetime(2026, 11, 25, 15, 0, tzinfo=ZoneInfo("UTC"))
        assert local(at("3pm", now=now_utc)) == "2026-11-25 15:00"

    def test_today_is_the_tour_zones_today(self) -> None:
        # 02:00 UTC on Nov 26 is still Nov 25 in Los Angeles.
        now = datetime(2026, 11, 26, 2, 0, tzinfo=ZoneInfo("UTC"))
        r = at("tomorrow at 10am", now=now, zone="America/Los_Angeles")
        assert local(r) == "2026-11-26 10:00"


class TestRelativeDaysAndDurations:
    def test_relative_days_keep_the_clock_across_dst(self) -> None:
        # New York falls back on Sun 2026-11-01.
        r = at("tomorrow at 3pm", now=datetime(2026, 10, 31, 15, 0, tzinfo=NY))
        assert (local(r), utc(r)) == ("2026-11-01 15:00", "2026-11-01 20:00:00")
        r = at("in 2 days at 3pm", now=datetime(2027, 3, 13, 10, 0, tzinfo=NY))
        assert (local(r), utc(r)) == ("2027-03-15 15:00", "2027-03-15 19:00:00")

    def test_durations_are_elapsed_time_across_dst(self) -> None:
        r = at("in 24 hours", now=datetime(2027, 3, 13, 10, 0, tzinfo=NY))
        assert local(r) == "2027-03-14 11:00"  # a 23-hour day: the clock moves
        r = at("in 24 hours", now=datetime(2026, 10, 31, 10, 0, tzinfo=NY))
        assert local(r) == "2026-11-01 09:00"

    @pytest.mark.parametrize(
        ("phrase", "expected"),
        [
            ("in 45 minutes", "2026-11-25 10:45"),
            ("90 minutes from now", "2026-11-25 11:30"),
            ("in an hour and a half", "2026-11-25 11:30"),
            ("in half an hour", "2026-11-25 10:30"),
            ("in two hours", "2026-11-25 12:00"),
            ("day after tomorrow 10am", "2026-11-27 10:00"),
            ("in 3 days at 2pm", "2026-11-28 14:00"),
            ("a week from today at 11", "2026-12-02 11:00"),
            ("a week from tomorrow at 11", "2026-12-03 11:00"),
            ("in 2 weeks at 1pm", "2026-12-09 13:00"),
        ],
    )
    def test_relative(self, phrase: str, expected: str) -> None:
        r = at(phrase)
        assert (r.status, local(r)) == ("ok", expected)

    def test_duration_and_a_day_is_a_question(self) -> None:
        assert at("tomorrow in 2 hours").status == "ask"


class TestHoursWithoutAmPm:
    @pytest.mark.parametrize(
        ("phrase", "expected"),
        [
            ("tomorrow at 8", "2026-11-26 08:00"),
            ("tomorrow at 11:45", "2026-11-26 11:45"),
            ("tomorrow at 12", "2026-11-26 12:00"),
            ("tomorrow at 1", "2026-11-26 13:00"),
            ("tomorrow at 7:30", "2026-11-26 19:30"),
            ("tomorrow at 16:15", "2026-11-26 16:15"),
            ("tomorrow morning at 9", "2026-11-26 09:00"),
            ("tomorrow evening at 6", "2026-11-26 18:00"),
            ("sat 3 in the afternoon", "2026-11-28 15:00"),
            ("tonight at 7", "2026-11-25 19:00"),
            ("this evening at 6:30", "2026-11-25 18:30"),
            ("tomorrow at noon", "2026-11-26 12:00"),
            ("half past 3 tomorrow", "2026-11-26 15:30"),
            ("quarter to 4 friday", "2026-11-27 15:45"),
            ("tomorrow at 3 o'clock", "2026-11-26 15:00"),
        ],
    )
    def test_tour_hours_rule(self, phrase: str, expected: str) -> None:
        r = at(phrase)
        assert (r.status, local(r)) == ("ok", expected)

    @pytest.mark.parametrize(
        ("phrase", "expected"),
        [
            ("tomorrow 0:30", "2026-11-26 00:30"),
            ("tomorrow 07:30", "2026-11-26 07:30"),  # zero-padded is 24-hour notation
            ("tomorrow at 21:00", "2026-11-26 21:00"),
            ("tomorrow at midnight", "2026-11-26 00:00"),
        ],
    )
    def test_24_hour_times_outside_tour_hours_are_confirmed(
        self, phrase: str, expected: str
    ) -> None:
        r = at(phrase)
        assert (r.status, local(r)) == ("confirm", expected)
        assert r.reason and "outside tour hours" in r.reason

    def test_tonight_at_12_is_asked(self) -> None:
        assert at("tonight at 12").status == "ask"


class TestWeekdays:
    def test_weekday_of_today_rolls_a_week_once_past(self) -> None:
        assert local(at("wednesday 3pm")) == "2026-11-25 15:00"
        assert local(at("wednesday 9am")) == "2026-12-02 09:00"

    def test_this_weekday_already_past_is_rejected(self) -> None:
        r = at("this monday 2pm")
        assert r.status == "reject" and r.reason and "Nov 23" in r.reason

    def test_next_weekday_in_this_week_is_confirmed_with_both_readings(self) -> None:
        r = at("next sunday at 2pm")
        assert r.status == "confirm" and local(r) == "2026-11-29 14:00"
        assert [a.strftime("%Y-%m-%d %H:%M") for a in r.alternatives] == ["2026-12-06 19:00"]
        assert r.reason and "Nov 29" in r.reason and "Dec 6" in r.reason

    def test_next_weekday_seen_on_a_weekend_is_confirmed_taking_the_nearer(self) -> None:
        sunday = datetime(2026, 11, 29, 10, tzinfo=NY)
        r = at("next tuesday at 2pm", now=sunday)
        assert (r.status, local(r)) == ("confirm", "2026-12-01 14:00")
        assert [a.strftime("%Y-%m-%d") for a in r.alternatives] == ["2026-12-08"]

    def test_next_weekday_seen_on_a_weekday_in_next_week_has_one_reading(self) -> None:
        monday = datetime(2026, 11, 30, 10, tzinfo=NY)
        assert local(at("next monday at 2pm", now=monday)) == "2026-12-07 14:00"
        assert at("next monday at 2pm", now=monday).status == "ok"

    def test_next_week_weekday(self) -> None:
        assert local(at("tuesday next week at 4pm")) == "2026-12-01 16:00"
        assert local(at("next week friday 11am")) == "2026-12-04 11:00"

    def test_weekday_must_agree_with_the_date(self) -> None:
        r = at("Fri 12/3 10am")
        assert r.status == "ask" and r.reason and "Thursday" in r.reason
        assert local(at("Tuesday the 1st at 2")) == "2026-12-01 14:00"

    def test_two_different_days_are_asked(self) -> None:
        assert at("tomorrow or friday at 3").status == "ask"
        assert at("monday or tuesday at 3pm").status == "ask"

    def test_vague_days_are_asked(self) -> None:
        for phrase in ("next week", "this weekend at 2", "sometime next week at 3pm"):
            assert at(phrase).status == "ask", phrase


class TestDates:
    @pytest.mark.parametrize(
        ("phrase", "expected"),
        [
            ("7 december 3pm", "2026-12-07 15:00"),
            ("december the 7th at 10am", "2026-12-07 10:00"),
            ("2026-12-07 at 3pm", "2026-12-07 15:00"),
            ("2026-12-07T15:00", "2026-12-07 15:00"),
            ("12/5/2026 3pm", "2026-12-05 15:00"),
            ("12/5/26 3pm", "2026-12-05 15:00"),
            ("the 31st at 2pm", "2026-12-31 14:00"),
            ("on the 24th at 10am", "2026-12-24 10:00"),
        ],
    )
    def test_dates(self, phrase: str, expected: str) -> None:
        r = at(phrase)
        assert (r.status, local(r)) == ("ok", expected), r

    @pytest.mark.parametrize(
        ("phrase", "expected"),
        [
            ("11/24 at 3pm", "2027-11-24 15:00"),  # past this year: next year
            ("the 10th of may 2pm", "2027-05-10 14:00"),
        ],
    )
    def test_dates_more_than_60_days_ahead_are_confirmed_with_their_year(
        self, phrase: str, expected: str
    ) -> None:
        r = at(phrase)
        assert (r.status, local(r)) == ("confirm", expected), r
        assert r.reason and expected[:4] in r.reason and r.show_year

    def test_day_month_order(self) -> None:
        assert local(at("5/12 at 3pm", date_order="DMY")) == "2026-12-05 15:00"
        assert local(at("5/12 at 3pm")) == "2027-05-12 15:00"

    @pytest.mark.parametrize(
        "phrase", ["2/30 at 3pm", "13/5 at 3pm", "15pm tomorrow", "tomorrow at 25:00", "Sep 31 2pm"]
    )
    def test_impossible_dates_and_times_are_rejected(self, phrase: str) -> None:
        r = at(phrase)
        assert r.status == "reject" and r.reason, r

    def test_a_date_earlier_today_is_rejected_not_moved_a_year(self) -> None:
        assert at("11/25 at 9am").status == "reject"

    def test_a_past_year_is_rejected(self) -> None:
        assert at("12/5/2025 3pm").status == "reject"

    def test_more_than_a_year_ahead_is_rejected(self) -> None:
        r = at("12/5/2027 3pm")
        assert r.status == "reject" and r.reason and "2027" in r.reason
        assert at("feb 29 at 3pm").status == "reject"  # the next Feb 29 is in 2028

    def test_turn_of_the_year(self) -> None:
        eve = datetime(2026, 12, 31, 18, 0, tzinfo=NY)
        assert local(at("tomorrow at 10am", now=eve)) == "2027-01-01 10:00"
        assert local(at("1/2 at 3pm", now=eve)) == "2027-01-02 15:00"
        assert local(at("the 1st at 11", now=eve)) == "2027-01-01 11:00"
        assert local(at("monday 10am", now=eve)) == "2027-01-04 10:00"
        r = at("12/31 at 7pm", now=eve)
        assert (local(r), utc(r)) == ("2026-12-31 19:00", "2027-01-01 00:00:00")


class TestThePast:
    def test_bare_time_past_means_tomorrow(self) -> None:
        assert local(at("9am")) == "2026-11-26 09:00"
        assert local(at("10:00")) == "2026-11-26 10:00"  # exactly now is not ahead

    @pytest.mark.parametrize(
        "phrase", ["yesterday at 3pm", "today at 8am", "tonight at 7", "this wednesday 9am"]
    )
    def test_explicit_day_in_the_past_is_rejected(self, phrase: str) -> None:
        late = datetime(2026, 11, 25, 21, 0, tzinfo=NY)
        r = at(phrase, now=late)
        assert r.status == "reject" and r.reason and "passed" in r.reason


class TestRangesAndSentences:
    @pytest.mark.parametrize(
        ("phrase", "expected"),
        [
            ("tomorrow 3-4pm", "2026-11-26 15:00"),
            ("between 2 and 3 tomorrow", "2026-11-26 14:00"),
            ("from 10 to 11 friday", "2026-11-27 10:00"),
            ("11-12 friday", "2026-11-27 11:00"),
            ("11-1pm tomorrow", "2026-11-26 11:00"),
            ("tomorrow 10:30-11:30am", "2026-11-26 10:30"),
            ("could she come by thursday around 2ish?", "2026-11-26 14:00"),
            ("Jane wants tmrw at 10 if that works", "2026-11-26 10:00"),
            ("maybe fri about 4:30 or so", "2026-11-27 16:30"),
            ("Jane Doe 555-201-7788 tomorrow at 3pm, 2br, $1,800-2,200", "2026-11-26 15:00"),
            ("2 bedroom tour tomorrow at 11", "2026-11-26 11:00"),
        ],
    )
    def test_found_and_start_taken(self, phrase: str, expected: str) -> None:
        r = at(phrase)
        assert (r.status, local(r)) == ("ok", expected), r

    def test_two_times_are_asked(self) -> None:
        assert at("tomorrow at 3pm or 4pm").status == "ask"


class TestAbbreviations:
    @pytest.mark.parametrize(
        "phrase",
        [
            "tmrw 3pm", "tmr 3pm", "tmw 3pm", "2moro 3pm", "tomorow 3pm", "tommorow 3pm",
            "tomorrow 3p", "tomorrow 3 p.m.", "tomorrow @ 3", "tomorrow at 15:00",
        ],
    )  # fmt: skip
    def test_tomorrow_at_3(self, phrase: str) -> None:
        r = at(phrase)
        assert (r.status, local(r)) == ("ok", "2026-11-26 15:00"), r

    @pytest.mark.parametrize(
        ("word", "day"),
        [
            ("mon", "30"), ("tue", "01"), ("tues", "01"), ("weds", "25"), ("thu", "26"),
            ("thur", "26"), ("thurs", "26"), ("thrusday", "26"), ("fri", "27"), ("sat", "28"),
            ("sun", "29"),
        ],
    )  # fmt: skip
    def test_weekday_abbreviations(self, word: str, day: str) -> None:
        r = at(f"{word} 2pm")
        assert r.local is not None and r.local.strftime("%d %H:%M") == f"{day} 14:00"


class TestDaylightSaving:
    def test_new_york_spring_gap_is_asked(self) -> None:
        r = at("tomorrow at 2:30am", now=datetime(2027, 3, 13, 10, tzinfo=NY))
        assert r.status == "ask" and r.reason and "does not exist" in r.reason

    def test_new_york_fall_repeat_is_confirmed(self) -> None:
        r = at("tomorrow at 1:30am", now=datetime(2026, 10, 31, 10, tzinfo=NY))
        assert r.status == "confirm" and r.reason and "twice" in r.reason
        assert utc(r) == "2026-11-01 05:30:00"  # the first 1:30, EDT
        assert [a.strftime("%H:%M") for a in r.alternatives] == ["06:30"]

    def test_london(self) -> None:
        london = ZoneInfo("Europe/London")
        before_end = datetime(2026, 10, 24, 12, tzinfo=london)
        assert utc(at("tomorrow at 3pm", now=before_end, zone=london)) == "2026-10-25 15:00:00"
        assert utc(at("today at 3pm", now=before_end, zone=london)) == "2026-10-24 14:00:00"
        r = at("tomorrow 1:30am", now=before_end, zone=london)
        assert r.status == "confirm" and utc(r) == "2026-10-25 00:30:00"
        before_start = datetime(2027, 3, 27, 12, tzinfo=london)
        assert at("tomorrow 1:30am", now=before_start, zone=london).status == "ask"

    def test_sydney(self) -> None:
        sydney = ZoneInfo("Australia/Sydney")
        before_start = datetime(2026, 10, 3, 9, tzinfo=sydney)
        assert at("tomorrow at 2:30am", now=before_start, zone=sydney).status == "ask"
        r = at("tomorrow at 10am", now=before_start, zone=sydney)
        assert (utc(r), r.local and r.local.tzname()) == ("2026-10-03 23:00:00", "AEDT")
        before_end = datetime(2027, 4, 3, 9, tzinfo=sydney)
        r = at("tomorrow at 10am", now=before_end, zone=sydney)
        assert (utc(r), r.local and r.local.tzname()) == ("2027-04-04 00:00:00", "AEST")
        assert at("tomorrow 2:30am", now=before_end, zone=sydney).status == "confirm"


class TestNoTimeAndNonsense:
    @pytest.mark.parametrize("phrase", ["tomorrow", "next tuesday", "friday afternoon", "12/5"])
    def test_no_time_asks_for_it(self, phrase: str) -> None:
        r = at(phrase)
        assert r.status == "ask" and r.reason and "What time" in r.reason

    @pytest.mark.parametrize("phrase", ["", "   ", "asdfgh", "call me", "asap", "$1,800"])
    def test_no_time_at_all_is_rejected_with_a_hint(self, phrase: str) -> None:
        r = at(phrase)
        assert r.status == "reject" and r.reason and "like" in r.reason


def test_custom_tour_hours() -> None:
    r = at("tomorrow at 7:30pm", tour_hours=(time(9), time(17)))
    assert r.status == "confirm"
    assert at("tomorrow at 8:30am", tour_hours=(time(8), time(17))).status == "ok"


def test_naive_now_is_read_in_the_tour_zone() -> None:
    r = resolve_time("3pm", zone="America/Chicago", now=datetime(2026, 11, 25, 10))
    assert r.local is not None and r.local.isoformat() == "2026-11-25T15:00:00-06:00"
