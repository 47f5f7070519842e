"""Slack's side of Socket Mode: the websocket `apps.connections.open` points to, where the stand-in
greets the app, pushes envelopes (commands, interactions, events) and reads the app's acks."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
import uuid
from dataclasses import dataclass, field
from typing import Literal

from aiohttp import WSCloseCode, WSMessage, WSMsgType, web
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.offline.slack.calls import CallLog
from bot.offline.slack.constants import ACK_DEADLINE, APP_ID, SOCKET_HOST, SOCKET_PATH, Json
from bot.offline.slack.workspace import Workspace

EnvelopeType = Literal["slash_commands", "interactive", "events_api"]


class SocketNotConnected(RuntimeError):
    """An envelope or a disconnect was to be sent, but the app has no connection open."""


class SocketModeTimeout(TimeoutError):
    """`wait_for_connection` or `wait_for_ack` gave up."""


@dataclass
class SocketConnection:
    """A websocket the app opened with a URL from apps.connections.open (greeted with hello)."""

    id: str
    ticket: str
    opened_at: float  # time.time()
    closed_at: float | None = None
    disconnect_reason: str | None = None  # sent a `disconnect`: nothing more is routed here
    pings: int = 0  # websocket pings from the app, each answered with a pong
    received: list[Json] = field(default_factory=list)  # from the app, other than awaited acks
    socket: web.WebSocketResponse | None = field(default=None, repr=False)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


@dataclass(frozen=True)
class SocketAck:
    """The app's acknowledgement of an envelope: `{"envelope_id", "payload"?}`, when it arrived
    (`time.time()`) and how many seconds after the envelope was sent."""

    envelope_id: str
    payload: Json | None  # e.g. a view submission's `response_action`, a command's message
    at: float
    seconds: float

    @property
    def late(self) -> bool:
        return self.seconds > ACK_DEADLINE


@dataclass
class SocketEnvelope:
    """An envelope pushed to the app over `connection_id`, and its ack once one came back."""

    request: SocketModeRequest
    connection_id: str
    sent_at: float  # time.time()
    ack: SocketAck | None = None


def _envelope_json(request: SocketModeRequest) -> Json:
    # SocketModeRequest.to_dict() keeps only type, envelope_id and payload; Slack sends the rest.
    envelope: Json = {
        **request.to_dict(),
        "accepts_response_payload": request.accepts_response_payload,
    }
    if request.retry_attempt is not None:
        envelope["retry_attempt"] = request.retry_attempt
    if request.retry_reason is not None:
        envelope["retry_reason"] = request.retry_reason
    return envelope


def _socket_message_json(message: WSMessage) -> Json:
    """A message from the app as JSON; one that is not a JSON object, as its raw text."""
    try:
        body = json.loads(message.data)
    except (TypeError, json.JSONDecodeError):
        body = None
    return body if isinstance(body, dict) else {"raw": str(message.data)}


class SocketMode:
    """The app's Socket Mode connections and the envelopes pushed over them."""

    def __init__(self, workspace: Workspace, log: CallLog) -> None:
        self._workspace = workspace
        self._lock = workspace.lock
        self._log = log
        self._tickets: set[str] = set()  # from apps.connections.open, for the websocket
        self._sockets: list[SocketConnection] = []
        self._envelopes: dict[str, SocketEnvelope] = {}
        self._loop: asyncio.AbstractEventLoop | None = None  # the one the websockets live on

    def connection_url(self) -> str:
        """A websocket URL with a new ticket, as apps.connections.open answers."""
        ticket = secrets.token_hex(16)
        self._tickets.add(ticket)
        socket_url = "ws" + self._workspace.url.removeprefix("http") + SOCKET_PATH
        return f"{socket_url}?ticket={ticket}&app_id={APP_ID}"

    @property
    def connections(self) -> list[SocketConnection]:
        with self._lock:
            return list(self._sockets)

    @property
    def envelopes(self) -> list[SocketEnvelope]:
        with self._lock:
            return list(self._envelopes.values())

    async def send_envelope(
        self,
        kind: EnvelopeType,
        payload: Json,
        *,
        accepts_response_payload: bool,
        retry_attempt: int | None,
        retry_reason: str | None,
    ) -> str:
        request = SocketModeRequest(
            type=kind,
            envelope_id=str(uuid.uuid4()),
            payload=payload,
            accepts_response_payload=accepts_response_payload,
            retry_attempt=retry_attempt,
            retry_reason=retry_reason,
        )
        with self._lock:
            connection = self._live_connection()
            self._envelopes[request.envelope_id] = SocketEnvelope(
                request, connection.id, sent_at=time.time()
            )
        await self._send_on(connection, _envelope_json(request))
        return request.envelope_id

    async def disconnect(self, reason: str) -> SocketConnection:
        with self._lock:
            connection = self._live_connection()
            connection.disconnect_reason = reason
        message = {"type": "disconnect", "reason": reason, "debug_info": {"host": SOCKET_HOST}}
        await self._send_on(connection, message)
        return connection

    async def wait_for_connection(self, count: int, timeout: float) -> SocketConnection:
        def opened() -> SocketConnection | None:
            with self._lock:
                return self._sockets[count - 1] if len(self._sockets) >= count else None

        def gave_up() -> Exception:
            return SocketModeTimeout(
                f"waited {timeout:g} s for {count} Socket Mode connection(s), "
                f"{len(self.connections)} opened"
            )

        return await self._log.until(opened, timeout, gave_up)

    async def wait_for_ack(self, envelope_id: str, timeout: float) -> SocketAck:
        def acked() -> SocketAck | None:
            with self._lock:
                envelope = self._envelopes.get(envelope_id)
            if envelope is None:
                raise KeyError(f"no envelope {envelope_id} was sent")
            return envelope.ack

        def gave_up() -> Exception:
            return SocketModeTimeout(f"no ack of envelope {envelope_id} within {timeout:g} s")

        return await self._log.until(acked, timeout, gave_up)

    def _live_connection(self) -> SocketConnection:
        # The newest open one, as Slack routes to one of the app's connections.
        for connection in reversed(self._sockets):
            if connection.is_open and connection.disconnect_reason is None:
                return connection
        raise SocketNotConnected("the app has no Socket Mode connection open")

    async def _send_on(self, connection: SocketConnection, message: Json) -> None:
        socket, loop = connection.socket, self._loop
        assert socket is not None and loop is not None
        if loop is asyncio.get_running_loop():
            await socket.send_json(message)
        else:  # the websocket belongs to the server's loop, on its own thread under `with`
            sending = asyncio.run_coroutine_threadsafe(socket.send_json(message), loop)
            await asyncio.wrap_future(sending)

    def _hello(self) -> Json:
        return {
            "type": "hello",
            "num_connections": sum(1 for c in self._sockets if c.is_open) + 1,
            "debug_info": {
                "host": SOCKET_HOST,
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
            "connection_info": {"app_id": APP_ID},
        }

    async def serve(self, request: web.Request) -> web.StreamResponse:
        """The websocket a URL from apps.connections.open opens, for as long as it stays open."""
        ticket = request.query.get("ticket", "")
        with self._lock:
            known = ticket in self._tickets
        if not known:
            return web.Response(status=401, text="invalid_ticket")
        socket = web.WebSocketResponse(autoping=False)  # pings are answered (and counted) below
        await socket.prepare(request)
        self._loop = asyncio.get_running_loop()
        connection = SocketConnection(
            id=f"socket-{self._workspace.next_id()}",
            ticket=ticket,
            opened_at=time.time(),
            socket=socket,
        )
        with self._lock:
            hello = self._hello()
        await socket.send_json(hello)
        with self._lock:
            self._sockets.append(connection)
        self._log.wake()
        try:
            async for message in socket:
                await self._socket_message(connection, message)
        finally:
            with self._lock:
                connection.closed_at = time.time()
            self._log.wake()
        return socket

    async def _socket_message(self, connection: SocketConnection, message: WSMessage) -> None:
        if message.type == WSMsgType.PING:
            with self._lock:
                connection.pings += 1
            assert connection.socket is not None
            await connection.socket.pong(message.data)
        elif message.type == WSMsgType.TEXT:
            self._take_ack(connection, _socket_message_json(message))

    def _take_ack(self, connection: SocketConnection, body: Json) -> None:
        arrived = time.time()
        with self._lock:
            envelope = self._envelopes.get(str(body.get("envelope_id")))
            if envelope is None or envelope.ack is not None:
                connection.received.append(body)  # not an ack Slack is waiting for
                return
            payload = body.get("payload")
            # Read as slack_sdk reads it: a string payload is {"text": ...}.
            response = SocketModeResponse(
                envelope.request.envelope_id, payload if isinstance(payload, dict | str) else None
            )
            envelope.ack = SocketAck(
                response.envelope_id, response.payload, arrived, arrived - envelope.sent_at
            )
        self._log.wake()

    async def close_all(self) -> None:
        for connection in self.connections:
            if connection.socket is not None and not connection.socket.closed:
                await connection.socket.close(code=WSCloseCode.GOING_AWAY)
