"""The bot's HTTP server: Slack's endpoint and a health check around the Bolt app, and what every
long-running command shares (the Slack connection pool, logging, settings read at start).
"""

from __future__ import annotations

import gc
import logging
import sys
import time

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from bot.logs import configure_logging
from bot.settings import Settings, SettingsError, load_settings
from bot.store import StoreUnavailable
from bot.tourbot import Tourbot
from handlers.acks import AckGate
from handlers.thread import SlackThread

logger = logging.getLogger(__name__)


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


async def keep_start_up_out_of_collections(_: web.Application) -> None:
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


def configure_logging_for(settings: Settings) -> None:
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


def settings_or_none(*needs: str) -> Settings | None:
    """The settings a command needs, or None once every problem with them is printed."""
    try:
        return load_settings(*needs)  # type: ignore[arg-type]
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return None
