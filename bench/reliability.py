"""Reliability figures for the README: nothing lost, nothing doubled, and how long delivery takes
once Propexo is back.

Scenarios (all on 127.0.0.1: `tourbot worker` subprocesses, the Propexo simulator and the Slack
stand-in on threads of this process, a fresh PostgreSQL database per scenario):

1. two, then four `tourbot worker` processes on one PostgreSQL deliver 1000 accepted bookings;
2. one `tourbot worker` is SIGKILLed at a random moment (0 to 1 s after it is ready) and
   restarted, again and again, while every Propexo answer takes 0.1 s so kills land mid-request
   (PostgreSQL, then a SQLite file); every other restart is made as if the dead worker's leases
   (90 s) had run out, the others at once; the loop ends early when nothing is left to send;
3. Propexo refuses connections for 30 s while a `tourbot worker` with the default retry policy
   (2 s doubling to 60 s) holds accepted bookings, then the simulator starts on its port: once
   with a budget out of reach, once with the default PROPEXO_RATE_LIMIT of 150 a minute.

After each, every booking's marker (its id, in `notes`) is looked up in what the simulator
received. Duplicates and lost bookings must be 0; `unknown` bookings are those a kill cut off
while `sending` (the agent is asked to check EliseAI), split by whether the create had in fact
reached the simulator.

`--burst` first sends 300 bookings through two workers with Tourbot's and the simulator's budgets
both at 150 a minute, starting 12 s before a clock minute, counts the simulator's 429s and the
most requests it received in any 60 s.

Run: .venv/bin/python bench/reliability.py  (about 4 minutes, 6 with --burst; `--quick`: under a
minute). Each scenario has a time limit and the whole run stops starting new ones after 6 minutes.
Needs PostgreSQL at $TOURBOT_TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test);
without it only the SQLite scenarios run. Prints a Markdown table for the README.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import random
import socket
import sys
import tempfile
import time
from bisect import bisect_left
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `tests` is not installed; `bot` is, but use this checkout's
    sys.path.insert(0, str(ROOT))

from bot.offline.propexo import SimulatorServer  # noqa: E402
from bot.offline.propexo.state import RecordedRequest  # noqa: E402
from bot.offline.slack import SlackStandIn  # noqa: E402
from bot.store import Store  # noqa: E402
from tests.reliability_kit import (  # noqa: E402
    CREATE_PATH,
    POSTGRES_URL,
    Audit,
    WorkerProcess,
    add_bookings,
    all_bookings,
    audit,
    fresh_database,
    postgres_problem,
    run_with_kills,
    wait_until_settled,
    worker_env,
)


@dataclass
class Row:
    scenario: str
    database: str
    bookings: int
    workers: int
    kills: int
    result: Audit
    seconds: float  # wall time of the scenario's delivery
    after_recovery: float | None = None  # scenario 3: last booking confirmed after Propexo's return
    note: str = ""


def table(rows: list[Row]) -> str:
    lines = [
        "| scenario | database | bookings | workers | SIGKILLs | duplicates | lost "
        "| unknown after kills (request had reached Propexo) | confirmed "
        "| delivered after Propexo came back | wall time |",
        "|---|---|--:|--:|--:|--:|--:|---|--:|--:|--:|",
    ]
    for row in rows:
        result = row.result
        unknown = "–"
        if row.kills:
            total = result.unknown_arrived + result.unknown_not_arrived
            unknown = f"{total} ({result.unknown_arrived})"
        after = "–" if row.after_recovery is None else f"{row.after_recovery:.1f} s"
        lines.append(
            f"| {row.scenario} | {row.database} | {row.bookings} | {row.workers} | {row.kills} "
            f"| {len(result.duplicates)} | {len(result.lost)} | {unknown} "
            f"| {result.states.get('confirmed', 0)} | {after} | {row.seconds:.1f} s |"
        )
    return "\n".join(lines)


@asynccontextmanager
async def database(kind: str, workdir: Path) -> AsyncIterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{workdir / f'tourbot-{time.monotonic_ns()}.db'}"
        return
    async with fresh_database(POSTGRES_URL) as url:
        yield url


def fast_propexo(*, latency: float = 0.0, port: int = 0) -> SimulatorServer:
    # Budget out of reach: these scenarios are about crashes and outages, not pacing.
    return SimulatorServer(
        port=port, settle=0.05, latency=latency, rate_limit=1_000_000, slowdown=0
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def log_errors(directory: Path) -> str:
    """The ERROR lines the workers logged under `directory`, counted by their message."""
    found: Counter[str] = Counter()
    for path in directory.rglob("*.log"):
        for line in path.read_text(errors="replace").splitlines():
            if " ERROR " in line:
                found[line.split(" ERROR ", 1)[1][:80]] += 1
    return ", ".join(f"{n}× {message}" for message, n in found.most_common()) or "none"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- the scenarios ---------------------------------------------------------------------------------


async def several_workers(slack: SlackStandIn, workdir: Path, *, count: int, workers: int) -> Row:
    with fast_propexo() as propexo:
        async with database("postgresql", workdir) as url, Store.from_url(url) as store:
            await store.create_schema()
            await add_bookings(store, count, propexo.integration_id)
            processes = [
                WorkerProcess(
                    worker_env(
                        slack_api_url=slack.api_url,
                        propexo=propexo,
                        database_url=url,
                        token=f"xoxb-bench-{workers}-{n}",
                    ),
                    workdir / f"several-{workers}" / f"worker{n}",
                )
                for n in range(workers)
            ]
            try:

                def alive() -> None:
                    for process in processes:
                        process.check_alive()

                took = await wait_until_settled(store, timeout=180, alive=alive)
                codes = [await process.terminate() for process in processes]
            finally:
                for process in processes:
                    process.kill()
            result = audit(await all_bookings(store), propexo)
    shares = Counter(
        call.token
        for call in slack.calls_to("chat.postMessage")
        if str(call.args.get("text", "")).startswith("Submitted to EliseAI")
        and str(call.token).startswith(f"xoxb-bench-{workers}-")
    )
    note = (
        f"exit codes {codes}; bookings per worker {sorted(shares.values())}; errors logged: "
        f"{log_errors(workdir / f'several-{workers}')}"
    )
    return Row("several workers", "PostgreSQL", count, workers, 0, result, took, note=note)


async def kills(
    slack: SlackStandIn, workdir: Path, *, kind: str, count: int, kills: int, seed: int
) -> Row:
    with fast_propexo(latency=0.1) as propexo:
        async with database(kind, workdir) as url, Store.from_url(url) as store:
            await store.create_schema()
            await add_bookings(store, count, propexo.integration_id)
            env = worker_env(slack_api_url=slack.api_url, propexo=propexo, database_url=url)
            run = await run_with_kills(
                store,
                env,
                workdir / f"kills-{kind}",
                kills=kills,
                rng=random.Random(seed),
                timeout=180,
            )
            result = audit(await all_bookings(store), propexo)
    name = "PostgreSQL" if kind == "postgresql" else "SQLite"
    note = (
        f"seed {seed}; {run.after_lease} restarts after the leases ran out; final exit code "
        f"{run.exit_code}; creates received {len(propexo.state.requests_to('POST', CREATE_PATH))}"
        f"; errors logged: {log_errors(workdir / f'kills-{kind}')}"
    )
    return Row("SIGKILL loop", name, count, 1, run.kills, result, run.seconds, note=note)


async def propexo_down(
    slack: SlackStandIn,
    workdir: Path,
    *,
    kind: str,
    count: int,
    down: float,
    rate_limit: int = 1_000_000,
) -> Row:
    port = free_port()  # refused until the simulator starts on it
    propexo = fast_propexo(port=port)
    async with database(kind, workdir) as url, Store.from_url(url) as store:
        await store.create_schema()
        await add_bookings(store, count, propexo.integration_id)
        env = worker_env(
            slack_api_url=slack.api_url,
            propexo=None,
            propexo_url=f"http://127.0.0.1:{port}",
            database_url=url,
            rate_limit=rate_limit,
        )
        process = WorkerProcess(env, workdir / f"down-{kind}-{rate_limit}")
        try:
            await process.wait_ready()
            started = time.monotonic()
            await asyncio.sleep(down)
            process.check_alive()
            propexo.start()
            after = await wait_until_settled(store, timeout=240, alive=process.check_alive)
            code = await process.terminate()
        finally:
            process.kill()
            propexo.stop()
        bookings = await all_bookings(store)
        result = audit(bookings, propexo)
    attempts = sorted(b.attempts for b in bookings)
    threads = {b.thread_ts for b in bookings}
    told = Counter(
        "queued" if text.startswith("Propexo takes") else "waiting"
        for call in slack.calls_to("chat.postMessage")
        if call.args.get("thread_ts") in threads
        and (text := str(call.args.get("text", ""))).startswith(
            ("Propexo takes", "Propexo can't be reached")
        )
    )
    note = (
        f"down {down:g} s, PROPEXO_RATE_LIMIT={rate_limit}; attempts per booking "
        f"{attempts[0]}–{attempts[-1]}; agents told 'waiting' {told['waiting']} times and "
        f"'queued' {told['queued']} times; exit code {code}; errors logged: "
        f"{log_errors(workdir / f'down-{kind}-{rate_limit}')}"
    )
    name = "PostgreSQL" if kind == "postgresql" else "SQLite"
    label = f"Propexo down {down:g} s" + (
        f", budget {rate_limit}/min" if rate_limit < 10**5 else ""
    )
    return Row(label, name, count, 1, 0, result, time.monotonic() - started, after, note)


async def burst_across_a_minute(slack: SlackStandIn, workdir: Path, *, count: int) -> str:
    """`count` bookings, two workers, Tourbot's budget and the simulator's both 150 a minute
    (the simulator's window starting with its first request, Tourbot's sliding: a unit leaves a
    minute after its request's answer), the burst starting 12 s before a clock minute; watched
    for 80 s. Returns what it saw."""
    with SimulatorServer(settle=0.05, rate_limit=150, rate_window=60, slowdown=0) as propexo:
        async with database("postgresql", workdir) as url, Store.from_url(url) as store:
            await store.create_schema()
            await add_bookings(store, count, propexo.integration_id)
            await asyncio.sleep((48 - time.time() % 60) % 60)
            processes = [
                WorkerProcess(
                    worker_env(
                        slack_api_url=slack.api_url,
                        propexo=propexo,
                        database_url=url,
                        token=f"xoxb-burst-{n}",
                        rate_limit=150,
                    ),
                    workdir / "burst" / f"worker{n}",
                )
                for n in range(2)
            ]
            try:
                await asyncio.sleep(80)
                codes = [await process.terminate() for process in processes]
            finally:
                for process in processes:
                    process.kill()
            left = Counter(b.state.value for b in await all_bookings(store))
    received = propexo.state.requests
    statuses = Counter(r.status for r in received)
    refused = sorted(r.received_at[11:19] for r in received if r.status == 429)
    budgeted = [r for r in received if r.path.startswith((CREATE_PATH, "/v1/admin/write-status/"))]
    return (
        f"{count} bookings, 2 workers, budget 150/min on both sides, burst from 12 s before a "
        f"clock minute, 80 s: answers {dict(statuses)} (429 at {refused or 'never'}); most "
        f"requests received in any 60 s: {most_in_a_minute(received)} ("
        f"{most_in_a_minute(budgeted)} counting only the budget's creates and polls, "
        f"{len(received) - len(budgeted)} other requests in all); bookings then {dict(left)}; "
        f"exit codes {codes}"
    )


def most_in_a_minute(requests: list[RecordedRequest]) -> int:
    """The most of `requests` the simulator received inside any 60-second span."""
    moments = sorted(datetime.fromisoformat(r.received_at) for r in requests)
    return max(
        (bisect_left(moments, start + timedelta(minutes=1)) - i for i, start in enumerate(moments)),
        default=0,
    )


async def main(quick: bool, seed: int, keep: Path | None, burst: bool) -> int:
    problem = await postgres_problem()
    kinds = ["sqlite"] if problem else ["postgresql", "sqlite"]
    if problem:
        log(f"PostgreSQL not reachable ({problem}): only the SQLite scenarios run.")
    rows: list[Row] = []
    seen = ""
    size = 0.2 if quick else 1.0

    with tempfile.TemporaryDirectory(prefix="tourbot-reliability-") as tmp, SlackStandIn() as slack:
        workdir = keep or Path(tmp)
        plan: list[tuple[str, Callable[[], Awaitable[Row]]]] = []
        if "postgresql" in kinds:
            for workers in (2, 4):
                plan.append(
                    (
                        f"{workers} workers",
                        partial(
                            several_workers, slack, workdir, count=int(1000 * size), workers=workers
                        ),
                    )
                )
        for kind, count, number in (("postgresql", 1000, 25), ("sqlite", 400, 10)):
            if kind in kinds:
                plan.append(
                    (
                        f"SIGKILL loop on {kind}",
                        partial(
                            kills,
                            slack,
                            workdir,
                            kind=kind,
                            count=int(count * size),
                            kills=max(3, int(number * size)),
                            seed=seed,
                        ),
                    )
                )
        down = 6.0 if quick else 30.0
        plan.append(
            (
                "Propexo down",
                partial(
                    propexo_down, slack, workdir, kind=kinds[0], count=int(200 * size), down=down
                ),
            )
        )
        if not quick:
            # The same with Propexo's default budget (150 a minute): retries spend it while
            # Propexo is down, and whatever is queued waits for the next minute.
            plan.append(
                (
                    "Propexo down, default budget",
                    partial(
                        propexo_down,
                        slack,
                        workdir,
                        kind=kinds[0],
                        count=60,
                        down=down,
                        rate_limit=150,
                    ),
                )
            )
        if burst and "postgresql" in kinds:
            log("burst across a minute … (up to 2.5 min)")
            seen = await burst_across_a_minute(slack, workdir, count=300)
            log(f"  {seen}")
        deadline = time.monotonic() + (120 if quick else 360)
        for label, scenario in plan:
            if time.monotonic() > deadline:
                log(f"skipped {label}: out of time")
                continue
            log(f"{label} …")
            row = await scenario()
            log(f"  {row.result.summary()}; {row.note}; {row.seconds:.1f} s")
            rows.append(row)
    print(f"Machine: {platform.platform()}, Python {platform.python_version()}\n")
    print(table(rows))
    print()
    for row in rows:
        print(f"- {row.scenario} ({row.database}, {row.bookings} bookings): {row.note}")
    if seen:
        print(f"- burst across a minute: {seen}")
    return 0 if all(row.result.clean for row in rows) else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Reliability figures for the README.")
    parser.add_argument(
        "--quick", action="store_true", help="small sizes: about 70 s instead of 4 minutes"
    )
    parser.add_argument("--seed", type=int, default=None, help="seed of the kill moments")
    parser.add_argument("--keep", type=Path, help="keep the workers' logs in this directory")
    parser.add_argument(
        "--burst",
        action="store_true",
        help="first, 300 bookings at 150/min straddling a clock minute, counting 429s "
        "(adds up to 2.5 minutes)",
    )
    args = parser.parse_args()
    chosen = args.seed if args.seed is not None else random.randrange(1_000_000)
    raise SystemExit(asyncio.run(main(args.quick, chosen, args.keep, args.burst)))
