"""The machinery of bench/slack_acks.py: acks timed from send to response, signed Slack traffic
(`/tour` commands and submissions of one booking modal), and the servers under test, each started
in a process of its own."""

from __future__ import annotations

import asyncio
import json
import math
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `tests` is not installed; `bot` is, but use this checkout's
    sys.path.insert(0, str(ROOT))

from load_generator import Answer, LoadGenerator  # noqa: E402

from bot.offline.propexo import SimulatorServer  # noqa: E402
from bot.offline.slack import DEFAULT_AGENT_ID, DEFAULT_CHANNEL_ID, TEAM_ID, SlackStandIn  # noqa: E402
from tests.slack_agent import APP_ID, SlackAgent  # noqa: E402

REQUEST = "Jane Doe jane@example.com 555-201-7788 tomorrow at 3pm self-guided"
SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-bench"
START_TIMEOUT = 30.0


# -- measuring ---------------------------------------------------------------------------------


@dataclass
class Sample:
    seconds: float
    ok: bool
    detail: str = ""


@dataclass
class Samples:
    items: list[Sample] = field(default_factory=list)

    def add(self, more: Sequence[Sample]) -> None:
        self.items.extend(more)

    @property
    def seconds(self) -> list[float]:
        return sorted(s.seconds for s in self.items)

    def quantile(self, q: float) -> float:
        ordered = self.seconds
        if not ordered:
            return math.nan
        return ordered[max(0, math.ceil(q * len(ordered)) - 1)]  # nearest rank

    @property
    def p50(self) -> float:
        return self.quantile(0.50)

    @property
    def p99(self) -> float:
        return self.quantile(0.99)

    @property
    def max(self) -> float:
        return max(self.seconds, default=math.nan)

    @property
    def errors(self) -> list[Sample]:
        return [s for s in self.items if not s.ok]

    def over(self, limit: float) -> int:
        return sum(1 for s in self.items if s.seconds > limit)


Body = tuple[bytes, dict[str, str]]


async def burst(sender: LoadGenerator, url: str, bodies: Sequence[Body]) -> list[Sample]:
    """Send every body at once; each is timed from send to response. A good ack is an empty
    200 (a plain `ack()`)."""
    return [sample(answer) for answer in await sender.burst(url, bodies)]


def sample(answer: Answer) -> Sample:
    if answer.error:
        return Sample(answer.seconds, False, answer.error)
    ok = answer.status == 200 and not answer.body
    detail = "" if ok else f"{answer.status} {answer.body[:200].decode(errors='replace')}"
    return Sample(answer.seconds, ok, detail)


# -- playing Slack -----------------------------------------------------------------------------


class Traffic:
    """Signed Slack payloads: `/tour` commands and submissions of one recorded booking modal."""

    def __init__(self, agent: SlackAgent, slack: SlackStandIn) -> None:
        self.agent = agent
        self.slack = slack
        self.view: dict[str, Any] | None = None  # the modal, as Slack sends it back
        self.bookings = 0

    def command(self, text: str = REQUEST) -> Body:
        body = urlencode(
            {
                "token": "legacy-token",
                "team_id": TEAM_ID,
                "team_domain": "tourbot-test",
                "channel_id": DEFAULT_CHANNEL_ID,
                "channel_name": "leasing-team",
                "user_id": DEFAULT_AGENT_ID,
                "user_name": "maria",
                "command": "/tour",
                "text": text,
                "api_app_id": APP_ID,
                "is_enterprise_install": "false",
                "response_url": self.slack.new_response_url(),
                "trigger_id": self.slack.new_trigger_id(),
            }
        )
        return body.encode(), self.agent.signed(body)

    def submission(self) -> Body:
        """A valid submission of the modal, as a booking of its own: a fresh request id, and a
        prospect of its own (an email nobody else has), so it is no likely double either."""
        assert self.view is not None, "open the modal first"
        self.bookings += 1
        context = json.loads(self.view["private_metadata"])
        context["request_id"] = uuid.uuid4().hex
        state = json.loads(json.dumps(self.view.get("state") or {"values": {}}))
        for typed in state["values"].get("email", {}).values():
            typed["value"] = f"jane.{self.bookings}.{uuid.uuid4().hex[:6]}@example.com"
        view = dict(self.view, private_metadata=json.dumps(context), state=state)
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM_ID, "domain": "tourbot-test"},
            "user": {
                "id": DEFAULT_AGENT_ID,
                "username": "maria",
                "name": "maria",
                "team_id": TEAM_ID,
            },
            "api_app_id": APP_ID,
            "token": "legacy-token",
            "trigger_id": self.slack.new_trigger_id(),
            "view": view,
            "response_urls": [],
            "is_enterprise_install": False,
        }
        body = urlencode({"payload": json.dumps(payload)})
        return body.encode(), self.agent.signed(body)

    def commands(self, count: int) -> list[Body]:
        return [self.command() for _ in range(count)]

    def submissions(self, count: int) -> list[Body]:
        return [self.submission() for _ in range(count)]


# -- the servers under test ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    """A server under test in its own process, started from an empty directory (no .env)."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], workdir: Path) -> None:
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.argv = [*argv, "--host", "127.0.0.1", "--port", str(self.port)]
        self.env = env
        self.workdir = workdir
        self.log = workdir / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0

    def spawn(self) -> None:
        with self.log.open("wb") as log:
            self.started_at = time.perf_counter()
            self.process = subprocess.Popen(
                self.argv, cwd=self.workdir, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )

    async def wait_healthy(self, http: httpx.AsyncClient) -> float:
        """Seconds from spawn to the first 200 from GET /healthz (polled every 10 ms)."""
        assert self.process is not None
        deadline = self.started_at + START_TIMEOUT
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.process.returncode}:\n" + self.log_tail()
                )
            try:
                response = await http.get(f"{self.url}/healthz", timeout=0.5)
                if response.status_code == 200:
                    return time.perf_counter() - self.started_at
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.01)
        raise RuntimeError(
            f"{self.name} gave no 200 from /healthz in {START_TIMEOUT:g} s:\n" + self.log_tail()
        )

    def cpu_seconds(self) -> float:
        """User + system CPU time the process has used so far."""
        assert self.process is not None
        stat = Path(f"/proc/{self.process.pid}/stat").read_text()
        fields = stat.rsplit(")", 1)[1].split()  # after "pid (comm)"
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_rss_mb(self) -> float:
        """VmHWM: the process's peak resident set so far."""
        assert self.process is not None
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return math.nan

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def log_count(self, word: str) -> int:
        try:
            return self.log.read_text(errors="replace").count(word)
        except OSError:
            return 0


def keep_logs(folder: Path | None, logs: Iterable[Path]) -> None:
    """Copy the bots' logs into `folder` (`--logs`), past the run's temporary directory."""
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    for log in logs:
        (folder / log.name).write_bytes(log.read_bytes())


def server_env(slack: SlackStandIn, sim: SimulatorServer, workdir: Path) -> dict[str, str]:
    """Only what the servers need: nothing from this shell's SLACK_*, PROPEXO_* or .env."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        PYTHONPATH=str(ROOT),
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=slack.api_url,
        PROPEXO_BASE_URL=sim.url,
        PROPEXO_API_KEY=sim.api_key,
        PROPEXO_INTEGRATION_ID=sim.integration_id,
        DATABASE_URL=f"sqlite:///{workdir / 'bench.db'}",
    )
    return env
