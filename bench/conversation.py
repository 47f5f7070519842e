"""Benchmark of booking conversations: how long an agent waits for the bot's answer in a thread.

The real bot server runs in this process with the Slack stand-in and the Propexo simulator (as
the tests run it), storing in a SQLite file. Each round is one conversation: a mention with a
name and a time, an email, a correction of the time, of the name, a relative change, a second
person, a question back, then Book. Timed from posting the signed
event (or the click) to the bot's answer appearing in the thread; `--concurrent N` runs N
conversations side by side.

Run: .venv/bin/python bench/conversation.py  (about 20 s; all traffic stays on 127.0.0.1).
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.offline.propexo import SimulatorServer  # noqa: E402
from bot.offline.slack import BOT_USER_ID, DEFAULT_CHANNEL_ID, SlackStandIn  # noqa: E402
from tests.harness import RunningBot, running_bot  # noqa: E402

TURNS = (
    ("mention", f"<@{BOT_USER_ID}> book Jane Doe friday at 2pm"),
    ("answer", "jane@example.com"),
    ("correction", "make it 4pm instead"),
    ("name", "sorry, her last name is spelled Dough"),
    ("relative", "push it an hour"),
    ("second person", "fyi her roommate Tasha is coming too, tasha.b@example.com"),
    ("question", "is 5pm too late?"),
)


async def answered(bot: RunningBot, thread_ts: str, count: int) -> None:
    while sum(1 for m in bot.slack.thread(DEFAULT_CHANNEL_ID, thread_ts) if m.bot_id) < count:
        await asyncio.sleep(0.001)


async def conversation(bot: RunningBot, timings: dict[str, list[float]]) -> None:
    thread_ts: str | None = None
    for count, (kind, text) in enumerate(TURNS, start=1):
        message = bot.slack.add_message(DEFAULT_CHANNEL_ID, text, thread_ts=thread_ts)
        started = time.perf_counter()
        await bot.agent.say(DEFAULT_CHANNEL_ID, text, message.ts, thread_ts=thread_ts)
        thread_ts = thread_ts or message.ts
        await answered(bot, thread_ts, count)
        timings[kind].append(time.perf_counter() - started)
    assert thread_ts is not None
    said = [m for m in bot.slack.thread(DEFAULT_CHANNEL_ID, thread_ts) if m.bot_id]
    book = next(e for b in said[-1].blocks or [] if b["type"] == "actions" for e in b["elements"])
    started = time.perf_counter()
    await bot.agent.click(DEFAULT_CHANNEL_ID, said[-1].ts, book["action_id"], book["value"])
    await answered(bot, thread_ts, len(TURNS) + 1)  # the booking's own message
    timings["Book"].append(time.perf_counter() - started)


async def run(rounds: int, concurrent: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {kind: [] for kind in (*(k for k, _ in TURNS), "Book")}
    with tempfile.TemporaryDirectory() as scratch, SimulatorServer(settle=0.2) as propexo:
        async with (
            SlackStandIn() as slack,
            running_bot(
                slack,
                propexo,
                Path(scratch) / "tourbot.db",
                propexo_community_id="cmty_maple_court",
            ) as bot,
        ):
            await conversation(bot, {k: [] for k in timings})  # warm-up, not counted
            for _ in range(rounds):
                await asyncio.gather(*(conversation(bot, timings) for _ in range(concurrent)))
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--concurrent", type=int, default=5)
    args = parser.parse_args()
    timings = asyncio.run(run(args.rounds, args.concurrent))
    print(f"machine: {platform.machine()}, {platform.python_version()}, SQLite")
    print(f"{args.rounds} rounds of {args.concurrent} conversations side by side")
    print("| turn | p50 | p99 | max |")
    print("|---|--:|--:|--:|")
    for kind, samples in timings.items():
        samples.sort()
        p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
        print(
            f"| {kind} | {statistics.median(samples) * 1000:.0f} ms | {p99 * 1000:.0f} ms "
            f"| {samples[-1] * 1000:.0f} ms |"
        )


if __name__ == "__main__":
    main()
