"""Benchmark of the free-text reader: per-message latency over the development messages, cost of
the longest message Slack sends (40,000 characters) built of real messages and of single shapes,
and the first call in a fresh process.

Run: python bench/reader.py  (about 20 s). Prints Markdown tables for the README.
"""

from __future__ import annotations

import gc
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = ROOT.parent / "shared" / "understand-dev" / "messages.yaml"
OWN = ROOT / "tests" / "data" / "understand-messages.yaml"
LONGEST = 40_000
COMMUNITIES = [("cmty_maple", "Maple Court Apartments"), ("cmty_river", "Riverside Lofts")]
PAGES = {
    "one letter": "a",
    "digits": "7",
    "spaces": " ",
    "separators": "/ ",
    "emails": "a@b.co ",
    "phone numbers": "555-201-7788 ",
    "labelled lines": "Name: Jane\nPhone: 555-201-7788\n",
    "time words": "tomorrow at 3pm. ",
    "quoted reply": "> On Mon, Nov 23 at 6:40 PM Pat wrote:\n",
    "spelled letters": "C-O-L-M ",
}


def texts(path: Path) -> list[str]:
    """The messages of a development file (a list) or of the reader's own table."""
    loaded = yaml.safe_load(path.read_text())
    items = loaded["messages"] if isinstance(loaded, dict) else loaded
    return [item["text"] for item in items if "text" in item]


def timed(read: object, text: str) -> float:
    start = time.perf_counter()
    read(text, communities=COMMUNITIES)  # type: ignore[operator]
    return (time.perf_counter() - start) * 1000


def main() -> None:
    from bot.understand import read_request

    if not MESSAGES.exists():
        sys.exit(f"no development messages: {MESSAGES} is missing")
    sets = {"development messages": texts(MESSAGES), "the reader's own table": texts(OWN)}
    print("Per message, each read 5 times (after one read to warm up):\n")
    print("| messages | count | median | p90 | p99 | max |\n|---|---|---|---|---|---|")
    for name, messages in sets.items():
        for text in messages:  # warm: patterns compiled, vocabularies built
            read_request(text, communities=COMMUNITIES)
        gc.disable()
        runs = sorted(timed(read_request, text) for _ in range(5) for text in messages)
        gc.enable()
        print(
            f"| {name} | {len(messages)} | {statistics.median(runs):.2f} ms "
            f"| {runs[int(len(runs) * 0.9)]:.2f} ms | {runs[int(len(runs) * 0.99)]:.2f} ms "
            f"| {runs[-1]:.2f} ms |"
        )
    messages = sets["development messages"]

    joined = ""
    for text in messages * 40:
        if len(joined) + len(text) + 2 > LONGEST:
            break
        joined += text + "\n\n"
    longest = {"real messages, one after another": joined}
    for kind, unit in PAGES.items():
        longest[f"a page of {kind}"] = (unit * LONGEST)[:LONGEST]
    print(f"\nA {LONGEST:,}-character message (best of 3):\n")
    print("| made of | time |\n|---|---|")
    for kind, text in longest.items():
        best = min(timed(read_request, text) for _ in range(3))
        print(f"| {kind} | {best:.0f} ms |")

    code = (
        "import time; s = time.perf_counter(); from bot.understand import read_request; "
        "i = time.perf_counter(); read_request('Jane Doe jane@example.com tomorrow at 3pm'); "
        "e = time.perf_counter(); print(f'{(i - s) * 1000:.0f} {(e - i) * 1000:.0f}')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    imported, first = out.stdout.split()
    print(f"\nIn a fresh process: import {imported} ms, first message {first} ms.")


if __name__ == "__main__":
    main()
