"""The README's examples are what the commands print: every `$ …` command in an indented block
is run in a shell, and what follows it in the README must be its output (job ids aside)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
JOB_ID = re.compile(r"job_[0-9a-f]{24}")
CONVERSATION_END = "#leasing-team> reply make it 4pm instead"
CONVERSATION = (
    "tourbot console --script examples/conversation.tour --tz America/New_York "
    "--now 2026-11-25T10:00"
)


@dataclass
class Example:
    command: str
    line: int  # in the README, for the failure message
    shown: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)


def blocks(text: str) -> list[list[tuple[int, str]]]:
    """Indented blocks (4 spaces), as (line number, dedented line) pairs."""
    found: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    previous = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("    ") and (current or not previous.strip()):
            current.append((number, line[4:]))
        elif not line.strip() and current:
            current.append((number, ""))
        else:
            if current:
                found.append(current)
            current = []
        previous = line
    if current:
        found.append(current)
    return found


def examples() -> list[Example]:
    found: list[Example] = []
    for block in blocks(README.read_text(encoding="utf-8")):
        env: dict[str, str] = {}
        example: Example | None = None
        for number, line in block:
            if line.startswith("$ export "):
                name, _, value = line.removeprefix("$ export ").partition("=")
                env[name] = value
            elif line.startswith("$ "):
                example = Example(line.removeprefix("$ "), number, env=dict(env))
                found.append(example)
            elif example is not None:
                example.shown.append(line)
    return found


def run(command: str, env: dict[str, str]) -> str:
    """The command in bash at the project's root, with this environment's `tourbot` first on
    PATH and no settings from the machine running the tests."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PROPEXO_", "SLACK_", "DATABASE_URL"))
    }
    clean["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{clean.get('PATH', '')}"
    done = subprocess.run(
        ["bash", "-c", f"{command} 2>&1"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in done.stdout + done.stderr
    return done.stdout


def masked(text: str) -> str:
    return JOB_ID.sub("job_…", text).rstrip("\n")


def test_the_readme_shows_its_examples() -> None:
    commands = [example.command.split()[:2] for example in examples()]
    assert ["tourbot", "console"] in commands and ["tourbot", "book"] in commands
    assert any("parse-time" in example.command for example in examples())


@pytest.mark.parametrize("example", examples(), ids=lambda e: f"README line {e.line}")
def test_a_readme_example_prints_what_the_readme_shows(example: Example) -> None:
    shown = "\n".join(example.shown).rstrip("\n")
    assert masked(run(example.command, example.env)) == masked(shown)


def test_the_readme_conversation_is_the_end_of_what_the_console_prints() -> None:
    text = README.read_text(encoding="utf-8")
    assert CONVERSATION in " ".join(text.split()), "the README names the command it shows"
    [block] = [b for b in blocks(text) if b[0][1] == CONVERSATION_END]
    shown = "\n".join(line for _, line in block).rstrip("\n")
    printed = masked(run(CONVERSATION, {}))
    assert printed.endswith(masked(shown)), printed
