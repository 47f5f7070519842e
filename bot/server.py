"""`tourbot serve` (HTTP mode, the Procfile's web process) and `tourbot socket` (Socket Mode).

Both build the same app; both warm the time resolver and ready the store before taking work.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import signal
import sys
import time

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import build_app, slack_client
from bot.logs import configure_logging
from bot.settings import Settings, SettingsError, load_settings
from bot.store import StoreUnavailable
from bot.tourbot import Tourbot
from handlers.acks import AckGate
from handlers.thread import SlackThread

logger = logging.getLogger(__name__)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser(
        "serve", help="run the Slack app over HTTP on $PORT (POST /slack/events, GET /healthz)"
    )
    serve.add_argument("--host", default="0.0.0.0", help="address to bind (default 0.0.0.0)")
    serve.add_argument("--port", type=int, help="port to bind (default $PORT, then 3000)")
    serve.set_defaults(run=run_serve)
    socket = commands.add_parser("socket", help="run the Slack app over Socket Mode")
    socket.set_defaults(run=run_socket)
    worker = commands.add_parser(
        "worker", help="deliver bookings only (beside servers started with RUN_WORKER=false)"
    )
    worker.set_defaults(run=run_worker)


def web_app(tourbot: Tourbot, bolt: AsyncApp) -> web.Application:
    """Slack's endpoint and a health check, around the Bolt app."""
    started = time.monotonic()
    acks = AckGate()

    async def slack_events(request: web.Request) -> web.Response:
        with acks.answering():
            bolt_response = await bolt.async_dispatch(await to_bolt_request(request))
            return await to_aiohttp_response(bolt_response)

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response(
            {
                "ok": True,
                "uptime_seconds": round(time.monotonic() - started, 1),
                "deliveries_in_flight": tourbot.deliveries_in_flight,
            }
        )

    async def start(_: web.Application) -> None:
        bolt.client.session = session = slack_session()
        # Deliveries wait while Slack requests are being answered (within AckGate's limit).
        thread = SlackThread(bolt.client, tourbot.store, pause=acks.after_acks)
        try:
            await tourbot.start(thread, pause=acks.after_acks)
        except StoreUnavailable:
            await session.close()
            raise

    async def stop(_: web.Application) -> None:
        await tourbot.close()
        if bolt.client.session is not None:
            await bolt.client.session.close()

    app = web.Application()
    app.router.add_post("/slack/events", slack_events)
    app.router.add_get("/healthz", healthz)
    app.on_startup.append(start)
    app.on_cleanup.append(stop)
    return app


async def _keep_start_up_out_of_collections(_: web.Application) -> None:
    """What start-up made (modules, the warmed time resolver) lives as long as the process: the
    garbage collector need not walk it again, and walks what is left (listeners' work in flight)
    a tenth as often. Each full collection held every ack for 50-140 ms under load."""
    gc.collect()
    gc.freeze()
    young, middle = gc.get_threshold()[:2]
    gc.set_threshold(young, middle, 100)  # full collections: Python's default is every 10th


def slack_session() -> aiohttp.ClientSession:
    """One connection pool for every Web API call: without it slack-sdk opens a session (and a
    connection) per call, which under load costs more than the listeners themselves."""
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))


def _configure_logging(settings: Settings) -> None:
    """JSON lines or text (LOG_FORMAT), never holding a contact detail or any of our secrets."""
    secrets = (
        settings.slack_bot_token,
        settings.slack_signing_secret,
        settings.slack_app_token,
        settings.propexo_api_key,
    )
    configure_logging(
        settings.log_format, secrets=[s.get_secret_value() for s in secrets if s is not None]
    )


def _settings(*needs: str) -> Settings | None:
    try:
        return load_settings(*needs)  # type: ignore[arg-type]
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return None


def run_serve(args: argparse.Namespace) -> int:
    settings = _settings("http", "propexo")
    if settings is None:
        return 2
    _configure_logging(settings)
    tourbot = Tourbot.from_settings(settings)
    app = web_app(tourbot, build_app(tourbot))
    app.on_startup.append(_keep_start_up_out_of_collections)
    port = args.port or settings.port
    try:
        web.run_app(
            app,
            host=args.host,
            port=port,
            print=lambda _: logger.info("Tourbot listening on http://%s:%s", args.host, port),
            access_log=None,
        )
    except StoreUnavailable as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


def run_socket(args: argparse.Namespace) -> int:
    """Take Slack's work over Socket Mode until SIGTERM or Ctrl-C, then drain; 1 when Slack
    cannot be reached or refuses the app token."""
    settings = _settings("socket", "propexo")
    if settings is None:
        return 2
    _configure_logging(settings)
    assert settings.slack_app_token is not None
    app_token = settings.slack_app_token.get_secret_value()

    async def main() -> int:
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        tourbot = Tourbot.from_settings(settings)
        bolt = build_app(tourbot)
        bolt.client.session = session = slack_session()
        problem = await _socket_mode_problem(bolt.client, app_token, settings.slack_api_url)
        if problem is not None:
            print(problem, file=sys.stderr)
            await session.close()
            return 1
        try:
            await tourbot.start(SlackThread(bolt.client, tourbot.store))
        except StoreUnavailable as exc:
            print(exc, file=sys.stderr)
            await session.close()
            return 1
        handler = AsyncSocketModeHandler(bolt, app_token)
        logger.info("Tourbot connecting to Slack over Socket Mode")
        connecting = asyncio.create_task(handler.connect_async())  # type: ignore[no-untyped-call]
        await stop.wait()
        logger.info("stopping: closing the Slack connection, finishing deliveries under way")
        connecting.cancel()
        await handler.close_async()  # type: ignore[no-untyped-call]
        await tourbot.close()
        await session.close()
        return 0

    return asyncio.run(main())


async def _socket_mode_problem(client: AsyncWebClient, app_token: str, api_url: str) -> str | None:
    """Why Socket Mode cannot start, in a sentence; None when Slack issues a connection URL.
    Asked once up front: slack-sdk retries a refused token forever, a traceback each time."""
    try:
        await client.apps_connections_open(app_token=app_token)
    except SlackApiError as exc:
        return (
            f"Slack refused SLACK_APP_TOKEN ({exc.response.get('error')}): use an app-level "
            "token with the connections:write scope, from Basic Information > App-Level Tokens "
            "of the same app as SLACK_BOT_TOKEN."
        )
    except (aiohttp.ClientError, TimeoutError) as exc:
        return f"Tourbot could not reach Slack at {api_url}: {exc or type(exc).__name__}."
    return None


def run_worker(args: argparse.Namespace) -> int:
    """Deliver bookings until SIGTERM or Ctrl-C, then drain."""
    settings = _settings("slack", "propexo")
    if settings is None:
        return 2
    _configure_logging(settings)

    async def main() -> int:
        assert settings.slack_bot_token is not None
        client = slack_client(settings.slack_bot_token.get_secret_value(), settings.slack_api_url)
        client.session = slack_session()
        tourbot = Tourbot.from_settings(settings.model_copy(update={"run_worker": True}))
        try:
            await tourbot.start(SlackThread(client, tourbot.store), lookups=False)
        except StoreUnavailable as exc:
            print(exc, file=sys.stderr)
            if client.session is not None:
                await client.session.close()
            return 1
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        logger.info("Tourbot worker delivering bookings from %s", _where(settings.database_url))
        await stop.wait()
        logger.info("stopping: finishing deliveries under way")
        await tourbot.close()
        if client.session is not None:
            await client.session.close()
        return 0

    return asyncio.run(main())


def _where(database_url: str) -> str:
    return database_url.split("@")[-1]  # never the password
