"""Benchmark of Slack acks under a steady mixed load: `tourbot serve` as its own process, on SQLite
and on PostgreSQL, with 20,000 signed requests (slash commands, modal submissions, DM messages,
mentions, button clicks, options) offered at 180 a second with at most 50 in flight (`--rate 0`:
50 kept in flight, as fast as they are answered), each timed from send to response.

Slack is played by the stand-in and Propexo by the simulator (answering in 0.2 s), on threads of
this process; the requests come from bench/load_generator.py, a process of its own. Prints, per
database, p50/p99/max per kind, the requests that were not answered 200, and the server's RSS
sampled every 2 s after warm-up.

Run: .venv/bin/python bench/mixed_load.py  (a few minutes; `--requests N` for a smaller run,
`--database sqlite` or `--database postgresql` for one of them). PostgreSQL at
$TOURBOT_TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test); each run uses a
database of its own, dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import platform
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `tests` is not installed; `bot` is, but use this checkout's
    sys.path.insert(0, str(ROOT))

from ack_kit import (  # noqa: E402
    SECRET,
    Body,
    Sample,
    Samples,
    Server,
    Traffic,
    keep_logs,
    sample,
    server_env,
)
from load_generator import Answer, LoadGenerator  # noqa: E402

from bot.offline.propexo import SimulatorServer  # noqa: E402
from bot.offline.slack import (  # noqa: E402
    BOT_USER_ID,
    DEFAULT_AGENT_ID,
    DEFAULT_CHANNEL_ID,
    SlackStandIn,
)
from tests.reliability_kit import POSTGRES_URL, fresh_database  # noqa: E402
from tests.slack_agent import SlackAgent  # noqa: E402

IN_FLIGHT = 50
REQUESTS = 20_000
WARM_UP = 1_000  # requests sent first, not counted
CHUNK = 2_000  # requests signed together (a signature is good for 5 minutes)
RSS_EVERY = 2.0  # seconds between RSS samples
PROPEXO_LATENCY = 0.2
# Of every 20 requests: 4 /tour, 4 submissions, 4 DMs, 3 mentions, 3 clicks, 2 option loads.
MIX = ["tour"] * 4 + ["submit"] * 4 + ["dm"] * 4 + ["mention"] * 3 + ["click"] * 3
MIX += ["options"] * 2
TARGET_MAX = 1.0
TARGET_P99 = 0.300
LOGS: Path | None = None  # --logs
DEFAULT_RATE = 180.0  # requests a second offered, as in the load report (--rate)
RATE = DEFAULT_RATE


@dataclass
class Run:
    database: str
    by_kind: dict[str, Samples] = field(default_factory=dict)
    rss: list[tuple[float, float]] = field(default_factory=list)  # (seconds, MB) after warm-up
    seconds: float = math.nan
    notes: list[str] = field(default_factory=list)


class MixedTraffic(Traffic):
    """Besides `/tour` and submissions: DMs, mentions, button clicks and option loads."""

    def __init__(self, agent: SlackAgent, slack: SlackStandIn) -> None:
        super().__init__(agent, slack)
        self.dm = slack.dm_channel(DEFAULT_AGENT_ID)

    def event(self, channel: str, text: str, kind: str) -> Body:
        ts = self.slack.add_message(channel, text).ts
        event = {
            "type": kind,
            "channel": channel,
            "channel_type": "im" if channel == self.dm else "channel",
            "user": DEFAULT_AGENT_ID,
            "text": text,
            "ts": ts,
            "event_ts": ts,
        }
        body = self.agent.event_body(event)
        return body.encode(), self.agent.signed(body, content_type="application/json")

    def interaction(self, payload: dict[str, object]) -> Body:
        body = urlencode({"payload": json.dumps(payload)})
        return body.encode(), self.agent.signed(body)

    def one(self, kind: str, n: int) -> Body:
        assert self.view is not None
        if kind == "tour":
            return self.command()
        if kind == "submit":
            return self.submission()
        if kind == "dm":
            return self.event(
                self.dm, f"book Jane Doe{n} jane{n}@example.com tomorrow at 3pm", "message"
            )
        if kind == "mention":
            text = f"<@{BOT_USER_ID}> book Ana Ortega{n} tomorrow at 4pm"
            return self.event(DEFAULT_CHANNEL_ID, text, "app_mention")
        user = {
            "id": DEFAULT_AGENT_ID,
            "username": "maria",
            "name": "maria",
            "team_id": "T0TOURBOT",
        }
        if kind == "click":  # Toured on a booking it cannot be recorded for (yet)
            ts = f"{time.time():.6f}"
            return self.interaction(
                {
                    "type": "block_actions",
                    "team": {"id": "T0TOURBOT", "domain": "tourbot-test"},
                    "user": user,
                    "api_app_id": "A0TOURBOT",
                    "token": "legacy-token",
                    "container": {"type": "message", "message_ts": ts,
                                  "channel_id": DEFAULT_CHANNEL_ID},
                    "trigger_id": self.slack.new_trigger_id(),
                    "channel": {"id": DEFAULT_CHANNEL_ID, "name": "leasing-team"},
                    "message": {"type": "message", "ts": ts, "text": ""},
                    "response_url": self.slack.new_response_url(),
                    "actions": [
                        {"type": "button", "action_id": "outcome_toured", "block_id": "actions",
                         "value": f"bk_{n}", "action_ts": ts}
                    ],
                }
            )  # fmt: skip
        return self.interaction(
            {
                "type": "block_suggestion",
                "user": user,
                "container": {"type": "view", "view_id": self.view["id"]},
                "api_app_id": "A0TOURBOT",
                "token": "legacy-token",
                "action_id": "prospect",
                "block_id": "prospect",
                "value": ["jane", "555 201", "doe", "ana"][n % 4],
                "team": {"id": "T0TOURBOT", "domain": "tourbot-test"},
                "view": self.view,
            }
        )


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return math.nan


async def bench(
    database: str, url: str, slack: SlackStandIn, sim: SimulatorServer, workdir: Path, total: int
) -> Run:
    run = Run(database)
    env = server_env(slack, sim, workdir)
    # Unpaced: all of this traffic is one channel's and one agent's, about a hundred messages a
    # second, which Slack would take at about one a second (paced, the channel's queue alone
    # grew the bot by 3.8 MB a second). What is measured here is the acks and the work after them.
    env.update(DATABASE_URL=url, PROPEXO_RATE_LIMIT="100000", SLACK_CHANNEL_RATE="0")
    server = Server(f"tourbot-{database}", [sys.executable, "-m", "bot", "serve"], env, workdir)
    sender = LoadGenerator()
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            agent = SlackAgent(
                http, events_url=f"{server.url}/slack/events", signing_secret=SECRET, slack=slack
            )
            traffic = MixedTraffic(agent, slack)
            events = f"{server.url}/slack/events"
            server.spawn()
            await server.wait_healthy(http)
            opened_before = len(slack.calls_to("views.open"))
            await sender.burst(events, [traffic.command()])
            opened = (await slack.wait_for("views.open", opened_before + 1, timeout=10))[-1]
            traffic.view = agent.view_json(opened.response["view"]["id"], {})
            assert server.process is not None
            pid = server.process.pid

            async def send(count: int, start: int) -> list[tuple[str, Sample]]:
                kinds = [MIX[(start + i) % len(MIX)] for i in range(count)]
                bodies = [traffic.one(kind, start + i) for i, kind in enumerate(kinds)]
                answers = await sender.stream(events, bodies, IN_FLIGHT, RATE)
                return list(zip(kinds, (ok_answer(a) for a in answers), strict=True))

            await send(WARM_UP, 0)
            started = time.perf_counter()
            sampling = asyncio.create_task(sample_rss(pid, started, run.rss))
            sent = 0
            try:
                while sent < total:
                    count = min(CHUNK, total - sent)
                    for kind, measured in await send(count, WARM_UP + sent):
                        run.by_kind.setdefault(kind, Samples()).add([measured])
                    sent += count
            finally:
                run.seconds = time.perf_counter() - started
                sampling.cancel()
            run.rss.append((run.seconds, rss_mb(pid)))
            run.notes.append(
                f"ERROR lines in the bot's log: {server.log_count(' ERROR ')}; peak RSS "
                f"{server.peak_rss_mb():.0f} MB"
            )
    finally:
        server.stop()
        sender.close()
        keep_logs(LOGS, [server.log])
    return run


def ok_answer(answer: Answer) -> Sample:
    """A 200 is a good ack (options, a view are answers), unless it tells the agent the store
    did not answer in time: a booking not made is counted as an error."""
    measured = sample(answer)
    refused = b"did not answer in time" in answer.body or b"was slow" in answer.body
    return Sample(measured.seconds, answer.status == 200 and not refused, measured.detail)


async def sample_rss(pid: int, started: float, into: list[tuple[float, float]]) -> None:
    while True:
        into.append((time.perf_counter() - started, rss_mb(pid)))
        await asyncio.sleep(RSS_EVERY)


def report(run: Run) -> str:
    lines = [
        f"### {run.database}: {sum(len(s.items) for s in run.by_kind.values())} requests, "
        f"at most {IN_FLIGHT} in flight, offered {RATE:g}/s (0: as fast as answered), "
        f"{run.seconds:.0f} s "
        f"({sum(len(s.items) for s in run.by_kind.values()) / run.seconds:.0f} requests/s)",
        "",
        "| request | count | p50 ms | p99 ms | max ms | over 1 s | not 200 |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    every = Samples()
    for kind in ("tour", "submit", "dm", "mention", "click", "options"):
        samples = run.by_kind.get(kind, Samples())
        every.add(samples.items)
        lines.append(row(kind, samples))
    lines.append(row("all", every))
    rss = run.rss
    if rss:
        spread = ", ".join(f"{t:.0f} s: {mb:.0f}" for t, mb in rss[:: max(1, len(rss) // 10)])
        lines += ["", f"RSS (MB) after warm-up: {spread}; last {rss[-1][1]:.0f} MB."]
    verdict = every.max <= TARGET_MAX and every.p99 <= TARGET_P99 and not every.errors
    lines += [
        f"Targets (every ack ≤ 1 s, p99 ≤ 300 ms, all 200): {'met' if verdict else 'NOT met'}.",
        *run.notes,
    ]
    for failed in every.errors[:3]:
        lines.append(f"- not 200: {failed.detail}")
    return "\n".join(lines)


def row(kind: str, samples: Samples) -> str:
    def ms(seconds: float) -> str:
        return "n/a" if math.isnan(seconds) else f"{seconds * 1000:.1f}"

    return (
        f"| {kind} | {len(samples.items)} | {ms(samples.p50)} | {ms(samples.p99)} | "
        f"{ms(samples.max)} | {samples.over(TARGET_MAX)} | {len(samples.errors)} |"
    )


@contextlib.asynccontextmanager
async def database_url(kind: str, workdir: Path) -> AsyncIterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'bench.db'}"
        return
    async with fresh_database(POSTGRES_URL) as url:
        yield url


async def run_all(kinds: list[str], total: int, slack: SlackStandIn, sim: SimulatorServer) -> None:
    for kind in kinds:
        with tempfile.TemporaryDirectory(prefix="tourbot-mixed-") as tmp:
            async with database_url(kind, Path(tmp)) as url:
                result = await bench(kind, url, slack, sim, Path(tmp), total)
        print(report(result), flush=True)
        print(flush=True)


def main(argv: list[str] | None = None, *, out: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--rate",
        type=float,
        default=DEFAULT_RATE,
        help="requests a second offered (0: as fast as answered)",
    )
    parser.add_argument("--logs", type=Path, help="keep the bot's log in this folder")
    args = parser.parse_args(argv)
    global LOGS, RATE
    LOGS, RATE = args.logs, args.rate
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    out(f"Mixed Slack load ({os.cpu_count()} cores, Python {platform.python_version()})")
    with (
        SlackStandIn() as slack,
        SimulatorServer(
            latency=PROPEXO_LATENCY, rate_limit=1_000_000, settle=0.5, slowdown=0.0
        ) as sim,
    ):
        asyncio.run(run_all(kinds, args.requests, slack, sim))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
