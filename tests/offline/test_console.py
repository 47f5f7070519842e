"""`tourbot console` through its own entry point: scripted sessions (and one typed at a pipe)
against the real bot, the Slack stand-in and the Propexo simulator, asserting on transcripts."""

from __future__ import annotations

import io
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.cli import main
from bot.offline.console.io import Output
from bot.offline.console.screen import Screen
from bot.offline.propexo import SimulatorServer
from bot.offline.slack import SlackStandIn
from tests.harness import running_bot

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo.tour"
CONVERSATION = ROOT / "examples" / "conversation.tour"
ZONE = "America/New_York"


@pytest.fixture(autouse=True)
def offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No .env and no DATABASE_URL from the machine running the tests."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)


def play(
    script: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str]:
    path = tmp_path / "session.tour"
    path.write_text(script, encoding="utf-8")
    status = main(["console", "--script", str(path), "--tz", ZONE, *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, out


def played_through_the_entry_point(script: Path, *args: str) -> str:
    """`python -m bot console --script SCRIPT`, as the README runs it; its transcript."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--script", str(script), "--tz", ZONE, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == ""
    return done.stdout


def typed_at_a_pipe(
    typed: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> str:
    """The console reading `typed` from a pipe (`printf … | tourbot console`); its transcript,
    once it has left cleanly."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(typed) + "\n"))
    status = main(["console", "--tz", ZONE])
    out, err = capsys.readouterr()
    assert (status, err) == (0, "")
    return out


def in_order(transcript: str, *parts: str) -> None:
    at = 0
    for part in parts:
        found = transcript.find(part, at)
        assert found >= 0, f"{part!r} missing (after position {at}) in:\n{transcript}"
        at = found + len(part)


# -- the demo, as the README shows it -----------------------------------------------------------


def test_the_demo_books_a_tour_through_the_form() -> None:
    out = played_through_the_entry_point(DEMO)
    in_order(
        out,
        "your time zone is America/New_York",
        "#leasing-team> /tour Jane Doe jane@example.com 555-201-7788 tomorrow at 3pm",
        "┌ Book a tour",
        "│ Existing prospect       —",
        "│ Email                   jane@example.com",
        "│ Tour type               Self-guided",
        "│ Minimum rent ($/month)  1800",
        "│ Maximum rent ($/month)  2200",
        "└ [Book tour]  [Cancel]",
        "Book a tour> > Tour time = tomorrow at 10:30am",
        "10:30 AM",
        "Book a tour> > Community = maple",
        "  Community: Maple Court Apartments",
        "Book a tour> submit",
        "The form has problems:",
        "⚠️ Email must look like name@example.com",
        "Book a tour> submit",
        "Submitted “Book a tour”; the form closed.",
        "#leasing-team · Tourbot",
        "│ Tour for Jane Doe · ",
        ": 📤 Submitted to EliseAI (Propexo job job_",
        ": ✅ Confirmed in EliseAI.",
    )
    assert re.search(r"📅 \w{3}, \w{3} \d+, 10:30 AM E[SD]T in your time zone · 1[45]:30 UTC", out)


# -- the form -----------------------------------------------------------------------------------


def test_a_validation_error_then_a_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = play(
        """
        # Nobody named: the form says so under the fields, and nothing is sent.
        /tour tomorrow at 3pm
        submit
        > First name = Ana
        > Phone = 12
        submit
        > Phone = 202 555 0179
        submit
        """,
        tmp_path,
        capsys,
    )
    assert status == 0
    in_order(
        out,
        "Book a tour> submit",
        "The form has problems:",
        "  First name: —",
        "    ⚠️ Add a first name for a new prospect, or pick an existing one",
        "  Email: —",
        "    ⚠️ Add an email or a phone for a new prospect",
        "Book a tour> > Phone = 12",
        "Book a tour> submit",
        "  Phone: 12",
        "    ⚠️ Phone must be a number like +1 555 201 7788",
        "Book a tour> > Phone = 202 555 0179",
        "Submitted “Book a tour”; the form closed.",
        "│ Tour for Ana · ",
        "✅ Confirmed in EliseAI.",
    )
    assert out.count("Submitted to EliseAI") == 1


def test_several_bedroom_sizes_are_read_shown_and_picked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = play(
        """
        /tour Ana Ruiz ana@example.com tomorrow at 3pm, 2 or 3 bedrooms
        > Bedrooms = studio or 1
        > Bedrooms = 1-3
        submit
        """,
        tmp_path,
        capsys,
    )
    assert status == 0
    in_order(
        out,
        "│ Bedrooms                2 bedrooms, 3 bedrooms",
        "Book a tour> > Bedrooms = studio or 1",
        "  Bedrooms: Studio, 1 bedroom",
        "  Bedrooms: 1 bedroom, 2 bedrooms, 3 bedrooms",
        "Submitted “Book a tour”; the form closed.",
        "✅ Confirmed in EliseAI.",
    )


def test_a_time_to_confirm_is_confirmed_in_a_pushed_view(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = play(
        "/tour Jane Doe jane@example.com tomorrow at 9:30pm\nsubmit\nsubmit\n", tmp_path, capsys
    )
    assert status == 0
    in_order(
        out,
        "9:30 PM is outside tour hours",
        "Book a tour> submit",
        "┌ Confirm the time",
        "│ Tour for Jane Doe · ",
        "└ [Book at this time]  [Back]",
        "Confirm the time> submit",
        "Submitted “Confirm the time”; the form closed.",
        "✅ Confirmed in EliseAI.",
    )


def test_a_pushed_views_buttons_are_pressed_by_their_labels(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = play(
        """
        /tour Jane Doe jane@example.com next friday at 1pm self-guided
        submit
        click Back
        submit
        Email
        Book at this time
        """,
        tmp_path,
        capsys,
        "--now",
        "2026-11-25T10:00",
    )
    in_order(
        out,
        "└ [Book at this time]  [Back]",
        "Type submit to press “Book at this time”, back to press “Back”.",
        "Confirm the time> click Back",
        "Closed “Confirm the time”.",
        "┌ Book a tour",
        "Book a tour> submit",
        "┌ Confirm the time",
        "Confirm the time> Email",
        "“Confirm the time” has no fields to fill. Type submit to press “Book at this time”, "
        "back to press “Back”.",
    )
    assert status == 1  # a script stops at the line it cannot do
    status, out = play(
        "/tour Jane Doe jane@example.com next friday at 1pm\nsubmit\nclick Book at this time\n",
        tmp_path,
        capsys,
        "--now",
        "2026-11-25T10:00",
    )
    assert status == 0, out
    in_order(
        out,
        "Confirm the time> click Book at this time",
        "Submitted “Confirm the time”; the form closed.",
        "✅ Confirmed in EliseAI.",
    )


def test_the_first_request_finds_the_community_it_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The first line comes before the community list could have been read at start.
    status, out = play(
        "/tour Jane Doe jane@example.com tomorrow at 3pm at maple\ncancel\n", tmp_path, capsys
    )
    assert status == 0
    in_order(out, "│ Community               Maple Court Apartments", "│ Notes                   —")


def test_times_are_read_and_shown_in_the_persons_zone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = play(
        "/tour Jane Doe jane@example.com tomorrow at 3pm\ncancel\n",
        tmp_path,
        capsys,
        "--tz",
        "America/Los_Angeles",
    )
    assert status == 0
    assert "your time zone is America/Los_Angeles" in out
    assert re.search(r"3:00 PM P[SD]T in your time zone · 2[23]:00 UTC", out)
    assert "Closed “Book a tour”; nothing was submitted." in out


# -- Propexo failing ------------------------------------------------------------------------------


def test_a_propexo_refusal_in_the_thread_then_edit_and_retry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = play(
        """
        /tour Jane Doe jane@example.com tomorrow at 3pm
        submit
        click Edit and retry
        > Tour time = tomorrow at 4pm
        submit
        """,
        tmp_path,
        capsys,
        "--propexo-fault",
        "400:Community is not accepting tours",
    )
    assert status == 0
    in_order(
        out,
        "Propexo fault: Propexo answers the next request to book a tour with HTTP 400 "
        "“Community is not accepting tours”.",
        "Submitted “Book a tour”; the form closed.",
        "│ ❌ Not booked · requested by @maria",
        "⛔ Propexo refused this booking, so nothing was booked.",
        "• Community is not accepting tours",
        "[1] Edit and retry",
        "#leasing-team> click Edit and retry",
        "┌ Book a tour",
        "│ Email                   jane@example.com",
        "Book a tour> > Tour time = tomorrow at 4pm",
        "4:00 PM",
        "Submitted “Book a tour”; the form closed.",
        "· updated",
        "• Community is not accepting tours",
        "🔁 Edited and sent again by @maria: see below.",  # its button gone
        "✅ Confirmed in EliseAI.",
    )
    assert out.count("Edit and retry") == 2  # the button, and the click on it


def test_a_failed_write_injected_from_the_script(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = play(
        """
        fault write-failure:Prospect is on the do-not-contact list
        /tour Jane Doe jane@example.com tomorrow at 3pm
        submit
        """,
        tmp_path,
        capsys,
    )
    assert status == 0
    in_order(
        out,
        "#leasing-team> fault write-failure:Prospect is on the do-not-contact list",
        "From now on, EliseAI fails to write the next tour Propexo accepts",
        "📤 Submitted to EliseAI",
        "❌ EliseAI did not book this tour.",
        "• Prospect is on the do-not-contact list",
        "Edit and retry",
    )


# -- messages to the bot --------------------------------------------------------------------------


def test_a_conversation_books_a_tour_without_the_form() -> None:
    out = played_through_the_entry_point(CONVERSATION, "--now", "2026-11-25T10:00")
    in_order(
        out,
        "#leasing-team> @Tourbot book Jane Doe friday at 2pm, 2br under 2k",
        "Let's book this tour. So far I have:",
        "Prospect: Jane Doe",
        "What is Jane’s email or phone number?",
        "#leasing-team> reply jane@example.com",
        "[1] Book   [2] Edit in form   [3] Cancel",  # a community is optional, as in the form
        "#leasing-team> reply the maple one",
        "Added the community: Maple Court Apartments.",
        "Community: Maple Court Apartments",
        "Budget: up to $2,000",
        "[4] Book   [5] Edit in form   [6] Cancel",
        "#leasing-team> reply make it 4pm instead",
        "Changed the tour time to Fri, Nov 27, 4:00 PM EST.",
        "Tour time: Fri, Nov 27, 4:00 PM EST",
        "Changed the last name to Dough. Added to the notes: Roommate: Tasha, tasha.b@example.com.",
        "#leasing-team> click Book",
        "Booked: see below.",
        "Tour for Jane Dough · Fri, Nov 27, 4:00 PM EST",
        "Submitted to EliseAI",
        "Confirmed in EliseAI.",
        "#leasing-team> reply actually cancel that",
        "Propexo has no way to cancel or move an EliseAI appointment",
    )
    assert "Confirmed in EliseAI" in out.split("Tour for Jane Dough · Fri, Nov 27")[1]


def test_a_message_that_does_not_mention_the_bot_gets_a_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = play("book Jane for friday at 2\n", tmp_path, capsys)
    assert status == 0
    assert "Tourbot answers messages that mention it" in out


# -- typed at the keyboard ----------------------------------------------------------------------


def test_a_person_fills_the_form_field_by_field(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    typed = [
        "/tour Jane Doe jane@example.com tomorrow at 3pm",
        "",  # Community: kept empty
        "",  # Prospect
        "",  # First name: Jane kept
        "-",  # Last name: cleared
        "",  # Email
        "",  # Phone
        "tomorrow at 2pm",  # Tour time: the preview follows
        ".",  # the rest as they are
        "submit",
        "quit",
    ]
    out = typed_at_a_pipe(typed, monkeypatch, capsys)
    in_order(
        out,
        "Fill in the form: Enter keeps a value, - clears it",
        "  Community [—] (type to search): ",
        "  First name [Jane]: ",
        "  Last name [Doe]: -",
        "  Tour time [tomorrow at 3pm]: tomorrow at 2pm",
        "2:00 PM",
        "Type submit to press “Book tour”, cancel to close the form",
        "Book a tour> submit",
        "│ Tour for Jane · ",
        "✅ Confirmed in EliseAI.",
        "#leasing-team> quit",
    )


def test_a_question_mark_lists_the_communities_to_pick_from(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    typed = [
        "/tour Jane Doe jane@example.com tomorrow at 3pm",
        "?",  # Community: its choices
        "2",  # picked by its number
        "?",  # Existing prospect: a search, not a list
        "cancel",
        "quit",
    ]
    out = typed_at_a_pipe(typed, monkeypatch, capsys)
    in_order(
        out,
        "  Community [—] (type to search): ?",
        "  Community: one of these, by number or by enough of its name:",
        "    1. Cedar Ridge Townhomes",  # by name
        "    2. Harbor View Residences",
        "    4. Maple Court Apartments",
        "  Community [—] (type to search): 2",
        "  Community: Harbor View Residences",
        "  Existing prospect [—] (type to search): ?",
        "  Existing prospect: type at least 2 characters",
    )
    assert "type part of a name" not in out


def test_quit_leaves_from_a_field_prompt(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    typed = ["/tour Jane Doe jane@example.com tomorrow at 3pm", "quit", "submit"]
    out = typed_at_a_pipe(typed, monkeypatch, capsys)
    assert out.rstrip().endswith("Community [—] (type to search): quit")
    assert "Book a tour> submit" not in out


def test_submit_and_cancel_work_from_a_field_prompt(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    typed = [
        "/tour Jane Doe jane@example.com tomorrow at 3pm",
        "cancel",  # at the first field's prompt: closes the form, is no community's name
        "/tour Jane Doe jane@example.com tomorrow at 3pm",
        "",  # Community: kept empty
        "submit",  # at the Existing prospect prompt
        "quit",
    ]
    out = typed_at_a_pipe(typed, monkeypatch, capsys)
    in_order(
        out,
        "  Community [—] (type to search): cancel",
        "Closed “Book a tour”; nothing was submitted.",
        "  Existing prospect [—] (type to search): submit",
        "Submitted “Book a tour”; the form closed.",
        "✅ Confirmed in EliseAI.",
    )
    assert "Nothing matches" not in out


def test_a_button_taken_off_its_message_cannot_be_pressed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = (
        "@Tourbot book Jane Doe jane@example.com friday at 2pm\n"
        "reply the maple one\n"
        "reply make it 4pm instead\n"
        "click 1\n"  # the first summary's Book: replaced by the second summary
    )
    status, out = play(script, tmp_path, capsys, "--now", "2026-11-25T10:00")
    assert status == 1
    assert "The “Book” button is gone: Tourbot changed that message since." in out
    assert "Submitted to EliseAI" not in out


def test_now_starts_the_clock_for_the_words_and_for_the_messages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = "@Tourbot book Jane Doe jane@example.com friday at 2pm\n"
    status, out = play(script, tmp_path, capsys, "--now", "2026-11-25T10:00")
    assert status == 0
    in_order(out, "Maria Lopez, 10:00 AM", "Tourbot, 10:00 AM", "Fri, Nov 27, 2:00 PM EST")


def test_a_now_that_is_not_a_time_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["console", "--now", "next week"])
    assert exited.value.code == 2
    assert "'next week' is not an ISO 8601 time" in capsys.readouterr().err


# -- mistakes are sentences -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--tz", "Mars/Olympus"], "“Mars/Olympus” is not a time zone this machine knows"),
        (["--propexo-fault", "418"], "the status must be 400, 429 or a 5xx code"),
        (["--propexo-fault", "slow"], "“slow” is not a Propexo fault"),
        (["--script", "missing.tour"], "There is no script at missing.tour."),
    ],
)
def test_bad_arguments_are_one_sentence(
    args: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["console", *args]) == 2
    out, err = capsys.readouterr()
    assert says in err and "Traceback" not in err and out == ""


def test_bad_settings_are_named_before_anything_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DEFAULT_TIMEZONE", "Mars/Base")
    monkeypatch.setenv("TOUR_HOURS", "all day")
    (tmp_path / "session.tour").write_text("/tour\n", encoding="utf-8")
    assert main(["console", "--script", str(tmp_path / "session.tour")]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    assert err.splitlines() == [
        "Tourbot cannot start; fix its settings:",
        "  - DEFAULT_TIMEZONE must be a time zone name like America/New_York, not 'Mars/Base'",
        "  - TOUR_HOURS must look like 08:00-20:00",
    ]


def test_a_database_that_cannot_be_opened_is_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'no such folder' / 'tourbot.db'}"
    (tmp_path / "session.tour").write_text("/tour\n", encoding="utf-8")
    assert main(["console", "--script", str(tmp_path / "session.tour"), "--database-url", url]) == 2
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert err.strip() == (
        f"Tourbot cannot open its database at sqlite:///{tmp_path / 'no such folder'}/tourbot.db "
        "(its folder does not exist or cannot be written). Check --database-url."
    )
    assert main(["console", "--database-url", "nonsense"]) == 2
    assert "  - --database-url is not a database URL" in capsys.readouterr().err


def test_bookings_stay_out_of_database_url_unless_the_flag_names_a_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A real deployment's database, from the environment and from .env: a `tourbot worker`
    # there would send what lands in it to the real Propexo.
    real = tmp_path / "real.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{real}")
    (tmp_path / ".env").write_text(f"DATABASE_URL=sqlite:///{real}\n", encoding="utf-8")
    script = "/tour Jane Doe jane@example.com tomorrow at 3pm\nsubmit\n"
    status, out = play(script, tmp_path, capsys)
    assert status == 0 and "✅ Confirmed in EliseAI." in out
    assert "Bookings are kept in a temporary database, deleted when you leave." in out
    assert not real.exists()

    kept = tmp_path / "kept.db"
    status, out = play(script, tmp_path, capsys, "--database-url", f"sqlite:///{kept}")
    assert status == 0 and "Bookings are stored in the database given by --database-url." in out
    with sqlite3.connect(kept) as db:
        assert db.execute("select count(*) from bookings").fetchone() == (1,)
    assert not real.exists()


@pytest.mark.parametrize(
    ("script", "says"),
    [
        ("submit\n", "line 1 of session.tour: No form is open; /tour opens one."),
        ("/tour\n> Shoe size = 9\n", "line 2 of session.tour: This form has no field “Shoe size”"),
        ("/tour\n/tour\n", "“Book a tour” is open: submit it or cancel it first"),
        ("click 3\n", "There is no button [3] in the transcript."),
        ("/remind me\n", "Tourbot has one slash command, /tour"),
    ],
)
def test_a_script_line_that_cannot_be_done_stops_the_script(
    script: str, says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = play(script, tmp_path, capsys)
    assert status == 1
    assert says in out


async def test_the_console_waits_for_a_request_still_being_worked_on(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> None:
    """A /tour whose form waits for the first community list makes no Slack call for a while
    after its ack; the console must not take that quiet for the end, or the script's next line
    ("submit") finds no form open."""
    propexo_sim.add_fault("GET /crm/v1/communities/", "latency", seconds=0.6)
    async with running_bot(slack, propexo_sim, tmp_path / "t.db") as bot:
        screen = Screen(bot, Output(lambda line: None), zone=ZoneInfo(ZONE))
        response = await bot.agent.command("Jane Doe jane@example.com tomorrow at 3pm at maple")
        assert response.status_code == 200
        assert await screen.settle(5.0)
        assert bot.slack.calls_to("views.open"), "the console called it done before the form"
