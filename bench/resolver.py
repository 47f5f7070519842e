"""Benchmark of the time resolver: per-phrase latency, cost per KB of long text, first call,
import, a whole `tourbot parse-time` process beside raw `dateparser.parse`, and peak memory.

Run: python bench/resolver.py  (about 30 s). Prints Markdown tables for the README.
"""

from __future__ import annotations

import csv
import itertools
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLES = [
    ROOT / "tests" / "data" / "time-dev-phrases.tsv",
    ROOT / "tests" / "data" / "time-rules.tsv",
]
NOW = "2026-11-25T10:00:00-05:00"

DAYS = [
    "tomorrow", "tmrw", "today", "fri", "next tuesday", "this saturday", "thurs", "monday",
    "12/5", "Dec 3rd", "jan 2nd", "the 3rd", "in 2 days", "next week wednesday", "sunday",
]  # fmt: skip
TIMES = [
    "at 3pm", "10:30am", "@ 4", "around 2", "noon", "3-4pm", "at 11ish", "5:45 pm", "9a",
    "between 2 and 3",
]  # fmt: skip
EXTRAS = ["", "PT", "if that works", "for Jane Doe", "eastern", "please", "- thanks!"]


def phrases() -> list[str]:
    made = [
        " ".join(part for part in (day, clock, extra) if part)
        for day, clock, extra in itertools.product(DAYS, TIMES, EXTRAS)
    ]
    for table in TABLES:
        with table.open() as f:
            rows = csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t")
            made += [row["phrase"] for row in rows]
    return made


# Long texts of each kind, repeated to 1, 10 and 100 KB.
LONG_KINDS = {
    "digits": "7",
    "words": "the prospect would like to see the two bedroom unit ",
    "punctuation": ".,;:!?()-/ ",
    "time words": "tomorrow at 3pm next friday 12/5 quarter past nine EST ",
}


def in_fresh_process(code: str, *args: str, stdin: str = "") -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    result: dict[str, float] = json.loads(out.stdout)
    return result


FIRST_CALL = """
import json, time
t0 = time.perf_counter()
from bot.time.resolve import resolve_time
t1 = time.perf_counter()
resolve_time({phrase!r}, zone="America/New_York")
t2 = time.perf_counter()
print(json.dumps({{"import": t1 - t0, "first": t2 - t1}}))
"""


# Raw dateparser on the same phrases, the way the policy measured it, in a process of its own.
RAW_DATEPARSER = """
import json, sys, time
from datetime import datetime
t0 = time.perf_counter()
import dateparser
phrases = sys.stdin.read().splitlines()
settings = {"PREFER_DATES_FROM": "future", "TIMEZONE": "America/New_York", "TO_TIMEZONE": "UTC",
            "RETURN_AS_TIMEZONE_AWARE": True, "RELATIVE_BASE": datetime(2026, 11, 25, 10)}
for phrase in phrases:
    dateparser.parse(phrase, languages=["en"], settings=settings)
print(json.dumps({"seconds": time.perf_counter() - t0}))
"""

# Run in its own process, so the peak RSS of its children is that of `tourbot parse-time` alone.
CLI_RUN = """
import json, resource, subprocess, sys, time
cli = [sys.executable, "-m", "bot", "parse-time", "--tz", "America/New_York", "--now", sys.argv[1]]
phrases = sys.stdin.read()
t0 = time.perf_counter()
done = subprocess.run(cli, input=phrases, capture_output=True, text=True, check=True)
seconds = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "lines": len(done.stdout.splitlines()), "rss_mb": rss}))
"""


def per_kb(read: object, text: str) -> float:
    """Median milliseconds per KB of `read(text)` over five runs."""
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        read(text)  # type: ignore[operator]
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs) * 1000 / (len(text) / 1000)


def main() -> None:
    from datetime import datetime

    from bot.time.resolve import resolve_time, warm_up
    from bot.time.words import read_phrase

    all_phrases = phrases()
    first_runs = {
        phrase: [in_fresh_process(FIRST_CALL.format(phrase=phrase)) for _ in range(3)]
        for phrase in ("tomorrow at 3pm", "Dec 3rd 3:15 PM")
    }
    warm_up()
    now = datetime.fromisoformat(NOW)
    samples: list[float] = []
    for _ in range(3):
        for phrase in all_phrases:
            t0 = time.perf_counter()
            resolve_time(phrase, zone="America/New_York", now=now)
            samples.append(time.perf_counter() - t0)
    samples.sort()
    median = statistics.median(samples) * 1000
    p99 = samples[int(len(samples) * 0.99)] * 1000

    thousand = (all_phrases * 2)[:1000]
    stdin = "\n".join(thousand) + "\n"
    cli = [in_fresh_process(CLI_RUN, NOW, stdin=stdin) for _ in range(3)]
    raw = [in_fresh_process(RAW_DATEPARSER, stdin=stdin) for _ in range(3)]
    cli_s = statistics.median(r["seconds"] for r in cli)
    raw_s = statistics.median(r["seconds"] for r in raw)

    print(f"phrases: {len(all_phrases)} distinct, timed {len(samples)} times after warm-up")
    print("| measure | value | target |")
    print("|---|---|---|")
    print(f"| median per phrase | {median:.3f} ms | ≤ 0.1 ms |")
    print(f"| p99 per phrase | {p99:.3f} ms | ≤ 1 ms |")
    for phrase, runs in first_runs.items():
        first = statistics.median(r["first"] for r in runs) * 1000
        imp = statistics.median(r["import"] for r in runs) * 1000
        print(f"| first call, “{phrase}” | {first:.0f} ms | ≤ 150 ms |")
        print(f"| import of bot.time.resolve (before “{phrase}”) | {imp:.0f} ms | |")
    assert all(r["lines"] == 1000 for r in cli)
    print(
        f"| `tourbot parse-time`, 1,000 phrases on stdin, start to end | {cli_s * 1000:.0f} ms | "
        f"≤ half of raw dateparser |"
    )
    print(
        f"| raw `dateparser.parse`, the same 1,000 phrases, import included | "
        f"{raw_s * 1000:.0f} ms | |"
    )
    print(f"| peak RSS of `tourbot parse-time` | {cli[0]['rss_mb']:.1f} MB | ≤ 80 MB |")

    print()
    print("Cost of long text, ms per KB (flat = linear):")
    print("| text | read, 1 KB | 10 KB | 100 KB | resolve, 40,000 characters |")
    print("|---|---|---|---|---|")
    for kind, unit in LONG_KINDS.items():
        cells = [per_kb(read_phrase, (unit * 100_000)[:size]) for size in (1_000, 10_000, 100_000)]
        forty = (unit * 40_000)[:40_000]
        t0 = time.perf_counter()
        resolve_time(forty, zone="America/New_York", now=now)
        whole = (time.perf_counter() - t0) * 1000
        print(f"| {kind} | " + " | ".join(f"{c:.3f}" for c in cells) + f" | {whole:.1f} ms |")


if __name__ == "__main__":
    main()
