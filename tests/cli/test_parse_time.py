"""`tourbot parse-time` keeps its contract: one phrase or one a line, the JSON keys, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

NOW = ["--tz", "America/New_York", "--now", "2026-11-25T10:00:00-05:00"]


def tourbot(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_one_phrase_prints_one_object() -> None:
    done = tourbot("parse-time", "tomorrow at 3pm", *NOW)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "status": "ok",
        "appointment_date": "2026-11-26",
        "appointment_time": "20:00:00",
        "local": "2026-11-26T15:00:00-05:00",
    }


def test_stdin_one_object_a_line_in_order() -> None:
    phrases = ["3pm PT", "tomorrow", "next friday at 1pm", "asdfgh", "", "tmrw 11am"]
    done = tourbot("parse-time", *NOW, stdin="\n".join(phrases) + "\n")
    assert done.returncode == 0, done.stderr
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert [a["status"] for a in answers] == ["ok", "ask", "confirm", "reject", "reject", "ok"]
    assert answers[0]["local"] == "2026-11-25T18:00:00-05:00"
    assert answers[0]["appointment_time"] == "23:00:00"
    assert set(answers[1]) == {"status", "reason"}
    assert set(answers[2]) == {"status", "appointment_date", "appointment_time", "local", "reason"}
    assert answers[5]["appointment_date"] == "2026-11-26"


def test_now_without_offset_is_read_in_the_zone_and_z_is_utc() -> None:
    local = tourbot("parse-time", "3pm", "--tz", "Asia/Kolkata", "--now", "2026-11-25T10:00")
    assert json.loads(local.stdout)["local"] == "2026-11-25T15:00:00+05:30"
    utc = tourbot("parse-time", "3pm", "--tz", "Asia/Kolkata", "--now", "2026-11-25T10:00:00Z")
    # 10:00 UTC is 15:30 in Kolkata, so 3pm today has passed: tomorrow.
    assert json.loads(utc.stdout)["local"] == "2026-11-26T15:00:00+05:30"


def test_date_order() -> None:
    done = tourbot("parse-time", "5/12 at 3pm", *NOW, "--date-order", "DMY")
    assert json.loads(done.stdout)["local"] == "2026-12-05T15:00:00-05:00"


def test_unknown_zone_is_a_usage_error() -> None:
    done = tourbot("parse-time", "3pm", "--tz", "Mars/Olympus")
    assert done.returncode == 2
    assert "Mars/Olympus" in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_a_bad_now_is_a_usage_error() -> None:
    assert tourbot("parse-time", "3pm", "--tz", "UTC", "--now", "yesterday").returncode == 2


def test_without_tz_the_words_are_read_in_the_default_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    now = ("--now", "2026-11-25T10:00:00-05:00")
    monkeypatch.delenv("DEFAULT_TIMEZONE", raising=False)
    new_york = json.loads(tourbot("parse-time", "3pm", *now).stdout)
    assert new_york["local"] == "2026-11-25T15:00:00-05:00"
    monkeypatch.setenv("DEFAULT_TIMEZONE", "America/Chicago")
    chicago = json.loads(tourbot("parse-time", "3pm", *now).stdout)
    assert chicago["local"] == "2026-11-25T15:00:00-06:00"
    monkeypatch.setenv("DEFAULT_TIMEZONE", "Mars/Olympus")
    wrong = tourbot("parse-time", "3pm", *now)
    assert wrong.returncode == 2 and wrong.stderr.startswith("DEFAULT_TIMEZONE: unknown time zone")
