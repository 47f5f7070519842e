"""The `tourbot` command line: one subcommand per job, each implemented in its own module.

Only the chosen subcommand's module is imported, so `tourbot parse-time` starts without loading
the simulator's web server or Slack.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

__all__ = ["COMMANDS", "build_parser", "main"]

# name: (module with add_parser(commands), one line of help)
COMMANDS = {
    "parse-time": ("bot.cli.parse_time", "resolve a typed tour time to UTC"),
    "book": ("bot.cli.book", "check or submit a booking from free text or flags"),
    "read": ("bot.cli.read", "show what the reader finds in a message (no settings, no network)"),
    "serve": ("bot.cli.serve", "run the Slack app over HTTP on $PORT"),
    "socket": ("bot.cli.socket", "run the Slack app over Socket Mode"),
    "worker": ("bot.cli.worker", "deliver bookings only, beside servers with RUN_WORKER=false"),
    "propexo-sim": ("bot.offline.propexo", "run the local Propexo simulator"),
    "console": ("bot.cli.console", "use the whole bot offline, in this terminal"),
}


def build_parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tourbot", description="Book apartment tours in EliseAI without leaving Slack."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = next((arg for arg in argv if not arg.startswith("-")), None)
    if chosen in COMMANDS:
        importlib.import_module(COMMANDS[chosen][0]).add_parser(commands)
    for name, (_, help_text) in COMMANDS.items():
        if name not in commands.choices:  # listed for --help, loaded only when chosen
            commands.add_parser(name, help=help_text)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(argv).parse_args(argv)
    try:
        status: int = args.run(args)
        sys.stdout.flush()
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of our output has gone ("tourbot read … | head"): nothing left to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    return status
