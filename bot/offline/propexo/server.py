"""Running the simulator: on a background thread for tests and other code, or from a shell."""

from __future__ import annotations

import argparse
import asyncio
import signal
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Self

from bot.offline.loop_thread import LoopThread
from bot.offline.propexo.app import DEFAULT_API_KEY, Simulator, SimulatorConfig
from bot.offline.propexo.faults import Fault, FaultKind
from bot.offline.propexo.seed import (
    CLASSIC_COMMUNITIES,
    CLASSIC_PROSPECTS,
    DEFAULT_INTEGRATION_ID,
)
from bot.offline.propexo.state import SimulatorState
from bot.settings import DEFAULT_TOUR_TYPES


class SimulatorServer:
    """The simulator on 127.0.0.1 (by default), served from its own thread and event loop.

        with SimulatorServer(settle=0.05) as sim:
            client = PropexoClient(sim.url, sim.api_key)
            sim.add_fault("POST /crm/v1/appointments/eliseai", "status", status=503)

    Everything else talks to it over real sockets; `state` shows what it received and booked.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: str = DEFAULT_API_KEY,
        settle: float = 1.0,
        latency: float = 0.0,
        rate_limit: int = 150,
        rate_window: float = 60.0,
        slowdown: float = 2.0,
        slowdown_at: float = 0.8,
        tour_types: Sequence[str] = DEFAULT_TOUR_TYPES,
        include_appointment_id: bool = False,
        integration_id: str = DEFAULT_INTEGRATION_ID,
        prospect_count: int = CLASSIC_PROSPECTS,
        community_count: int = CLASSIC_COMMUNITIES,
        honours_field_filters: bool = True,
    ) -> None:
        self.host, self.port = host, port
        self.simulator = Simulator(
            SimulatorConfig(
                api_key=api_key,
                settle=settle,
                latency=latency,
                rate_limit=rate_limit,
                rate_window=rate_window,
                slowdown=slowdown,
                slowdown_at=slowdown_at,
                tour_types=tuple(tour_types),
                include_appointment_id=include_appointment_id,
                integration_id=integration_id,
                prospect_count=prospect_count,
                community_count=community_count,
                honours_field_filters=honours_field_filters,
            )
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: LoopThread[str] | None = None
        self._url: str | None = None

    @property
    def url(self) -> str:
        if self._url is None:
            raise RuntimeError("The simulator is not running; call start() or use `with`.")
        return self._url

    @property
    def api_key(self) -> str:
        return self.simulator.config.api_key

    @property
    def integration_id(self) -> str:
        return self.simulator.config.integration_id

    @property
    def state(self) -> SimulatorState:
        return self.simulator.state

    def start(self) -> Self:
        self._runner = LoopThread(
            "propexo-simulator",
            lambda: self.simulator.start(self.host, self.port),
            self.simulator.stop,
        )
        self._url = self._runner.start()
        self._loop = self._runner.loop
        return self

    def stop(self) -> None:
        if self._runner is not None:
            self._runner.stop()
        self._runner = None
        self._loop = None
        self._url = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def add_fault(
        self,
        route: str,
        kind: FaultKind,
        *,
        times: int | None = 1,
        seconds: float = 0.0,
        status: int = 500,
        message: str | None = None,
        errors: Sequence[str] = (),
    ) -> Fault:
        """Make requests matching `route` misbehave; see `Fault` for the kinds and route syntax."""
        fault = Fault(
            route=route,
            kind=kind,
            times=times,
            seconds=seconds,
            status=status,
            message=message,
            errors=tuple(errors),
        )
        return self.state.add_fault(fault)

    def clear_faults(self) -> None:
        """Remove every fault and end the requests left hanging by one."""
        self.state.clear_faults()
        self._in_loop(self.simulator.release_hangs)

    def settle_writes(self) -> int:
        """Let every pending write settle now (SUCCESS, or FAILURE where one was planned)."""
        return self.state.settle_writes()

    def reset(self) -> None:
        """Forget bookings, jobs, requests and faults, as if freshly started."""
        self.state.reset()
        self._in_loop(self.simulator.release_hangs)

    def _in_loop(self, action: Callable[[], None]) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(action)


# -- the command line ----------------------------------------------------------------------------


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "propexo-sim",
        help="serve a local simulator of Propexo's EliseAI endpoints",
        description="Serve a local simulator of Propexo's EliseAI endpoints until Ctrl-C. "
        "Steer it over HTTP at /_sim/ (faults, requests, appointments, reset).",
    )
    add_arguments(parser)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--port", type=_port, required=True, help="port to listen on (0 picks a free one)"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--api-key", default=DEFAULT_API_KEY, help="bearer key it accepts")
    parser.add_argument(
        "--latency", type=_seconds, default=0.0, help="seconds added to every answer"
    )
    parser.add_argument(
        "--settle", type=_seconds, default=1.0, help="seconds until a write job settles"
    )
    parser.add_argument(
        "--rate-limit", type=_positive_int, default=150, help="requests allowed per window"
    )
    parser.add_argument(
        "--rate-window", type=_seconds, default=60.0, help="length of the rate window in seconds"
    )
    parser.add_argument(
        "--slowdown",
        type=_seconds,
        default=2.0,
        help="seconds added to each answer once 80%% of the budget is used",
    )
    parser.add_argument(
        "--tour-types",
        type=_names,
        default=DEFAULT_TOUR_TYPES,
        help=f"comma-separated tour types it accepts (default {','.join(DEFAULT_TOUR_TYPES)})",
    )
    parser.add_argument(
        "--appointment-ids",
        action="store_true",
        help="put the new appointment's id in the create's result (Propexo does not promise it)",
    )
    parser.add_argument(
        "--integration-id", default=DEFAULT_INTEGRATION_ID, help="the one integration it knows"
    )
    parser.add_argument(
        "--prospects",
        type=_positive_int,
        default=CLASSIC_PROSPECTS,
        help=f"how many prospects to seed (default {CLASSIC_PROSPECTS}; e.g. 500000)",
    )
    parser.add_argument(
        "--communities",
        type=_positive_int,
        default=CLASSIC_COMMUNITIES,
        help=f"how many communities to seed (default {CLASSIC_COMMUNITIES}; e.g. 5000)",
    )
    parser.add_argument(
        "--ignore-field-filters",
        action="store_true",
        help="ignore email_1=/phone_1= on list reads (Propexo does not say it honours them)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    config = SimulatorConfig(
        api_key=args.api_key,
        settle=args.settle,
        latency=args.latency,
        rate_limit=args.rate_limit,
        rate_window=args.rate_window,
        slowdown=args.slowdown,
        tour_types=args.tour_types,
        include_appointment_id=args.appointment_ids,
        integration_id=args.integration_id,
        prospect_count=args.prospects,
        community_count=args.communities,
        honours_field_filters=not args.ignore_field_filters,
    )
    try:
        asyncio.run(_serve(Simulator(config), args.host, args.port))
    except KeyboardInterrupt:
        return 0
    except OSError as exc:
        print(f"The simulator could not listen on {args.host}:{args.port}: {exc.strerror or exc}.")
        return 1
    return 0


async def _serve(simulator: Simulator, host: str, port: int) -> None:
    url = await simulator.start(host, port)
    config = simulator.config
    print(
        f"Propexo simulator on {url} (API key: {config.api_key}, "
        f"integration: {config.integration_id}); Ctrl-C stops it.",
        flush=True,
    )
    # Ctrl-C and SIGTERM set an event the loop wakes for (through its wakeup fd), rather than
    # relying on KeyboardInterrupt reaching the right frame.
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await simulator.stop()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.offline.propexo",
        description="Serve a local simulator of Propexo's EliseAI endpoints until Ctrl-C.",
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))


def _port(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port from 0 to 65535, not {value}")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _seconds(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, 0 or more, not {value}")
    return value


def _names(text: str) -> tuple[str, ...]:
    names = tuple(part.strip().upper() for part in text.split(",") if part.strip())
    if not names:
        raise argparse.ArgumentTypeError("must name at least one tour type, e.g. SELF_GUIDED")
    return names
