"""How the Slack stand-in carries traffic besides Web API answers: response URLs,
faults and delays, waiting for calls, a thread of its own, and Socket Mode."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import aiohttp
import pytest
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.offline.slack import (
    APP_ID,
    BOT_USER_ID,
    DEFAULT_AGENT_ID,
    CallsNotArrived,
    SlackStandIn,
    SocketNotConnected,
)
from tests.offline.slack_stand_in_kit import Json, client, refusal, slack

__all__ = ["client", "slack"]  # the fixtures, from slack_stand_in_kit


# -- response URLs ----------------------------------------------------------------------------


async def test_response_urls_record_posts_and_allow_five(
    slack: SlackStandIn, client: AsyncWebClient
) -> None:
    parent = await client.chat_postMessage(channel=slack.default_channel, text="Request")
    url = slack.new_response_url(message_ts=parent["ts"])
    hook = AsyncWebhookClient(url)
    assert (await hook.send(text="Only you see this")).status_code == 200
    await hook.send(text="Everyone sees this", response_type="in_channel")
    await hook.send_dict({"text": "Request (booked)", "replace_original": True})
    [ephemeral] = slack.ephemerals(user=DEFAULT_AGENT_ID)
    assert ephemeral.via == "response_url"
    texts = [m.text for m in slack.messages(slack.default_channel)]
    assert texts == ["Request (booked)", "Everyone sees this"]
    bad = await hook.send(blocks=[{"type": "header", "text": {"type": "mrkdwn", "text": "x"}}])
    assert bad.status_code == 400 and json.loads(bad.body)["error"] == "invalid_blocks"
    await hook.send(text="fifth")
    used = await hook.send(text="sixth")
    assert used.status_code == 404 and json.loads(used.body)["error"] == "used_url"
    assert [p.get("text") for p in slack.response_posts(url)][:3] == [
        "Only you see this",
        "Everyone sees this",
        "Request (booked)",
    ]
    await slack.wait_for("response_url", count=6)


# -- faults -----------------------------------------------------------------------------------


async def test_a_fault_once_then_ok(slack: SlackStandIn, client: AsyncWebClient) -> None:
    slack.fail("chat.postMessage", "fatal_error")
    error = await refusal(client.chat_postMessage(channel=slack.default_channel, text="a"))
    assert error.response["error"] == "fatal_error" and error.response.status_code == 200
    assert (await client.chat_postMessage(channel=slack.default_channel, text="a"))["ok"]
    slack.fail("*", "team_access_not_granted", times=None)
    for _ in range(3):
        assert (await refusal(client.auth_test())).response["error"] == "team_access_not_granted"
    slack.clear_faults()
    assert (await client.auth_test())["ok"]


async def test_rate_limited_answers(slack: SlackStandIn, client: AsyncWebClient) -> None:
    slack.rate_limit("chat.postMessage", retry_after=30)
    error = await refusal(client.chat_postMessage(channel=slack.default_channel, text="a"))
    # slack-sdk's default handlers only retry connection errors: the 429 reaches the caller.
    assert error.response.status_code == 429
    assert error.response.headers["Retry-After"] == "30"
    assert error.response["error"] == "ratelimited"
    assert slack.messages(slack.default_channel) == []

    slack.rate_limit("chat.postMessage", retry_after=0)
    patient = AsyncWebClient(
        token="xoxb-test",
        base_url=slack.api_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)],
    )
    assert (await patient.chat_postMessage(channel=slack.default_channel, text="a"))["ok"]
    assert [c.status for c in slack.calls_to("chat.postMessage")] == [429, 429, 200]


async def test_server_errors_and_delays(slack: SlackStandIn, client: AsyncWebClient) -> None:
    slack.server_error("users.info", status=503)
    error = await refusal(client.users_info(user=DEFAULT_AGENT_ID))
    assert error.response.status_code == 503
    slack.delay("auth.test", 0.3)
    started = time.monotonic()
    assert (await client.auth_test())["ok"]
    assert time.monotonic() - started >= 0.3
    # A held answer trips the caller's timeout; stopping the stand-in does not wait for it.
    slack.delay("auth.test", 30)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(client.auth_test(), 0.2)


# -- waiting and threads ----------------------------------------------------------------------


async def test_wait_for_background_posts(slack: SlackStandIn, client: AsyncWebClient) -> None:
    async def post_later() -> None:
        for text in ("Booking…", "Booked"):
            await asyncio.sleep(0.05)
            await client.chat_postMessage(channel=slack.default_channel, text=text)

    task = asyncio.create_task(post_later())
    calls = await slack.wait_for("chat.postMessage", count=2, timeout=2)
    assert [c.args["text"] for c in calls] == ["Booking…", "Booked"]
    await task
    booked = await slack.wait_for("chat.postMessage", where=lambda c: c.args["text"] == "Booked")
    assert len(booked) == 1
    with pytest.raises(CallsNotArrived, match="2 arrived"):
        await slack.wait_for("chat.postMessage", count=3, timeout=0.05)


def test_runs_on_its_own_thread_for_synchronous_callers() -> None:
    with SlackStandIn() as slack:
        client = WebClient(token="xoxb-test", base_url=slack.api_url)
        assert client.auth_test()["user_id"] == BOT_USER_ID
        client.chat_postMessage(channel=slack.default_channel, text="from a console")
        [call] = slack.wait_for_blocking("chat.postMessage", timeout=1)
        assert call.args["text"] == "from a console"
    with pytest.raises(RuntimeError):
        _ = slack.url


# -- Socket Mode --------------------------------------------------------------------------------


async def test_apps_connections_open_wants_the_app_level_token() -> None:
    async with SlackStandIn(token="xoxb-right", app_token="xapp-right") as slack:
        client = AsyncWebClient(token="xoxb-right", base_url=slack.api_url)
        bot_token = await refusal(client.apps_connections_open(app_token="xoxb-right"))
        assert bot_token.response["error"] == "not_allowed_token_type"
        wrong = await refusal(client.apps_connections_open(app_token="xapp-wrong"))
        assert wrong.response["error"] == "invalid_auth"
        url = (await client.apps_connections_open(app_token="xapp-right"))["url"]
        assert url.startswith(f"ws://127.0.0.1:{slack.url.rsplit(':', 1)[1]}/link/?ticket=")
        app_only = AsyncWebClient(token="xapp-right", base_url=slack.api_url)
        posted = await refusal(app_only.chat_postMessage(channel=slack.default_channel, text="x"))
        assert posted.response["error"] == "not_allowed_token_type"
        async with aiohttp.ClientSession() as http:
            with pytest.raises(aiohttp.WSServerHandshakeError) as forged:
                await http.ws_connect(url.split("?")[0] + "?ticket=forged")
        assert forged.value.status == 401


async def test_socket_mode_client_is_greeted_acks_and_reconnects(slack: SlackStandIn) -> None:
    with pytest.raises(SocketNotConnected):
        await slack.send_envelope("events_api", {"type": "event_callback"})
    app = SocketModeClient("xapp-test", web_client=AsyncWebClient(base_url=slack.api_url))
    messages: list[Json] = []
    requests: list[SocketModeRequest] = []

    async def on_message(client: Any, message: Json, raw: str | None) -> None:
        messages.append(message)

    async def on_request(client: AsyncBaseSocketModeClient, request: SocketModeRequest) -> None:
        requests.append(request)
        answer = {"text": "On it"} if request.type == "slash_commands" else None
        await client.send_socket_mode_response(SocketModeResponse(request.envelope_id, answer))

    app.message_listeners.append(on_message)
    app.socket_mode_request_listeners.append(on_request)
    try:
        await app.connect()  # type: ignore[no-untyped-call]
        first = await slack.wait_for_connection()
        command = await slack.send_envelope(
            "slash_commands", {"command": "/tour", "text": ""}, accepts_response_payload=True
        )
        ack = await slack.wait_for_ack(command)
        assert (ack.envelope_id, ack.payload, ack.late) == (command, {"text": "On it"}, False)
        hello = messages[0]
        assert hello["type"] == "hello" and hello["connection_info"] == {"app_id": APP_ID}
        assert first.pings >= 1  # slack-sdk pings as it connects; the stand-in pongs

        await slack.disconnect_socket()
        second = await slack.wait_for_connection(2)
        event = await slack.send_envelope(
            "events_api", {"type": "event_callback"}, retry_attempt=0, retry_reason=""
        )
        assert (await slack.wait_for_ack(event)).payload is None
        assert [e.connection_id for e in slack.envelopes] == [first.id, second.id]
        # slack-sdk acts on `disconnect` itself, before any listener sees it.
        kinds = ["hello", "slash_commands", "hello", "events_api"]
        assert [m["type"] for m in messages] == kinds
        assert first.disconnect_reason == "refresh_requested"
        assert first.closed_at is not None and second.is_open
        assert [(r.type, r.accepts_response_payload, r.retry_attempt) for r in requests] == [
            ("slash_commands", True, None),
            ("events_api", False, 0),
        ]
    finally:
        await app.close()  # type: ignore[no-untyped-call]
