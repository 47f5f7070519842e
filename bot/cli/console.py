"""`tourbot console`: the whole bot offline, in this terminal (its parts: `bot.offline.console`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.parse_time import now_arg
from bot.offline.console import run
from bot.offline.console.faults import SPEC_HELP


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "console",
        help="use the whole bot offline, in this terminal",
        description="Use Tourbot offline: type /tour as in Slack, fill the form at prompts, and "
        "read the channel's threads here. The real app runs against a Slack stand-in and the "
        "Propexo simulator; nothing leaves 127.0.0.1 and no Slack app or Propexo key is needed.",
        epilog=f"Propexo faults: {SPEC_HELP}. Exit status: 0 done, 1 a script line could not "
        "be done, 2 usage or settings.",
    )
    parser.add_argument(
        "--script",
        type=Path,
        metavar="FILE",
        help="play this script instead of reading the keyboard, and print the transcript",
    )
    parser.add_argument(
        "--tz", metavar="ZONE", help="your time zone (default: this system's, else New York)"
    )
    parser.add_argument(
        "--propexo-fault",
        action="append",
        default=[],
        metavar="SPEC",
        help="make Propexo misbehave, e.g. 400:Community is not accepting tours, 429, 503x2, "
        "timeout, write-failure (repeatable)",
    )
    parser.add_argument(
        "--now",
        type=now_arg,
        metavar="TIME",
        help="start the clock at this ISO time (without an offset, in your zone), so a script "
        "reads “tomorrow” as the same day whenever it is played; it then runs on",
    )
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="keep the bookings in this database (a SQLAlchemy URL); by default a temporary one, "
        "deleted when the console ends. DATABASE_URL is never used here, so simulated bookings "
        "stay out of a database a real worker delivers from",
    )
    parser.add_argument("--log", type=Path, metavar="FILE", help="write the bot's log here")
    parser.set_defaults(run=run)
