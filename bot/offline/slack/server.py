"""The stand-in's HTTP side: serves `/api/<method>`, response URLs and the Socket Mode websocket on
127.0.0.1, applying faults, token and scope checks before a method's handler, recording every
answer."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
from collections.abc import Callable, Mapping

from aiohttp import web

from bot.offline.slack.arguments import read_args
from bot.offline.slack.auth import Auth, request_token
from bot.offline.slack.calls import CallLog
from bot.offline.slack.channel_rate import ChannelRate
from bot.offline.slack.chat import Chat
from bot.offline.slack.constants import SOCKET_PATH, Json
from bot.offline.slack.faults import SERVER_ERROR_PAGE, Faults
from bot.offline.slack.records import Call
from bot.offline.slack.socket_mode import SocketMode
from bot.offline.slack.workspace import Handler, Refusal, Workspace

logger = logging.getLogger("bot.offline.slack")  # the name it logged under as one module


class ApiServer:
    """An aiohttp server that answers like Slack, routing each Web API method to its handler."""

    def __init__(
        self,
        workspace: Workspace,
        *,
        log: CallLog,
        faults: Faults,
        auth: Auth,
        chat: Chat,
        sockets: SocketMode,
        handlers: Mapping[str, Handler],
        channel_rate: ChannelRate,
    ) -> None:
        self._workspace = workspace
        self._lock = workspace.lock
        self._log = log
        self._faults = faults
        self._auth = auth
        self._chat = chat
        self._sockets = sockets
        self._handlers = handlers
        self._channel_rate = channel_rate
        self._stubs: dict[str, Handler] = {}
        self._runner: web.AppRunner | None = None
        self._stopping: asyncio.Event | None = None

    def stub(self, method: str, answer: Json | Callable[[Json], Json]) -> None:
        with self._lock:
            self._stubs[method] = answer if callable(answer) else (lambda _args: dict(answer))

    async def start(self, host: str, port: int) -> None:
        """Serve from the running event loop."""
        if self._runner is not None:
            raise RuntimeError("The Slack stand-in is already running.")
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._serve_api)
        app.router.add_post("/response/{id}", self._serve_response_url)
        app.router.add_get(SOCKET_PATH, self._sockets.serve)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound_port = runner.addresses[0][1]
        self._runner = runner
        self._stopping = asyncio.Event()
        self._workspace.served_url = f"http://{host}:{bound_port}"

    async def stop(self) -> None:
        if self._runner is None:
            return
        if self._stopping is not None:
            self._stopping.set()  # wakes delayed answers so shutdown does not wait for them
        await self._sockets.close_all()
        await self._runner.cleanup()
        self._runner = None
        self._workspace.served_url = None

    async def _serve_api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        arrived = time.time()
        args, broken = await read_args(request)
        token = request_token(request, args)
        with self._lock:
            delay = self._faults.take(method, ["delay"])
        if delay is not None:
            await self._pause(delay.seconds)
        headers = {
            "x-oauth-scopes": ",".join(self._workspace.scopes),
            "x-slack-req-id": secrets.token_hex(8),
        }
        with self._lock:
            fault = self._faults.take(method, ["error", "ratelimited", "server_error"])
            if fault is not None and fault.kind == "server_error":
                self._log.record(Call(method, args, arrived, token, fault.status, {}))
                return web.Response(
                    status=fault.status, text=SERVER_ERROR_PAGE, content_type="text/html"
                )
            status = 200
            over = (
                None if fault else self._channel_rate.refusal(method, args.get("channel"), arrived)
            )
            if over is not None:  # past the channel's posting limit, when one is set
                status, answer = 429, {"ok": False, "error": "ratelimited"}
                headers["Retry-After"] = str(over)
            elif fault is not None and fault.kind == "ratelimited":
                status, answer = 429, {"ok": False, "error": "ratelimited"}
                headers["Retry-After"] = str(fault.retry_after)
            elif fault is not None:
                answer = {"ok": False, "error": fault.error}
            else:
                answer = self._answer(method, args, token, broken)
            self._log.record(Call(method, args, arrived, token, status, answer))
        return web.json_response(answer, status=status, headers=headers)

    async def _pause(self, seconds: float) -> None:
        assert self._stopping is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    def _answer(self, method: str, args: Json, token: str | None, broken: str | None) -> Json:
        if token is None:
            return {"ok": False, "error": "not_authed"}
        if (refused := self._auth.token_refusal(method, token)) is not None:
            return {"ok": False, "error": refused}
        stub = self._stubs.get(method)
        handler = self._handlers.get(method)
        if stub is None and handler is None:
            return {"ok": False, "error": "unknown_method", "req_method": method}
        try:
            if broken == "<body>":
                raise Refusal("invalid_json")
            if broken == "blocks":
                raise Refusal("invalid_blocks_format")
            if broken is not None:
                raise Refusal(
                    "invalid_arguments",
                    response_metadata={
                        "messages": [f"[ERROR] invalid JSON [json-pointer:/{broken}]"]
                    },
                )
            self._auth.check_scope(method, args)
            respond = stub or handler
            assert respond is not None
            answer = respond(args)
        except Refusal as refusal:
            return {"ok": False, "error": refusal.error, **refusal.extra}
        except Exception:  # a bug in the stand-in: say so in the log, answer like Slack would
            logger.exception("The Slack stand-in failed to answer %s", method)
            return {"ok": False, "error": "fatal_error"}
        return {"ok": True, **answer} if "ok" not in answer else answer

    async def _serve_response_url(self, request: web.Request) -> web.StreamResponse:
        url_id = request.match_info["id"]
        arrived = time.time()
        raw = await request.text()
        try:
            body = json.loads(raw) if raw.strip() else {}
        except json.JSONDecodeError:
            body = None
        with self._lock:
            url, status, answer = self._chat.answer_response_url(url_id, body)
            args: Json = {**body} if isinstance(body, dict) else {"raw": raw}
            args["response_url"] = url
            self._log.record(Call("response_url", args, arrived, None, status, answer))
        return web.json_response(answer, status=status)
