"""`tourbot console`: the whole bot offline, for anyone: the real app and handlers behind the real
HTTP server, a Slack stand-in played from the terminal, and the Propexo simulator.

`--script FILE` plays a scripted session instead of the keyboard and prints the transcript (the
format is in `bot.offline.console.script`). Nothing leaves 127.0.0.1; bookings go to a temporary
SQLite database unless `--database-url` names one (never DATABASE_URL, so simulated bookings
cannot land where a real worker would deliver them to a real Propexo).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import secrets
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from bot.delivery.steps import DeliveryPolicy
from bot.offline.console.errors import ConsoleError
from bot.offline.console.faults import ConsoleFault, inject, parse_fault
from bot.offline.console.io import Input, Output, ScriptInput, TerminalInput
from bot.offline.console.screen import ErrorTally, Screen
from bot.offline.console.script import ScriptLine, read_script
from bot.offline.console.session import Session
from bot.offline.console.zone import person_zone
from bot.settings import Settings
from bot.store import StoreUnavailable
from bot.time.clock import Clock, clock_from, system_clock

__all__ = ["run"]

# Quick enough that a booking settles while the person watches, as it would against Propexo.
PROPEXO_SETTLE = 0.5  # seconds until the simulator's writes settle
POLICY = DeliveryPolicy(first_retry=1.0, max_retry=5.0, first_poll=0.3, max_poll=1.0)
READ_TIMEOUT = 3.0  # the simulator answers in milliseconds; `timeout` faults wait this long
AGENT_NAME, AGENT_REAL_NAME = "maria", "Maria Lopez"
FLAGS = {"DATABASE_URL": "--database-url"}  # settings the console takes from its flags


def run(args: argparse.Namespace) -> int:
    out = Output()
    try:
        zone = person_zone(args.tz)
        start: datetime | None = args.now
        if start is not None and start.tzinfo is None:
            start = start.replace(tzinfo=ZoneInfo(zone))
        clock = clock_from(start) if start is not None else system_clock
        faults = [parse_fault(spec) for spec in args.propexo_fault]
        script = read_script(args.script) if args.script else None
        with _logging(args.log) as tally:
            return asyncio.run(
                _main(zone, clock, faults, script, args.script, args.database_url, tally, out)
            )
    except ConsoleError as exc:
        print(exc, file=sys.stderr)
        return 2
    except StoreUnavailable as exc:
        # The store names the setting servers read; here the database came from the flag.
        print(str(exc).replace("DATABASE_URL", "--database-url"), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(flush=True)
        return 130
    except BrokenPipeError:
        # Whoever read the transcript (`| head`) stopped; Python's own flush at exit must not
        # fail on the closed pipe again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


async def _main(
    zone: str,
    clock: Clock,
    faults: Sequence[ConsoleFault],
    script: list[ScriptLine] | None,
    script_path: Path | None,
    database: str | None,
    tally: ErrorTally,
    out: Output,
) -> int:
    from bot.offline.propexo import SimulatorServer
    from bot.offline.runner import offline_settings, running_bot
    from bot.offline.slack import DEFAULT_AGENT_ID, SlackStandIn

    # The environment's DATABASE_URL is no business of the console's, even when malformed.
    env = _checked(lambda: Settings(database_url=database or "sqlite://"), flags=FLAGS)
    with (
        tempfile.TemporaryDirectory(prefix="tourbot-console-") as scratch,
        SimulatorServer(settle=PROPEXO_SETTLE, tour_types=env.tour_types) as propexo,
    ):
        for fault in faults:
            inject(propexo, fault, hang_seconds=READ_TIMEOUT + 1)
        async with SlackStandIn() as slack:
            slack.add_user(DEFAULT_AGENT_ID, name=AGENT_NAME, real_name=AGENT_REAL_NAME, tz=zone)
            config = _checked(
                lambda: offline_settings(
                    slack,
                    propexo,
                    database_url=database or f"sqlite:///{Path(scratch) / 'tourbot.db'}",
                    signing_secret=secrets.token_hex(16),
                    env_file=".env",
                    # Whatever the environment says, everyone may use it and it delivers.
                    allowed_channels=(),
                    allowed_usergroups=(),
                    run_worker=True,
                ),
                flags=FLAGS,
            )
            async with running_bot(
                slack, propexo, config, policy=POLICY, read_timeout=READ_TIMEOUT, clock=clock
            ) as bot:
                shift = clock() - system_clock()  # messages are shown at the clock's time too
                screen = Screen(bot, out, zone=ZoneInfo(zone), shift=shift, tally=tally)
                session = Session(bot, screen, out, hang_seconds=READ_TIMEOUT + 1)
                out(*_greeting(zone, database is not None, faults))
                source: Input = (
                    ScriptInput(script, out, name=script_path.name if script_path else "script")
                    if script is not None
                    else TerminalInput()
                )
                return await session.run(source)


def _checked(build: Callable[[], Settings], *, flags: Mapping[str, str] | None = None) -> Settings:
    """Settings from `build` (the environment and .env), or every problem with them at once;
    a setting the console takes from a flag is named by its flag (`flags`)."""
    try:
        return build()
    except ValidationError as exc:
        names = ((".".join(str(p) for p in error["loc"]).upper(), error) for error in exc.errors())
        problems = "\n".join(
            f"  - {(flags or {}).get(name, name)} "
            + error["msg"].removeprefix("Value error, ").replace("Input should be", "must be")
            for name, error in names
        )
        raise ConsoleError(f"Tourbot cannot start; fix its settings:\n{problems}") from None


def _greeting(zone: str, own_database: bool, faults: Sequence[ConsoleFault]) -> list[str]:
    where = (
        "Bookings are stored in the database given by --database-url."
        if own_database
        else "Bookings are kept in a temporary database, deleted when you leave."
    )
    lines = [
        "Tourbot console: the real bot, with Slack and Propexo simulated on this machine.",
        f"You are {AGENT_REAL_NAME} (@{AGENT_NAME}) in #leasing-team; your time zone is {zone}.",
        where,
    ]
    lines += [f"Propexo fault: {fault.describe()}" for fault in faults]
    lines.append(
        "Type /tour and a request, like /tour Jane Doe jane@example.com tomorrow at 3pm; "
        "help lists the rest; quit or Ctrl-D leaves."
    )
    return lines


@contextlib.contextmanager
def _logging(path: Path | None) -> Iterator[ErrorTally]:
    """The bot's log goes to `path` (or nowhere); its errors are also counted for the person."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    tally = ErrorTally()
    handlers: list[logging.Handler] = [tally]
    if path is not None:
        try:
            to_file = logging.FileHandler(path, encoding="utf-8")
        except OSError as exc:
            raise ConsoleError(f"The log file {path} cannot be written: {exc.strerror}.") from None
        to_file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handlers.append(to_file)
    root.handlers = handlers
    root.setLevel(logging.INFO if path is not None else logging.WARNING)
    logging.captureWarnings(True)
    try:
        yield tally
    finally:
        logging.captureWarnings(False)
        for handler in handlers:
            handler.close()
        root.handlers = saved[0]
        root.setLevel(saved[1])
