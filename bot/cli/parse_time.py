"""`tourbot parse-time`: the time resolver on the command line (contract in time-policy.md)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.time.resolve import resolve_time


def zone_arg(value: str) -> ZoneInfo:
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise argparse.ArgumentTypeError(
            f"unknown time zone {value!r}; use an IANA name like America/New_York"
        ) from None


def now_arg(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not an ISO 8601 time; use one like 2026-11-25T10:00:00-05:00"
        ) from None


def add_time_options(parser: argparse.ArgumentParser, *, tz_required: bool) -> None:
    """--tz, --now and --date-order, shared with `tourbot book`."""
    parser.add_argument(
        "--tz",
        type=zone_arg,
        required=tz_required,
        metavar="ZONE",
        help="the tour's time zone (IANA name), e.g. America/New_York",
    )
    parser.add_argument(
        "--now",
        type=now_arg,
        metavar="ISO-8601",
        help="the moment the words are said (default: now); without an offset, in --tz",
    )
    parser.add_argument("--date-order", choices=("MDY", "DMY"), default="MDY")


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "parse-time",
        help="resolve a typed tour time to UTC",
        description="Resolve a tour time in words. With TEXT, prints one JSON object; without "
        "it, reads one phrase a line from standard input and prints one JSON object a line.",
    )
    parser.add_argument("text", nargs="?", metavar="TEXT")
    add_time_options(parser, tz_required=True)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    def answer(phrase: str) -> dict[str, Any]:
        return resolve_time(
            phrase, zone=args.tz, now=args.now, date_order=args.date_order
        ).as_json()

    if args.text is not None:
        print(json.dumps(answer(args.text), ensure_ascii=False))
        return 0
    out = sys.stdout
    for line in sys.stdin:
        out.write(json.dumps(answer(line.rstrip("\r\n")), ensure_ascii=False) + "\n")
    out.flush()
    return 0
