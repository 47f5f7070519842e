"""`tourbot read` as a person runs it: no settings, no network, one answer per message."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def read(*args: str, stdin: str | None = None, cwd: Path) -> subprocess.CompletedProcess[str]:
    # No PROPEXO_* or SLACK_* settings at all: the reader needs none.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PROPEXO_", "SLACK_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", "read", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env=env,
    )


def test_one_message_gives_each_field_with_its_words(tmp_path: Path) -> None:
    text = "Tour: priya raman | 646-555-0142 | can't do fri, sat 11a works | maple"
    done = read(text, "--community", "cmty_maple=Maple Court Apartments", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    fields = answer["fields"]
    assert fields["first_name"] == {"value": "Priya", "from": "priya"}
    assert fields["phone"]["from"] == "646-555-0142"
    assert fields["tour_time"] == {"value": "sat 11a", "from": "sat 11a"}
    assert fields["community"]["value"] == "cmty_maple"
    assert {"words": "friday", "why": "a time the writer turned down"} in answer["left_out"]


def test_standard_input_is_one_message_a_line(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "text": "Jane Doe jane@example.com tmrw 3pm"}),
        json.dumps("Co-applicant: Sam Doe, sam@example.com\nName: Kim Lee\nPhone: 555-201-7788"),
    ]
    done = read(stdin="\n".join(lines) + "\n", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    first, second = (json.loads(line) for line in done.stdout.splitlines())
    assert first["id"] == "a" and first["fields"]["email"]["value"] == "jane@example.com"
    assert (second["fields"]["first_name"]["value"], second["fields"]["last_name"]["value"]) == (
        "Kim",
        "Lee",
    )
    assert "email" not in second["fields"]  # the co-applicant's address is not Kim's
    assert "another person" in second["left_out"][0]["why"]


def test_a_line_that_is_not_json_is_refused_with_a_sentence(tmp_path: Path) -> None:
    done = read(stdin="Jane Doe tomorrow\n", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("line 1: not JSON") and "Traceback" not in done.stderr
    bad = read("x", "--community", "maple", cwd=tmp_path)
    assert bad.returncode == 2 and "ID=NAME" in bad.stderr


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path) -> None:
    """`tourbot read … | head -1`: the pipe closes before the answer is written, and the
    command ends quietly with the shell's code for it, not a BrokenPipeError traceback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PROPEXO_", "SLACK_"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "read", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=env,
    )
    assert process.stdin and process.stdout and process.stderr
    process.stdout.close()  # gone before a word is written
    # More answers than a pipe holds, so writing one must meet the closed end.
    process.stdin.write(b"Jane Doe jane@example.com tomorrow at 3pm\n" * 400)
    process.stdin.close()
    stderr = process.stderr.read()
    process.wait(timeout=60)
    assert b"Traceback" not in stderr, stderr.decode()
    assert process.returncode == 141
