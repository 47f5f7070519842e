"""Plays Slack's side of the HTTP conversation with the bot's real server: the offline console, the
tests and the benches all drive the bot through it. `SocketModeAgent` plays it over Socket Mode.

Payloads are shaped like the ones Slack sends (see bolt-python's tests), signed with the signing
secret, and posted to `/slack/events`. Views come from the Slack stand-in, which recorded what
the bot opened, so a submission carries exactly the inputs the bot built.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

from bot.offline.slack import (
    ACK_DEADLINE,
    APP_ID,
    BOT_USER_ID,
    DEFAULT_AGENT_ID,
    DEFAULT_CHANNEL_ID,
    TEAM_ID,
    EnvelopeType,
    SlackStandIn,
    SocketAck,
)

__all__ = ["APP_ID", "AgentPayloads", "SlackAgent", "SlackAgentError", "SocketModeAgent"]


class SlackAgentError(RuntimeError):
    """Something Slack would not let happen: no such view, an error answer to a submission."""


class AgentPayloads:
    """Who the agent is, and the payloads Slack builds for what they do: the same whether the
    app listens over HTTP (`SlackAgent`) or Socket Mode (`SocketModeAgent`)."""

    def __init__(
        self, slack: SlackStandIn, *, user_id: str = DEFAULT_AGENT_ID, user_name: str = "maria"
    ) -> None:
        self.slack = slack
        self.user_id = user_id
        self.user_name = user_name

    def command_payload(self, text: str, *, channel_id: str = DEFAULT_CHANNEL_ID) -> dict[str, str]:
        """`/tour <text>` typed in `channel_id`, with a fresh trigger id and response URL."""
        return {
            "token": "legacy-token",
            "team_id": TEAM_ID,
            "team_domain": "tourbot-test",
            "channel_id": channel_id,
            "channel_name": "leasing-team",
            "user_id": self.user_id,
            "user_name": self.user_name,
            "command": "/tour",
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": self.slack.new_response_url(),
            "trigger_id": self.slack.new_trigger_id(),
        }

    def submission_payload(
        self,
        view_id: str,
        changes: Mapping[str, str | None],
        labels: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """The view_submission of the open view `view_id`, with `changes` typed into it."""
        return {
            "type": "view_submission",
            "team": {"id": TEAM_ID, "domain": "tourbot-test"},
            "user": self._user(),
            "api_app_id": APP_ID,
            "token": "legacy-token",
            "trigger_id": self.slack.new_trigger_id(),
            "view": self.view_json(view_id, changes, labels),
            "response_urls": [],
            "is_enterprise_install": False,
        }

    def event_callback(self, event: Mapping[str, Any]) -> dict[str, Any]:
        """The event_callback Slack wraps `event` in, with a new event_id (a retry resends
        the same one)."""
        return {
            "token": "legacy-token",
            "team_id": TEAM_ID,
            "api_app_id": APP_ID,
            "type": "event_callback",
            "event_id": "Ev" + secrets.token_hex(5).upper(),
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
            "event": dict(event),
        }

    def view_json(
        self,
        view_id: str,
        changes: Mapping[str, str | None],
        labels: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """The open view as Slack sends it back: its blocks, and the state of every input
        (initial values, with `changes` typed over them; None clears a field)."""
        view = self.slack.view(view_id)
        if view is None:
            raise SlackAgentError(f"no view {view_id}")
        shown: dict[str, Any] = view.to_json()
        values: dict[str, Any] = {}
        for block in shown.get("blocks", []):
            if block.get("type") != "input":
                continue
            element = block["element"]
            block_id, action_id = block["block_id"], element["action_id"]
            typed = changes[block_id] if block_id in changes else _initial(element)
            label = (labels or {}).get(block_id)
            if block_id not in changes and label is None and element.get("initial_option"):
                label = element["initial_option"]["text"]["text"]
            values[block_id] = {action_id: _state(element, typed, label)}
        shown["state"] = {"values": values}
        return shown

    def _user(self) -> dict[str, str]:
        return {
            "id": self.user_id,
            "username": self.user_name,
            "name": self.user_name,
            "team_id": TEAM_ID,
        }


class SlackAgent(AgentPayloads):
    """An agent in Slack: types /tour, fills and submits modals, clicks buttons, writes messages."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        events_url: str,
        signing_secret: str,
        slack: SlackStandIn,
        user_id: str = DEFAULT_AGENT_ID,
        user_name: str = "maria",
    ) -> None:
        super().__init__(slack, user_id=user_id, user_name=user_name)
        self.http = http
        self.events_url = events_url
        self.verifier = SignatureVerifier(signing_secret)

    # -- sending -----------------------------------------------------------------------------

    def signed(
        self,
        body: str,
        *,
        timestamp: int | None = None,
        content_type: str = "application/x-www-form-urlencoded",
    ) -> dict[str, str]:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        signature = self.verifier.generate_signature(timestamp=stamp, body=body)
        assert signature is not None
        return {
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature,
            "Content-Type": content_type,
        }

    async def post(self, body: str, headers: Mapping[str, str] | None = None) -> httpx.Response:
        return await self.http.post(
            self.events_url, content=body.encode(), headers=dict(headers or self.signed(body))
        )

    async def interact(self, payload: Mapping[str, Any]) -> httpx.Response:
        return await self.post(urlencode({"payload": json.dumps(payload)}))

    # -- what an agent does ------------------------------------------------------------------

    async def command(
        self, text: str = "", *, channel_id: str = DEFAULT_CHANNEL_ID
    ) -> httpx.Response:
        return await self.post(urlencode(self.command_payload(text, channel_id=channel_id)))

    async def submit(
        self,
        view_id: str,
        changes: Mapping[str, str | None] | None = None,
        *,
        labels: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """Submit the open view `view_id`, with `changes` typed into it; returns the ack body
        (after the stand-in applied it the way Slack would). `labels` names picked options."""
        response = await self.interact(self.submission_payload(view_id, changes or {}, labels))
        if response.status_code != 200:
            raise SlackAgentError(
                f"the bot answered the submission with HTTP {response.status_code}: "
                f"{response.text[:200]}"
            )
        answer: dict[str, Any] = response.json() if response.content else {}
        self.slack.apply_view_response(view_id, answer)
        return answer

    async def type_into(self, view_id: str, block_id: str, text: str) -> httpx.Response:
        """Type into an input that dispatches actions (the tour time)."""
        return await self.dispatch(view_id, block_id, text)

    async def dispatch(
        self,
        view_id: str,
        block_id: str,
        value: str | None,
        *,
        labels: Mapping[str, str] | None = None,
        changes: Mapping[str, str | None] | None = None,
    ) -> httpx.Response:
        """What Slack sends when an input with `dispatch_action` changes: typed text, or a
        picked option (`labels` names it). `changes` are the other inputs typed so far."""
        view = self.view_json(view_id, {**(changes or {}), block_id: value}, labels)
        element = _element(view, block_id)
        action: dict[str, Any] = {"block_id": block_id, "action_id": element["action_id"]}
        action.update(_state(element, value, (labels or {}).get(block_id)))
        action["action_ts"] = f"{time.time():.6f}"
        return await self.interact(
            {
                "type": "block_actions",
                "team": {"id": TEAM_ID, "domain": "tourbot-test"},
                "user": self._user(),
                "api_app_id": APP_ID,
                "token": "legacy-token",
                "container": {"type": "view", "view_id": view_id},
                "trigger_id": self.slack.new_trigger_id(),
                "view": view,
                "actions": [action],
            }
        )

    async def click(
        self, channel: str, message_ts: str, action_id: str, value: str
    ) -> httpx.Response:
        """Click a button in a message."""
        return await self.interact(
            {
                "type": "block_actions",
                "team": {"id": TEAM_ID, "domain": "tourbot-test"},
                "user": self._user(),
                "api_app_id": APP_ID,
                "token": "legacy-token",
                "container": {
                    "type": "message",
                    "message_ts": message_ts,
                    "channel_id": channel,
                    "is_ephemeral": False,
                },
                "trigger_id": self.slack.new_trigger_id(),
                "channel": {"id": channel, "name": "leasing-team"},
                "message": {"type": "message", "ts": message_ts, "text": ""},
                "response_url": self.slack.new_response_url(),
                "actions": [
                    {
                        "type": "button",
                        "action_id": action_id,
                        "block_id": "actions",
                        "value": value,
                        "action_ts": f"{time.time():.6f}",
                    }
                ],
            }
        )

    async def suggest(self, view_id: str, action_id: str, query: str) -> httpx.Response:
        """What Slack sends to load an external select's options."""
        return await self.interact(
            {
                "type": "block_suggestion",
                "user": self._user(),
                "container": {"type": "view", "view_id": view_id},
                "api_app_id": APP_ID,
                "token": "legacy-token",
                "action_id": action_id,
                "block_id": action_id,
                "value": query,
                "team": {"id": TEAM_ID, "domain": "tourbot-test"},
                "view": self.view_json(view_id, {}),
            }
        )

    async def event(self, event: Mapping[str, Any]) -> httpx.Response:
        """Deliver one Events API event (a message, a mention) as Slack's event_callback."""
        body = self.event_body(event)
        return await self.post(body, self.signed(body, content_type="application/json"))

    def event_body(self, event: Mapping[str, Any]) -> str:
        """`event_callback(event)` as the JSON body Slack posts (a retry resends the same)."""
        return json.dumps(self.event_callback(event))

    async def say(
        self, channel: str, text: str, ts: str, *, thread_ts: str | None = None
    ) -> list[httpx.Response]:
        """The events Slack sends for a message the agent wrote (already in the stand-in at
        `ts`): a `message`, and an `app_mention` too if it mentions the bot."""
        is_dm = channel.startswith("D")
        event: dict[str, Any] = {
            "type": "message",
            "channel": channel,
            "channel_type": "im" if is_dm else "channel",
            "user": self.user_id,
            "text": text,
            "ts": ts,
            "event_ts": ts,
            "team": TEAM_ID,
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        answers = [await self.event(event)]
        if f"<@{BOT_USER_ID}>" in text and not is_dm:
            answers.append(await self.event({**event, "type": "app_mention"}))
        return answers


class SocketModeAgent(AgentPayloads):
    """The same agent, with the app connected over Socket Mode: each action is an envelope the
    stand-in pushes down the app's websocket, and answers are the app's acks, waited for no
    longer than `ack_timeout` (Slack's 3 s)."""

    def __init__(
        self,
        slack: SlackStandIn,
        *,
        user_id: str = DEFAULT_AGENT_ID,
        user_name: str = "maria",
        ack_timeout: float = ACK_DEADLINE,
    ) -> None:
        super().__init__(slack, user_id=user_id, user_name=user_name)
        self.ack_timeout = ack_timeout

    async def command(self, text: str = "", *, channel_id: str = DEFAULT_CHANNEL_ID) -> SocketAck:
        payload = self.command_payload(text, channel_id=channel_id)
        return await self._deliver("slash_commands", payload, accepts_response_payload=True)

    async def submit(
        self,
        view_id: str,
        changes: Mapping[str, str | None] | None = None,
        *,
        labels: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """Submit the open view `view_id` as `SlackAgent.submit` does; returns the ack's payload
        ({} for a plain ack) after the stand-in applied it the way Slack would."""
        payload = self.submission_payload(view_id, changes or {}, labels)
        ack = await self._deliver("interactive", payload, accepts_response_payload=True)
        answer = ack.payload or {}
        self.slack.apply_view_response(view_id, answer)
        return answer

    async def event(self, event: Mapping[str, Any]) -> SocketAck:
        # Slack numbers first deliveries too: retry_attempt 0, retry_reason "".
        payload = self.event_callback(event)
        return await self._deliver("events_api", payload, retry_attempt=0, retry_reason="")

    async def _deliver(
        self,
        kind: EnvelopeType,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool = False,
        retry_attempt: int | None = None,
        retry_reason: str | None = None,
    ) -> SocketAck:
        envelope_id = await self.slack.send_envelope(
            kind,
            payload,
            accepts_response_payload=accepts_response_payload,
            retry_attempt=retry_attempt,
            retry_reason=retry_reason,
        )
        return await self.slack.wait_for_ack(envelope_id, self.ack_timeout)


def _element(view: Mapping[str, Any], block_id: str) -> dict[str, Any]:
    for block in view.get("blocks", []):
        if block.get("block_id") == block_id and block.get("type") == "input":
            element: dict[str, Any] = block["element"]
            return element
    raise SlackAgentError(f"the view has no input {block_id!r}")


def _initial(element: Mapping[str, Any]) -> str | None:
    if element.get("initial_option"):
        return str(element["initial_option"]["value"])
    if element.get("initial_options"):
        return ", ".join(str(o["value"]) for o in element["initial_options"])
    for key in ("initial_value", "initial_date"):
        if element.get(key) is not None:
            return str(element[key])
    return None


def _state(
    element: Mapping[str, Any], typed: str | None, label: str | None = None
) -> dict[str, Any]:
    kind = element["type"]
    if kind in ("static_select", "external_select"):
        if typed is None:
            return {"type": kind, "selected_option": None}
        options = element.get("options") or []
        shown = label or next((o["text"]["text"] for o in options if o["value"] == typed), typed)
        return {
            "type": kind,
            "selected_option": {"text": {"type": "plain_text", "text": shown}, "value": typed},
        }
    if kind == "multi_static_select":  # typed: the picked values joined by ", "
        options = {o["value"]: o["text"] for o in element.get("options") or []}
        picked = [value for value in (typed or "").split(", ") if value]
        return {
            "type": kind,
            "selected_options": [
                {"text": options.get(value, {"type": "plain_text", "text": value}), "value": value}
                for value in picked
            ],
        }
    if kind == "datepicker":
        return {"type": kind, "selected_date": typed}
    return {"type": kind, "value": typed}
