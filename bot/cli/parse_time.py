"""`tourbot parse-time`: the time resolver on the command line: one JSON object a phrase.

Times are read in --tz when given, else in DEFAULT_TIMEZONE (America/New_York unless set), the
same rule as `tourbot book`."""

from __future__ import annotations

import argparse
import json
import os
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
        help="the zone the words are read in (IANA name), e.g. America/Chicago; default: "
        "DEFAULT_TIMEZONE, else America/New_York",
    )
    parser.add_argument(
        "--now",
        type=now_arg,
        metavar="ISO-8601",
        help="the moment the words are said (default: now); without an offset, in --tz",
    )
    parser.add_argument(
        "--date-order",
        choices=("MDY", "DMY"),
        default="MDY",
        help="how numeric dates are read: MDY (5/12 is May 12, the default) or DMY (12 May)",
    )


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "parse-time",
        help="resolve a typed tour time to UTC",
        description="Resolve a tour time in words. With TEXT, prints one JSON object; without "
        "it, reads one phrase a line from standard input and prints one JSON object a line.",
    )
    parser.add_argument("text", nargs="?", metavar="TEXT")
    add_time_options(parser, tz_required=False)
    parser.set_defaults(run=run)


def default_zone() -> ZoneInfo:
    """DEFAULT_TIMEZONE, the zone Tourbot falls back on, else America/New_York."""
    return zone_arg(os.environ.get("DEFAULT_TIMEZONE", "").strip() or "America/New_York")


def run(args: argparse.Namespace) -> int:
    try:
        zone = args.tz or default_zone()
    except argparse.ArgumentTypeError as exc:
        print(f"DEFAULT_TIMEZONE: {exc}", file=sys.stderr)
        return 2

    def answer(phrase: str) -> dict[str, Any]:
        return resolve_time(phrase, zone=zone, now=args.now, date_order=args.date_order).as_json()

    if args.text is not None:
        print(json.dumps(answer(args.text), ensure_ascii=False))
        return 0
    out = sys.stdout
    for line in sys.stdin:
        out.write(json.dumps(answer(line.rstrip("\r\n")), ensure_ascii=False) + "\n")
    out.flush()
    return 0
