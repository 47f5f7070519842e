"""Console scripts: what a person would type, one line each, played by `tourbot console --script`.

The transcript shows each line after the prompt the person would have seen (`#leasing-team> ` in
the channel, the form's title while a form is open), then what Tourbot did. A line is one of:

    # a comment (a line starting with #); blank lines are skipped too
    /tour Jane Doe jane@example.com tomorrow at 3pm    a slash command, as typed in Slack
    > Tour time = fri 2pm        fill a field of the open form, by its label (or block id);
                                 a field that updates the form as you type shows the update
    > Community = maple          a search field: picks the one option matching the words
    > Notes =                    clear a field
    submit                       press the form's submit button ("Book tour", "Book at this time")
    cancel                       close the form on top ("Cancel", "Back"); `back` and `close` too
    click Edit and retry         press a button in a message: the latest with that label,
    click 2                      or the one numbered [2] in the transcript
    wait 5                       let Tourbot's background work arrive (until it is idle, at most
                                 5 s; `wait` alone: 10 s)
    fault 400:Not accepting tours    make Propexo misbehave from now on (bot.offline.console.faults)
    reply Friday works           answer in the thread Tourbot posted in last
    @Tourbot book Jane for friday at 2    anything else is a message to Tourbot in the channel

A line that cannot be done (a field the form does not have, `submit` with no form open) stops
the script with a sentence saying why, and the exit status is 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.offline.console.errors import ConsoleError


@dataclass(frozen=True)
class ScriptLine:
    number: int
    text: str


def read_script(path: Path) -> list[ScriptLine]:
    """The lines to play, without comments and blank lines."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConsoleError(f"There is no script at {path}.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConsoleError(f"The script at {path} cannot be read: {exc}.") from None
    return parse_script(text)


def parse_script(text: str) -> list[ScriptLine]:
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line and not line.startswith("#"):
            lines.append(ScriptLine(number, line))
    return lines
