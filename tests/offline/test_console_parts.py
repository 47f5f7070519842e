"""The console's parts without the bot: Slack markup as text, the script grammar, fault specs, the
person's time zone and how typed text becomes an input's value."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.offline.console import commands as cmd
from bot.offline.console.errors import ConsoleError
from bot.offline.console.faults import ConsoleFault, parse_fault
from bot.offline.console.form import (
    Field,
    FormState,
    check_typed,
    choose_many,
    choose_static,
    find,
)
from bot.offline.console.render import Buttons, Names, form_lines, message_lines, mrkdwn
from bot.offline.console.script import parse_script
from bot.offline.console.zone import person_zone, system_zone

NEW_YORK = ZoneInfo("America/New_York")
WRITE_ERROR = "Prospect is on the do-not-contact list"
NAMES = Names({"U0AGENT01": "maria"}.get, {"C0LEASING": "leasing-team"}.get, NEW_YORK)


# -- Slack's markup --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("booked by <@U0AGENT01>", "booked by @maria"),
        ("booked by <@U0NOBODY>", "booked by @U0NOBODY"),
        ("in <#C0LEASING> and <#C0OTHER|other>", "in #leasing-team and #other"),
        ("<https://example.com|the docs> or <https://example.com>",
         "the docs (https://example.com) or https://example.com"),
        ("*Tour for Jane* · job `job_1` · _soon_", "Tour for Jane · job job_1 · soon"),
        ("rent_min and 2*3*4", "rent_min and 2*3*4"),
        (":white_check_mark: Confirmed :unknown_emoji:", "✅ Confirmed :unknown_emoji:"),
        ("&lt;b&gt; &amp; co", "<b> & co"),
        ("<!here> <!subteam^S0LEASING|@leasing> <!subteam^S0OTHER>",
         "@here @leasing @S0OTHER"),
    ],
)  # fmt: skip
def test_markup_reads_as_text(markup: str, text: str) -> None:
    assert mrkdwn(markup, NAMES) == text


def test_a_date_is_shown_in_the_readers_zone() -> None:
    moment = int(datetime(2026, 3, 4, 17, 5, tzinfo=UTC).timestamp())
    markup = f"<!date^{moment}^{{date_short}} at {{time}}|a while ago>"
    assert mrkdwn(markup, NAMES) == "Mar 4, 2026 at 12:05 PM"
    assert mrkdwn("<!date^bad^{time}|a while ago>", NAMES) == "a while ago"


def test_buttons_are_numbered_once_and_pressed_by_number_or_label() -> None:
    buttons = Buttons()
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": ":x: Not booked"}},
        {
            "type": "actions",
            "elements": [
                {"type": "button", "text": {"type": "plain_text", "text": "Edit and retry"},
                 "action_id": "edit_and_retry", "value": "bk_1"},
            ],
        },
    ]  # fmt: skip
    lines = message_lines("fallback", blocks, NAMES, buttons, channel="C0LEASING", ts="1.0")
    assert lines == ["❌ Not booked", "[1] Edit and retry"]
    again = message_lines("fallback", blocks, NAMES, buttons, channel="C0LEASING", ts="1.0")
    assert again == lines
    assert buttons.find("1") == buttons.find("edit and retry")
    assert buttons.find("1").value == "bk_1"
    with pytest.raises(ConsoleError, match=r"no button \[2\]"):
        buttons.find("2")


def test_a_form_shows_values_errors_and_what_belongs_to_a_field() -> None:
    view = {
        "title": {"type": "plain_text", "text": "Book a tour"},
        "submit": {"type": "plain_text", "text": "Book tour"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            _input("email", "Email", {"type": "plain_text_input", "initial_value": "jane@"}),
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "A note of its own"}]},
            _input("tour_time", "Tour time", {"type": "plain_text_input"}),
            {"type": "context", "block_id": "tour_time_preview",
             "elements": [{"type": "mrkdwn", "text": ":calendar: Fri 2:00 PM"}]},
        ],
    }  # fmt: skip
    state = FormState()
    state.set("tour_time", "fri 2pm")
    assert form_lines(view, state, {"email": "Email must look like name@example.com"}, NAMES) == [
        "┌ Book a tour",
        "│ Email      jane@",
        "│   ⚠️ Email must look like name@example.com",
        "│ A note of its own",
        "│ Tour time  fri 2pm",
        "│   📅 Fri 2:00 PM",
        "└ [Book tour]  [Cancel]",
    ]


# -- the script grammar ----------------------------------------------------------------------------


def test_a_script_skips_comments_and_blank_lines() -> None:
    lines = parse_script("# a demo\n\n/tour Jane\n   > Email = jane@example.com  \nsubmit\n")
    assert [(line.number, line.text) for line in lines] == [
        (3, "/tour Jane"),
        (4, "> Email = jane@example.com"),
        (5, "submit"),
    ]


@pytest.mark.parametrize(
    ("line", "form_open", "command"),
    [
        ("/tour Jane Doe tomorrow", False, cmd.SlashCommand("Jane Doe tomorrow")),
        ("/TOUR", False, cmd.SlashCommand("")),
        ("> Tour time = fri 2pm", False, cmd.SetField("Tour time", "fri 2pm")),
        ("> Notes =", True, cmd.SetField("Notes", None)),
        ("Email = a = b", True, cmd.SetField("Email", "a = b")),
        ("email", True, cmd.AskField("email")),
        ("submit", True, cmd.Submit()),
        ("Back", True, cmd.CloseForm()),
        ("2", False, cmd.Click("2")),
        ("click Edit and retry", False, cmd.Click("Edit and retry")),
        ("wait", False, cmd.Wait(None)),
        ("wait 2.5", False, cmd.Wait(2.5)),
        ("wait for it", False, cmd.Say("wait for it")),
        ("fault 400:No tours", False, cmd.InjectFault("400:No tours")),
        ("reply Friday works", False, cmd.Reply("Friday works")),
        ("@Tourbot book Jane", False, cmd.Say("@Tourbot book Jane")),
        ("", False, cmd.Nothing()),
        ("quit", True, cmd.Quit()),
    ],
)
def test_lines_mean_commands(line: str, form_open: bool, command: cmd.Command) -> None:
    assert cmd.parse(line, form_open=form_open) == command


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("/remind me", "Tourbot has one slash command, /tour"),
        ("> Email", "Give “Email” a value"),
        ("click", "Say which button"),
        ("fault", "Say which fault"),
    ],
)
def test_lines_that_mean_nothing_say_why(line: str, says: str) -> None:
    with pytest.raises(ConsoleError, match=says):
        cmd.parse(line, form_open=False)


# -- faults ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "fault"),
    [
        ("400", ConsoleFault("status", 1, status=400, text="Community is not accepting tours")),
        ("400:Closed for the holidays", ConsoleFault("status", 1, 400, "Closed for the holidays")),
        ("429", ConsoleFault("status", 1, status=429)),
        ("503x2", ConsoleFault("status", 2, status=503)),
        ("Timeout", ConsoleFault("hang", 1)),
        ("write-failure", ConsoleFault("write_failure", 1, text=WRITE_ERROR)),
        ("write-failure x3: Duplicate", ConsoleFault("write_failure", 3, text="Duplicate")),
    ],
)  # fmt: skip
def test_fault_specs(spec: str, fault: ConsoleFault) -> None:
    assert parse_fault(spec) == fault


@pytest.mark.parametrize("spec", ["418", "slow", "500x0", "x2", ""])
def test_bad_fault_specs_say_what_a_fault_is(spec: str) -> None:
    with pytest.raises(ConsoleError, match=r"fault|status|at least one"):
        parse_fault(spec)


# -- the person's zone -----------------------------------------------------------------------------


def test_the_zone_comes_from_tz_then_the_system(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", ":Europe/Lisbon")
    assert system_zone() == "Europe/Lisbon"
    monkeypatch.setenv("TZ", "/usr/share/zoneinfo/Asia/Tokyo")
    assert system_zone() == "Asia/Tokyo"
    assert person_zone("America/Denver") == "America/Denver"
    with pytest.raises(ConsoleError, match="not a time zone"):
        person_zone("Mars/Olympus")


# -- typed text as Slack sends it ------------------------------------------------------------------


def test_typed_text_becomes_what_each_input_sends() -> None:
    choices = [("SELF_GUIDED", "Self-guided"), ("IN_PERSON", "In person"), ("VIRTUAL", "Virtual")]
    tour_type = _field("tour_type", "Tour type", "static_select", options=choices)
    assert choose_static(tour_type, "2") == ("IN_PERSON", "In person")
    assert choose_static(tour_type, "virtual") == ("VIRTUAL", "Virtual")
    assert choose_static(tour_type, "self") == ("SELF_GUIDED", "Self-guided")
    with pytest.raises(ConsoleError, match="one of: 1 Self-guided, 2 In person, 3 Virtual"):
        choose_static(tour_type, "drive-by")
    rooms = [("0", "Studio"), ("1", "1 bedroom"), ("2", "2 bedrooms"), ("4", "4+ bedrooms")]
    bedrooms = _field("bedrooms", "Bedrooms", "static_select", options=rooms)
    # A number is the count a person means, not the option's place in the list.
    assert choose_static(bedrooms, "2") == ("2", "2 bedrooms")
    assert choose_static(bedrooms, "2br") == ("2", "2 bedrooms")
    assert choose_static(bedrooms, "4+") == ("4", "4+ bedrooms")
    assert choose_static(bedrooms, "studio") == ("0", "Studio")
    with pytest.raises(ConsoleError, match="one of: Studio, 1 bedroom, 2 bedrooms, 4\\+ bedrooms"):
        choose_static(bedrooms, "a loft")
    move_in = _field("move_in_date", "Move-in date", "datepicker")
    assert check_typed(move_in, "2026-12-01") == "2026-12-01"
    with pytest.raises(ConsoleError, match="a date like 2026-12-01"):
        check_typed(move_in, "next month")
    lease = _field("lease_term", "Lease term", "number_input", min_value=1, max_value=60)
    with pytest.raises(ConsoleError, match="between 1 and 60"):
        check_typed(lease, "99")
    with pytest.raises(ConsoleError, match="whole number"):
        check_typed(lease, "a year")
    fields = [tour_type, move_in, lease]
    assert find(fields, "MOVE-IN date") is move_in
    assert find(fields, "lease") is lease
    assert find(fields, "tour_type") is tour_type
    with pytest.raises(ConsoleError, match=r"no field “Pets”\. Its fields: Tour type, Move-in"):
        find(fields, "Pets")


def _input(block_id: str, label: str, element: dict[str, object]) -> dict[str, object]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label},
        "element": {"action_id": block_id, **element},
    }


@pytest.mark.parametrize(
    ("typed", "picked"),
    [
        ("2", ("2", "2 bedrooms")),
        ("2, 3", ("2, 3", "2 bedrooms, 3 bedrooms")),
        ("studio or 1", ("studio, 1", "Studio, 1 bedroom")),
        ("3 and 2", ("3, 2", "3 bedrooms, 2 bedrooms")),
        ("1-3", ("1, 2, 3", "1 bedroom, 2 bedrooms, 3 bedrooms")),
        ("2br, 2", ("2", "2 bedrooms")),
    ],
)
def test_a_multi_select_takes_several_options_in_the_order_typed(
    typed: str, picked: tuple[str, str]
) -> None:
    rooms = [("studio", "Studio"), ("1", "1 bedroom"), ("2", "2 bedrooms"), ("3", "3 bedrooms")]
    bedrooms = _field("bedrooms", "Bedrooms", "multi_static_select", options=rooms)
    assert choose_many(bedrooms, typed) == picked
    state = FormState()
    state.set("bedrooms", *picked)
    assert state.value(bedrooms) == picked[0]
    assert state.shown(bedrooms) == picked[1]


def test_a_multi_select_refuses_what_it_does_not_offer_and_shows_its_initial_options() -> None:
    rooms = [("studio", "Studio"), ("1", "1 bedroom"), ("2", "2 bedrooms")]
    bedrooms = _field("bedrooms", "Bedrooms", "multi_static_select", options=rooms)
    with pytest.raises(ConsoleError, match="one or more of: Studio, 1 bedroom, 2 bedrooms"):
        choose_many(bedrooms, "2 or a loft")
    initial = [{"text": {"type": "plain_text", "text": "Studio"}, "value": "studio"},
        {"text": {"type": "plain_text", "text": "2 bedrooms"}, "value": "2"}]  # fmt: skip
    shown = _field(
        "bedrooms", "Bedrooms", "multi_static_select", options=rooms, initial_options=initial
    )
    assert FormState().value(shown) == "studio, 2"
    assert FormState().shown(shown) == "Studio, 2 bedrooms"


def _field(
    block_id: str,
    label: str,
    kind: str,
    *,
    options: list[tuple[str, str]] | None = None,
    **element: object,
) -> Field:
    if options is not None:
        element["options"] = [
            {"text": {"type": "plain_text", "text": text}, "value": value}
            for value, text in options
        ]
    return Field(block_id, label, kind, {"type": kind, **element}, None, False)
