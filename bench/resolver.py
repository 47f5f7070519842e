"""Benchmark of the time resolver: per-phrase latency, first call, import, and peak memory.

Run: python bench/resolver.py  (about 20 s). Prints a Markdown table for the README.
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
TABLE = ROOT / "tests" / "data" / "time-dev-phrases.tsv"
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
    with TABLE.open() as f:
        made += [row["phrase"] for row in csv.DictReader(f, delimiter="\t")]
    return made


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


def main() -> None:
    from datetime import datetime

    from bot.time.resolve import resolve_time, warm_up

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

    cli = in_fresh_process(CLI_RUN, NOW, stdin="\n".join(all_phrases) + "\n")

    print(f"phrases: {len(all_phrases)} distinct, timed {len(samples)} times after warm-up")
    print("| measure | value | target |")
    print("|---|---|---|")
    print(f"| median per phrase | {median:.3f} ms | ≤ 1 ms |")
    print(f"| p99 per phrase | {p99:.3f} ms | ≤ 3 ms |")
    for phrase, runs in first_runs.items():
        first = statistics.median(r["first"] for r in runs) * 1000
        imp = statistics.median(r["import"] for r in runs) * 1000
        print(f"| first call, “{phrase}” | {first:.0f} ms | ≤ 150 ms |")
        print(f"| import of bot.time.resolve (before “{phrase}”) | {imp:.0f} ms | |")
    assert cli["lines"] == len(all_phrases)
    print(
        f"| `tourbot parse-time`, {len(all_phrases)} phrases on stdin, start to end | "
        f"{cli['seconds'] * 1000:.0f} ms | |"
    )
    print(f"| peak RSS of `tourbot parse-time` | {cli['rss_mb']:.1f} MB | ≤ 80 MB |")


if __name__ == "__main__":
    main()
