"""`tourbot read`: what the free-text reader makes of a message, field by field, with the words
each came from and what it saw but left out. No settings, no network."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from bot.understand import Read, read_message


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "read",
        help="show what the reader finds in a message (no settings, no network)",
        description="Read a message as /tour, the message shortcut, a conversation's first "
        "message and `tourbot book` read it: the form's fields, each with the words it came "
        "from, and what was seen but left out, with why. With TEXT, one JSON object; without, "
        'one JSON object a line on standard input ({"text": "…"}, or a JSON string) and one '
        "answer a line.",
    )
    parser.add_argument("text", nargs="?", metavar="TEXT", help="the message")
    parser.add_argument(
        "--community",
        action="append",
        default=[],
        metavar="ID=NAME",
        help="a community the reader may recognise by name (repeatable)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        communities = [_community(spec) for spec in args.community]
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.text is not None:
        print(json.dumps(as_json(read_message(args.text, communities=communities)), indent=2,
                         ensure_ascii=False))  # fmt: skip
        return 0
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            print(f"line {number}: not JSON ({exc.msg}); give one message a line", file=sys.stderr)
            return 2
        text = item.get("text") if isinstance(item, dict) else item
        if not isinstance(text, str):
            print(f'line {number}: give a JSON string or {{"text": "…"}}', file=sys.stderr)
            return 2
        answer = as_json(read_message(text, communities=communities))
        if isinstance(item, dict) and "id" in item:
            answer = {"id": item["id"], **answer}
        print(json.dumps(answer, ensure_ascii=False), flush=True)
    return 0


def as_json(read: Read) -> dict[str, Any]:
    return {
        "fields": {
            key: {"value": value, "from": read.sources.get(key, value)}
            for key, value in read.values.items()
        },
        "left_out": [{"words": seen.words, "why": seen.why} for seen in read.left_out],
    }


def _community(spec: str) -> tuple[str, str]:
    cid, sep, name = spec.partition("=")
    if not sep or not cid.strip() or not name.strip():
        raise ValueError(f"--community {spec!r}: write it as ID=NAME, like cmty_maple=Maple Court")
    return cid.strip(), name.strip()
