"""`tourbot socket` as an operator runs it: a real process on Socket Mode. Slack's side, the Web
API and the websocket the app dials, is played by the stand-in; Propexo by the simulator."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.offline.propexo import SimulatorServer
from bot.offline.slack import (
    DEFAULT_CHANNEL_ID,
    SlackStandIn,
    SocketConnection,
    SocketModeTimeout,
)
from tests.slack_agent import SocketModeAgent

APP_TOKEN = "xapp-1-A0TOURBOT-1-socket-test"
BOT_TOKEN = "xoxb-socket-test"
EXAMPLE = "Jane Doe jane@example.com tomorrow at 3pm self-guided"


@pytest.fixture
async def slack() -> AsyncIterator[SlackStandIn]:
    async with SlackStandIn(token=BOT_TOKEN, app_token=APP_TOKEN) as stand_in:
        yield stand_in


def socket_env(slack: SlackStandIn, propexo: SimulatorServer, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PROPEXO_"))}
    return env | dict(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_APP_TOKEN=APP_TOKEN,
        SLACK_API_URL=slack.api_url,
        PROPEXO_BASE_URL=propexo.url,
        PROPEXO_API_KEY=propexo.api_key,
        PROPEXO_INTEGRATION_ID=propexo.integration_id,
        DATABASE_URL=f"sqlite:///{tmp_path / 'socket.db'}",
    )


@pytest.fixture
def tourbot_socket(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> Iterator[subprocess.Popen[str]]:
    # Output to a file, not a pipe: nobody reads a pipe while the test runs, and a full one stalls.
    with (tmp_path / "socket.log").open("w+") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "socket"],
            cwd=tmp_path,
            env=socket_env(slack, propexo_sim, tmp_path),
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)


def output(tmp_path: Path) -> str:
    return (tmp_path / "socket.log").read_text()


async def connected(
    slack: SlackStandIn, process: subprocess.Popen[str], count: int = 1
) -> SocketConnection:
    """The app's `count`-th connection, once it is open; fails at once if the process exits."""
    deadline = time.monotonic() + 15
    while True:
        assert process.poll() is None, f"tourbot socket exited with {process.returncode}"
        with contextlib.suppress(SocketModeTimeout):
            return await slack.wait_for_connection(count, timeout=0.1)
        assert time.monotonic() < deadline, f"tourbot socket never opened connection {count}"


async def open_form(slack: SlackStandIn, agent: SocketModeAgent, text: str = EXAMPLE) -> str:
    """/tour <text> over the socket: acked within Slack's 3 s, then the modal opens."""
    ack = await agent.command(text)
    assert ack.payload is None and not ack.late, ack
    [opened] = await slack.wait_for("views.open", timeout=5)
    assert opened.ok, opened.response  # an expired trigger_id would be refused
    await slack.wait_for("views.update", timeout=5)  # the agent's zone, looked up after opening
    view_id: str = opened.response["view"]["id"]
    return view_id


async def stop(process: subprocess.Popen[str]) -> tuple[int, float]:
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    # Waited for off the event loop: the Slack stand-in must keep answering meanwhile.
    status = await asyncio.to_thread(process.wait, 10)
    return status, time.monotonic() - started


async def test_a_tour_is_booked_over_socket_mode_and_sigterm_stops_it(
    slack: SlackStandIn,
    propexo_sim: SimulatorServer,
    tourbot_socket: subprocess.Popen[str],
    tmp_path: Path,
) -> None:
    connection = await connected(slack, tourbot_socket)
    urls = slack.calls_to("apps.connections.open")
    assert {call.token for call in urls} == {APP_TOKEN}
    assert any(connection.ticket in call.response["url"] for call in urls)
    agent = SocketModeAgent(slack)

    view_id = await open_form(slack, agent)
    assert await agent.submit(view_id) == {}  # a plain ack closes the modal
    assert slack.envelopes[-1].ack is not None and not slack.envelopes[-1].ack.late

    await slack.wait_for(
        "chat.postMessage",
        3,
        timeout=10,
        where=lambda call: call.args.get("channel") == DEFAULT_CHANNEL_ID,
    )
    [parent] = slack.messages(DEFAULT_CHANNEL_ID)
    assert parent.text.startswith("Tour for Jane Doe · ")
    submitted, confirmed = slack.thread(DEFAULT_CHANNEL_ID, parent.ts)
    assert "Submitted to EliseAI" in submitted.text and "Confirmed in EliseAI" in confirmed.text
    [booked] = propexo_sim.state.appointments
    assert booked.body["email_1"] == "jane@example.com"
    assert booked.body["tour_type"] == "SELF_GUIDED"

    status, seconds = await stop(tourbot_socket)
    assert status == 0, output(tmp_path)
    assert seconds < 3
    assert slack.socket_connections[-1].closed_at is not None  # it hung up, not just vanished
    assert "Traceback" not in output(tmp_path)


async def test_an_invalid_submission_is_acked_with_errors_under_its_inputs(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tourbot_socket: subprocess.Popen[str]
) -> None:
    await connected(slack, tourbot_socket)
    agent = SocketModeAgent(slack)
    view_id = await open_form(slack, agent)

    answer = await agent.submit(view_id, {"email": "jane@", "phone": "12"})

    assert answer["response_action"] == "errors"
    assert answer["errors"] == {
        "email": "Email must look like name@example.com",
        "phone": "Phone must be a number like +1 555 201 7788",
    }
    view = slack.view(view_id)
    assert view is not None and not view.closed and view.errors == answer["errors"]
    assert propexo_sim.state.requests_to("POST", "/crm/v1/appointments/eliseai") == []


async def test_a_disconnect_makes_it_reconnect_and_keep_working(
    slack: SlackStandIn, tourbot_socket: subprocess.Popen[str]
) -> None:
    first = await connected(slack, tourbot_socket)
    agent = SocketModeAgent(slack)
    urls = len(slack.calls_to("apps.connections.open"))

    await slack.disconnect_socket("refresh_requested")
    second = await connected(slack, tourbot_socket, 2)

    assert second.ticket != first.ticket
    assert len(slack.calls_to("apps.connections.open")) == urls + 1  # a new URL for it
    await open_form(slack, agent)
    assert slack.envelopes[-1].connection_id == second.id
    message = slack.add_message(DEFAULT_CHANNEL_ID, "Morning, team")
    event = {"type": "message", "channel": DEFAULT_CHANNEL_ID, "channel_type": "channel"}
    event.update({"user": agent.user_id, "text": message.text, "ts": message.ts})
    assert (await agent.event(event)).payload is None
    assert first.closed_at is not None  # the app hung up the old one


async def test_a_wrong_app_token_is_named_and_stops_it(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> None:
    env = socket_env(slack, propexo_sim, tmp_path)
    env["SLACK_APP_TOKEN"] = "xapp-1-A0TOURBOT-1-revoked"
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "socket"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert done.returncode == 1
    assert "Slack refused SLACK_APP_TOKEN (invalid_auth)" in done.stderr
    assert "Traceback" not in done.stderr
    assert slack.socket_connections == []
