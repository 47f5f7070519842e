"""`tourbot serve` and `tourbot socket` as an operator runs them: real processes."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import unquote_plus, urlencode

import httpx
import pytest

from bot.offline.propexo import SimulatorServer
from bot.offline.slack import DEFAULT_CHANNEL_ID, SlackStandIn
from tests.harness import SIGNING_SECRET
from tests.slack_agent import SlackAgent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def clean_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PROPEXO_"))}
    env.update(values)
    return env


@pytest.fixture
async def slack() -> AsyncIterator[SlackStandIn]:
    async with SlackStandIn() as stand_in:
        yield stand_in


@pytest.fixture
def server(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> Iterator[tuple[subprocess.Popen[str], str]]:
    port = free_port()
    env = clean_env(
        SLACK_BOT_TOKEN="xoxb-process-test",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.api_url,
        PROPEXO_BASE_URL=propexo_sim.url,
        PROPEXO_API_KEY=propexo_sim.api_key,
        PROPEXO_INTEGRATION_ID=propexo_sim.integration_id,
        DATABASE_URL=f"sqlite:///{tmp_path / 'serve.db'}",
        PORT=str(port),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield process, f"http://127.0.0.1:{port}"
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


async def wait_healthy(url: str, process: subprocess.Popen[str]) -> float:
    started = time.monotonic()
    async with httpx.AsyncClient() as http:
        while time.monotonic() - started < 15:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            try:
                if (await http.get(f"{url}/healthz")).status_code == 200:
                    return time.monotonic() - started
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.02)
    raise AssertionError("tourbot serve never answered /healthz")


async def test_serve_books_over_http_and_stops_on_sigterm(
    server: tuple[subprocess.Popen[str], str], slack: SlackStandIn, propexo_sim: SimulatorServer
) -> None:
    process, url = server
    await wait_healthy(url, process)
    async with httpx.AsyncClient(timeout=10) as http:
        agent = SlackAgent(
            http, events_url=f"{url}/slack/events", signing_secret=SIGNING_SECRET, slack=slack
        )
        response = await agent.command("Ana Lima ana@example.com fri 10am in person")
        assert (response.status_code, response.text) == (200, "")
        [opened] = await slack.wait_for("views.open", timeout=10)
        assert await agent.submit(opened.response["view"]["id"]) == {}
        await slack.wait_for(
            "chat.postMessage",
            3,
            timeout=15,
            where=lambda c: c.args["channel"] == DEFAULT_CHANNEL_ID,
        )
    [booked] = propexo_sim.state.appointments
    assert booked.body["email_1"] == "ana@example.com"
    assert booked.body["tour_type"] == "IN_PERSON"
    process.send_signal(signal.SIGTERM)
    # Waited for off the event loop: the Slack stand-in must keep answering meanwhile.
    assert await asyncio.to_thread(process.wait, 15) == 0


async def test_sigterm_lets_a_listener_finish_its_work(
    server: tuple[subprocess.Popen[str], str], slack: SlackStandIn
) -> None:
    """Stopped right after an ack, the server still opens the modal and keeps the agent's zone
    (users.info is slow here), then exits cleanly, nothing cut off mid-way."""
    process, url = server
    await wait_healthy(url, process)
    slack.delay("users.info", 1.0)
    async with httpx.AsyncClient(timeout=10) as http:
        agent = SlackAgent(
            http, events_url=f"{url}/slack/events", signing_secret=SIGNING_SECRET, slack=slack
        )
        response = await agent.command("Ana Lima ana@example.com fri 10am")
        assert response.status_code == 200
        await slack.wait_for("views.open", timeout=10)
        process.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(process.wait, 15) == 0
    [updated] = slack.calls_to("views.update")  # the zone, filled in after users.info answered
    assert updated.ok
    output = process.stdout.read() if process.stdout else ""
    assert "Traceback" not in output and "Exception during reset" not in output, output


def test_serve_names_every_missing_setting(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "serve"],
        cwd=tmp_path, env=clean_env(), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "PROPEXO_API_KEY",
                 "PROPEXO_INTEGRATION_ID"):  # fmt: skip
        assert f"{name} is required" in done.stderr
    assert "Traceback" not in done.stderr


def test_socket_mode_needs_an_app_token(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "socket"],
        cwd=tmp_path, env=clean_env(SLACK_BOT_TOKEN="xoxb-1", SLACK_APP_TOKEN="xoxb-wrong"),
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "SLACK_APP_TOKEN must be an app-level token starting with xapp-" in done.stderr
    assert "Traceback" not in done.stderr


def serve_once(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`tourbot serve` with `env` (and the Propexo settings), for one that stops at start."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1"],
        cwd=tmp_path,
        env=clean_env(
            SLACK_SIGNING_SECRET=SIGNING_SECRET, PROPEXO_API_KEY="k",
            PROPEXO_INTEGRATION_ID="int_1", PORT=str(free_port()),
            DATABASE_URL=f"sqlite:///{tmp_path / 'serve.db'}", **env,
        ),
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_serve_stops_at_start_when_slack_refuses_the_token(tmp_path: Path) -> None:
    with SlackStandIn(token="xoxb-the-right-one") as slack:
        done = serve_once(tmp_path, SLACK_BOT_TOKEN="xoxb-a-wrong-one", SLACK_API_URL=slack.api_url)
        [asked] = slack.calls_to("auth.test")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        "Slack refused SLACK_BOT_TOKEN (invalid_auth): use the Bot User OAuth Token (xoxb-) from "
        "OAuth & Permissions of the app that is installed."
    )
    assert "Traceback" not in done.stderr and "xoxb-a-wrong-one" not in done.stderr
    assert not asked.ok


def test_serve_stops_at_start_when_slack_cannot_be_reached(tmp_path: Path) -> None:
    nothing_listens = f"http://127.0.0.1:{free_port()}/api/"
    done = serve_once(tmp_path, SLACK_BOT_TOKEN="xoxb-1", SLACK_API_URL=nothing_listens)
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith(f"Tourbot could not reach Slack at {nothing_listens}: ")
    assert "Traceback" not in done.stderr


async def test_serve_at_debug_writes_no_contact_detail(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> None:
    """LOG_LEVEL=DEBUG, as an operator chasing a problem sets it: a booking with every kind of
    contact detail, and a request signed with a rotated secret, leave none of it in the log."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1"],
        cwd=tmp_path,
        env=clean_env(
            SLACK_BOT_TOKEN="xoxb-process-test", SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=slack.api_url, PROPEXO_BASE_URL=propexo_sim.url,
            PROPEXO_API_KEY=propexo_sim.api_key,
            PROPEXO_INTEGRATION_ID=propexo_sim.integration_id,
            DATABASE_URL=f"sqlite:///{tmp_path / 'serve.db'}", PORT=str(port),
            LOG_LEVEL="debug",
        ),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        await wait_healthy(url, process)
        async with httpx.AsyncClient(timeout=10) as http:
            agent = SlackAgent(
                http, events_url=f"{url}/slack/events", signing_secret=SIGNING_SECRET, slack=slack
            )
            text = "Odalys Brightwater odalys.b@example.com +1 (555) 201-7788 fri 10am"
            forged = agent.command_payload(text)
            headers = agent.signed(urlencode(forged))
            headers["X-Slack-Signature"] = "v0=" + "0" * 64
            assert (await agent.post(urlencode(forged), headers)).status_code == 401
            payload = agent.command_payload(text)
            assert (await agent.post(urlencode(payload))).status_code == 200
            [opened] = await slack.wait_for("views.open", timeout=10)
            notes = "Gate code 4417, she works nights"
            assert await agent.submit(opened.response["view"]["id"], {"notes": notes}) == {}
            await slack.wait_for("chat.postMessage", 3, timeout=15)
        process.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(process.wait, 15) == 0
    finally:
        if process.poll() is None:
            process.kill()
    output = process.stdout.read() if process.stdout else ""
    assert " DEBUG " in output and "refused a request to /slack/events" in output
    assert "will be unused" not in output  # Bolt's warning on every start
    for text in (output, unquote_plus(output)):
        for private in ("Odalys", "Brightwater", "odalys.b", "Gate code", "works nights"):
            assert private not in text, private
        assert "201-7788" not in text and "201 7788" not in text
        assert forged["response_url"] not in text and payload["response_url"] not in text
        assert "xoxb-process-test" not in text


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_a_database_that_cannot_be_opened_is_one_sentence(command: str, tmp_path: Path) -> None:
    nothing_listens = free_port()
    with SlackStandIn() as slack:  # serve asks Slack about its token first
        done = subprocess.run(
            [sys.executable, "-m", "bot", command],
            cwd=tmp_path,
            env=clean_env(
                SLACK_API_URL=slack.api_url,
                SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s", PROPEXO_API_KEY="k",
                PROPEXO_INTEGRATION_ID="int_1", PORT=str(free_port()),
                DATABASE_URL=f"postgresql://tourbot:hunter2@127.0.0.1:{nothing_listens}/tourbot",
            ),
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        f"Tourbot cannot open its database at postgresql://tourbot:***@127.0.0.1:"
        f"{nothing_listens}/tourbot (connection refused). Check DATABASE_URL, and that the "
        "server is running and lets this user in."
    )
    assert "Traceback" not in done.stderr and "hunter2" not in done.stdout + done.stderr
    assert "Unclosed" not in done.stderr  # everything opened before was closed
