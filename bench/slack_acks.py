"""Benchmark of Slack ack latency under load, `tourbot serve` start time and peak memory.

`tourbot serve` runs as a subprocess against a local Slack stand-in and a Propexo simulator that
answers every request in 2 s (both on threads of this process). 200 bookings (each its own
prospect) are put in flight first; then rounds of 50 concurrent `/tour` commands and 50
concurrent valid submissions are timed from send to response. Before each round the bookings in
flight (stored, not settled) are topped up to 200; each measured submission adds one more. The
same rounds go to a bare Bolt app that only acks (bench/bare_bolt_app.py): the floor. A third
server, an aiohttp handler answering an empty 200 without Bolt, shows what the load generator
(bench/load_generator.py, a process of its own) and the HTTP stack cost by themselves.

Run: .venv/bin/python bench/slack_acks.py  (about a minute; all traffic stays on 127.0.0.1).
Prints the machine, a Markdown table for the README and what the load looked like.
`--rounds N` changes the number of measured rounds (default 12: 600 acks of each kind);
`--profile FILE` runs the bot under cProfile (its timings are then not comparable).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `tests` is not installed; `bot` is, but use this checkout's
    sys.path.insert(0, str(ROOT))

from ack_kit import SECRET, Samples, Server, Traffic, burst, server_env  # noqa: E402
from load_generator import LoadGenerator  # noqa: E402

from bot.offline.propexo import SimulatorServer  # noqa: E402
from bot.offline.slack import SlackStandIn  # noqa: E402
from tests.slack_agent import SlackAgent  # noqa: E402

CONCURRENCY = 50  # requests per round, sent at once
ROUNDS = 12  # measured rounds of each kind, per app: 600 samples each
IN_FLIGHT = 200  # bookings kept in flight against the slow simulator while measuring
PROPEXO_LATENCY = 2.0  # seconds the simulator takes to answer anything
SETTLE = 0.5  # seconds until the simulator's writes settle
DRAIN_TIMEOUT = 20.0
CREATE = ("POST", "/crm/v1/appointments/eliseai")
SETTLED = ("confirmed", "failed", "unknown")  # booking states that need nothing more from Propexo

# Targets from the issue.
TARGET_P99 = 0.100
TARGET_RATIO = 2.0
TARGET_MAX = 1.0
TARGET_START = 2.0


# -- one app under load --------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    start_seconds: float = math.nan
    peak_rss_mb: float = math.nan
    tour: Samples = field(default_factory=Samples)
    submit: Samples = field(default_factory=Samples)
    filler: Samples = field(default_factory=Samples)  # submissions that only keep the load up
    in_flight: list[int] = field(default_factory=list)  # bookings in flight at each round
    running: list[int] = field(default_factory=list)  # deliveries running (/healthz) at each
    notes: list[str] = field(default_factory=list)
    view: dict[str, Any] | None = None  # the booking modal as submitted
    server_cpu: float = math.nan  # share of one core used while measuring
    bench_cpu: float = math.nan  # the same for this process (load, stand-in, simulator)


async def deliveries_running(http: httpx.AsyncClient, server: Server) -> int:
    """What the bot's /healthz calls `deliveries_in_flight` (the deliveries it is running)."""
    response = await http.get(f"{server.url}/healthz")
    count: int = response.json().get("deliveries_in_flight", 0)
    return count


def unsettled(database: Path) -> int:
    """Bookings in flight: stored, neither confirmed nor failed nor unknown yet."""
    states = booking_states(database)
    return sum(n for state, n in states.items() if state not in SETTLED)


async def measure_rounds(
    sender: LoadGenerator,
    server: Server,
    traffic: Traffic,
    result: Result,
    rounds: int,
    *,
    keep_load: Callable[[], Awaitable[None]] | None,
) -> None:
    url = f"{server.url}/slack/events"
    # A warm-up round of each (Bolt's first request runs auth.test): not counted.
    await burst(sender, url, traffic.commands(CONCURRENCY))
    await burst(sender, url, traffic.submissions(CONCURRENCY))
    wall, server_cpu, bench_cpu = time.perf_counter(), server.cpu_seconds(), time.process_time()
    for _ in range(rounds):
        for kind in ("tour", "submit"):
            if keep_load is not None:
                await keep_load()
            bodies = (traffic.commands if kind == "tour" else traffic.submissions)(CONCURRENCY)
            samples = await burst(sender, url, bodies)
            (result.tour if kind == "tour" else result.submit).add(samples)
    wall = time.perf_counter() - wall
    result.server_cpu = (server.cpu_seconds() - server_cpu) / wall
    result.bench_cpu = (time.process_time() - bench_cpu) / wall


async def bench_tourbot(
    http: httpx.AsyncClient,
    sender: LoadGenerator,
    slack: SlackStandIn,
    sim: SimulatorServer,
    workdir: Path,
    rounds: int,
    profile: Path | None,
) -> Result:
    result = Result("Tourbot")
    profiler = ["-m", "cProfile", "-o", str(profile.resolve())] if profile else []
    server = Server(
        "tourbot",
        [sys.executable, *profiler, "-m", "bot", "serve"],
        server_env(slack, sim, workdir),
        workdir,
    )
    agent = SlackAgent(
        http, events_url=f"{server.url}/slack/events", signing_secret=SECRET, slack=slack
    )
    traffic = Traffic(agent, slack)
    url = f"{server.url}/slack/events"
    try:
        server.spawn()
        result.start_seconds = await server.wait_healthy(http)

        # One modal, opened from a full request; its zone is filled in right after.
        opened_before = len(slack.calls_to("views.open"))
        [first] = await burst(sender, url, [traffic.command()])
        if not first.ok:
            raise RuntimeError(f"/tour was not acked: {first.detail}\n{server.log_tail()}")
        opened = (await slack.wait_for("views.open", opened_before + 1, timeout=10))[-1]
        if not opened.ok:
            raise RuntimeError(f"views.open failed: {opened.response}\n{server.log_tail()}")
        view_id: str = opened.response["view"]["id"]
        await slack.wait_for("views.update", 1, timeout=10)
        traffic.view = agent.view_json(view_id, {})
        [first] = await burst(sender, url, traffic.submissions(1))
        if not first.ok:
            raise RuntimeError(f"the modal's submission was not a plain ack: {first.detail}")

        # 200 bookings in flight, posted 50 at a time; the simulator must be receiving them.
        database = workdir / "bench.db"
        for _ in range(IN_FLIGHT // CONCURRENCY):
            result.filler.add(await burst(sender, url, traffic.submissions(CONCURRENCY)))
        if result.filler.errors:
            raise RuntimeError(
                f"{len(result.filler.errors)} of the first {IN_FLIGHT} "
                f"submissions were not plain acks: {result.filler.errors[0].detail}"
            )
        deadline = time.monotonic() + 15
        while len(sim.state.requests_to(*CREATE)) < 25 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        creates = len(sim.state.requests_to(*CREATE))
        result.notes.append(
            f"Before measuring: {unsettled(database)} bookings in flight (stored, not settled), "
            f"{await deliveries_running(http, server)} of them being delivered (`/healthz`); the "
            f"simulator had received {creates} creates and answered "
            f"{len(sim.state.appointments)} (each answer takes {PROPEXO_LATENCY:g} s)."
        )
        if creates == 0:
            raise RuntimeError("the simulator received no creates:\n" + server.log_tail())

        async def keep_load() -> None:
            """Top the bookings in flight up towards IN_FLIGHT (one burst at most). Each
            measured submission adds one more, so there are usually more."""
            count = unsettled(database)
            if count < IN_FLIGHT:
                top_up = min(CONCURRENCY, IN_FLIGHT - count)
                result.filler.add(await burst(sender, url, traffic.submissions(top_up)))
                count += top_up
            result.in_flight.append(count)
            result.running.append(await deliveries_running(http, server))

        await measure_rounds(sender, server, traffic, result, rounds, keep_load=keep_load)

        # Give the bookings a while to settle (bounded), then count how they ended.
        drain_started = time.monotonic()
        while unsettled(database) and time.monotonic() - drain_started < DRAIN_TIMEOUT:
            await asyncio.sleep(0.5)
        states = booking_states(database)
        described = ", ".join(f"{n} {state}" for state, n in sorted(states.items()))
        result.notes.append(
            f"{time.monotonic() - drain_started:.0f} s after the last round: "
            f"{sum(states.values())} bookings stored ({described}); the simulator had received "
            f"{len(sim.state.requests_to(*CREATE))} creates and booked "
            f"{len(sim.state.appointments)} appointments."
        )
        failed_opens = sum(1 for c in slack.calls_to("views.open") if not c.ok)
        errors = server.log_count(" ERROR ")
        result.notes.append(
            f"views.open calls: {len(slack.calls_to('views.open'))} ({failed_opens} refused); "
            f"ERROR lines in the bot's log: {errors}."
        )
        result.peak_rss_mb = server.peak_rss_mb()
    finally:
        server.stop()
    result.view = traffic.view
    return result


async def bench_bare(
    http: httpx.AsyncClient,
    sender: LoadGenerator,
    slack: SlackStandIn,
    sim: SimulatorServer,
    workdir: Path,
    rounds: int,
    view: dict[str, Any] | None,
    *,
    plain: bool = False,
) -> Result:
    """The bare Bolt app that only acks; with `plain`, an aiohttp handler without Bolt."""
    result = Result("no Bolt: empty 200 (load generator)" if plain else "bare Bolt app (floor)")
    argv = [sys.executable, str(ROOT / "bench" / "bare_bolt_app.py"), *(["--plain"] * plain)]
    server = Server("plain" if plain else "bare", argv, server_env(slack, sim, workdir), workdir)
    agent = SlackAgent(
        http, events_url=f"{server.url}/slack/events", signing_secret=SECRET, slack=slack
    )
    traffic = Traffic(agent, slack)
    try:
        server.spawn()
        result.start_seconds = await server.wait_healthy(http)
        # The very payloads the bot got: submissions of the modal the bot opened.
        traffic.view = view or {
            "id": "V0",
            "callback_id": "book_tour",
            "blocks": [],
            "private_metadata": "{}",
            "state": {"values": {}},
        }
        await measure_rounds(sender, server, traffic, result, rounds, keep_load=None)
        result.peak_rss_mb = server.peak_rss_mb()
    finally:
        server.stop()
    return result


def booking_states(database: Path) -> dict[str, int]:
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as db:
            rows = db.execute("SELECT state, count(*) FROM bookings GROUP BY state").fetchall()
    except sqlite3.Error as exc:
        return {f"unreadable ({exc})": 0}
    return {str(state): int(n) for state, n in rows}


# -- reporting -------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return "n/a" if math.isnan(seconds) else f"{seconds * 1000:.1f}"


def verdict(ok: bool) -> str:
    return "yes" if ok else "**no**"


def report(bot: Result, bare: Result, plain: Result, rounds: int, elapsed: float) -> str:
    lines = [
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()} "
        f"({platform.system()} {platform.machine()}). Propexo simulator answering in "
        f"{PROPEXO_LATENCY:g} s; {CONCURRENCY} concurrent requests per round, {rounds} rounds of "
        "each kind per server, each ack timed by the sender from send to response.",
        "",
        "| server | Slack request | acks | p50 ms | p99 ms | max ms | over 1 s | not a plain ack |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    rows = [
        (bot, "`/tour`", bot.tour),
        (bot, "valid submission", bot.submit),
        (bare, "`/tour`", bare.tour),
        (bare, "valid submission", bare.submit),
        (plain, "`/tour`", plain.tour),
        (plain, "valid submission", plain.submit),
        (bot, "submissions keeping ~200 in flight (load, not measured)", bot.filler),
    ]
    for result, kind, samples in rows:
        lines.append(
            f"| {result.name} | {kind} | {len(samples.items)} | {ms(samples.p50)} | "
            f"{ms(samples.p99)} | {ms(samples.max)} | {samples.over(TARGET_MAX)} | "
            f"{len(samples.errors)} |"
        )
    tour_ratio = bot.tour.p99 / bare.tour.p99
    submit_ratio = bot.submit.p99 / bare.submit.p99
    worst = max(bot.tour.max, bot.submit.max, bot.filler.max)
    all_ok = not (bot.tour.errors or bot.submit.errors or bot.filler.errors)
    flying = bot.in_flight or [0]
    running = bot.running or [0]
    lines += [
        "",
        "| target | measured | met |",
        "|---|---|---|",
        f"| `/tour` ack p99 ≤ 100 ms | {ms(bot.tour.p99)} ms | "
        f"{verdict(bot.tour.p99 <= TARGET_P99)} |",
        f"| submission ack p99 ≤ 100 ms | {ms(bot.submit.p99)} ms | "
        f"{verdict(bot.submit.p99 <= TARGET_P99)} |",
        f"| `/tour` p99 ≤ 2× the bare app's | {tour_ratio:.1f}× | "
        f"{verdict(tour_ratio <= TARGET_RATIO)} |",
        f"| submission p99 ≤ 2× the bare app's | {submit_ratio:.1f}× | "
        f"{verdict(submit_ratio <= TARGET_RATIO)} |",
        f"| no ack over 1 s, each a plain 200 (all {len(bot.tour.items) + len(bot.submit.items)}"
        f" measured and {len(bot.filler.items)} load acks) | max {ms(worst)} ms"
        f"{'' if all_ok else ', some failed'} | {verdict(worst <= TARGET_MAX and all_ok)} |",
        f"| `tourbot serve` to first 200 from `/healthz` ≤ 2 s | {bot.start_seconds:.2f} s | "
        f"{verdict(bot.start_seconds <= TARGET_START)} |",
        f"| peak RSS of `tourbot serve` (VmHWM) | {bot.peak_rss_mb:.0f} MB | (no target) |",
        "",
        f"- Before each measured round, bookings in flight (stored, not yet confirmed, failed or "
        f"unknown): min {min(flying)}, median {statistics.median(flying):.0f}, max "
        f"{max(flying)}; of those, being delivered (`/healthz` `deliveries_in_flight`): min "
        f"{min(running)}, median {statistics.median(running):.0f}, max {max(running)}.",
        *(f"- {note}" for note in bot.notes),
        f"- CPU while measuring, in cores: Tourbot {bot.server_cpu:.2f} (this process: "
        f"{bot.bench_cpu:.2f}); bare Bolt app {bare.server_cpu:.2f} ({bare.bench_cpu:.2f}); "
        f"no-Bolt server {plain.server_cpu:.2f} ({plain.bench_cpu:.2f}).",
        f"- Start to first 200 from /healthz: bare Bolt app {bare.start_seconds:.2f} s. Peak "
        f"RSS: bare Bolt app {bare.peak_rss_mb:.0f} MB, no-Bolt server {plain.peak_rss_mb:.0f} MB.",
        f"- Run time: {elapsed:.0f} s.",
    ]
    for result in (bot, bare, plain):
        for samples in (result.tour, result.submit, result.filler):
            for sample in samples.errors[:3]:
                lines.append(f"- {result.name}: not a plain ack: {sample.detail}")
    return "\n".join(lines)


# -- main ----------------------------------------------------------------------------------------


async def run(
    slack: SlackStandIn, sim: SimulatorServer, workdir: Path, rounds: int, profile: Path | None
) -> tuple[Result, Result, Result]:
    limits = httpx.Limits(
        max_connections=4 * CONCURRENCY, max_keepalive_connections=4 * CONCURRENCY
    )
    sender = LoadGenerator()
    try:
        async with httpx.AsyncClient(timeout=10, limits=limits) as http:
            bot = await bench_tourbot(http, sender, slack, sim, workdir, rounds, profile)
            bare = await bench_bare(http, sender, slack, sim, workdir, rounds, bot.view)
            plain = await bench_bare(
                http, sender, slack, sim, workdir, rounds, bot.view, plain=True
            )
    finally:
        sender.close()
    return bot, bare, plain


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--rounds",
        type=int,
        default=ROUNDS,
        help=f"measured rounds of each kind per server (default {ROUNDS})",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="FILE",
        help="run the bot under cProfile and write its stats to FILE",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    print(
        f"Benchmarking Slack acks ({os.cpu_count()} cores, Python {platform.python_version()})…",
        file=sys.stderr,
    )
    with (
        tempfile.TemporaryDirectory(prefix="tourbot-bench-") as tmp,
        SlackStandIn() as slack,
        SimulatorServer(
            latency=PROPEXO_LATENCY, rate_limit=1_000_000, settle=SETTLE, slowdown=0.0
        ) as sim,
    ):
        try:
            results = asyncio.run(run(slack, sim, Path(tmp), args.rounds, args.profile))
        except RuntimeError as exc:  # a server did not start or did not answer as expected
            print(f"The benchmark stopped: {exc}", file=sys.stderr)
            return 1
    print(report(*results, args.rounds, time.perf_counter() - started))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
