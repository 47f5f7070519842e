"""The `tourbot` command line: one subcommand per job, each implemented in its own module."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tourbot", description="Book apartment tours in EliseAI without leaving Slack."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    from bot import parse_time_cli

    parse_time_cli.add_parser(commands)

    from bot.propexo import simulator

    simulator.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.run(args)
    except KeyboardInterrupt:
        return 130
    sys.stdout.flush()
    return status
