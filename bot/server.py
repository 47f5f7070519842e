"""The bot's HTTP server: Slack's endpoint and a health check around the Bolt app, and what every
long-running command shares (the Slack connection pool, logging, settings read at start).
"""

from __future__ import annotations

import gc
import hashlib
import hmac
import json
import logging
import sys
import time
from collections.abc import Mapping

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.error import BoltError
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.logs import configure_logging, reason
from bot.settings import Settings, SettingsError, load_settings
from bot.store import StoreUnavailable
from bot.tourbot import Tourbot
from handlers.acks import AckGate
from handlers.thread import SlackThread

logger = logging.getLogger(__name__)

SIGNATURE_MAX_AGE = 300  # seconds either way, as Slack advises: older is a replay or a bad clock
_LONGEST_TIMESTAMP = 12  # digits; Unix seconds have 10 until the year 5138
# What Bolt's parsing of a payload raises when its shape is not one Slack sends.
_SHAPE_ERRORS = (ValueError, TypeError, AttributeError, KeyError, IndexError, BoltError)


def web_app(tourbot: Tourbot, bolt: AsyncApp) -> web.Application:
    """Slack's endpoint and a health check, around the Bolt app."""
    started = time.monotonic()
    acks = AckGate()
    if tourbot.settings.slack_signing_secret is None:
        raise ValueError("SLACK_SIGNING_SECRET is required to take Slack's requests over HTTP")
    secret = tourbot.settings.slack_signing_secret.get_secret_value().encode()

    async def slack_events(request: web.Request) -> web.Response:
        with acks.answering():
            body = await request.read()
            # Checked before anything reads the body: an unsigned one is never parsed or logged.
            problem = signature_problem(secret, request.headers, body, time.time())
            if problem is not None:
                logger.warning("refused a request to /slack/events: %s", problem)
                return web.Response(status=401, text="invalid request signature")
            try:
                bolt_request = AsyncBoltRequest(
                    body=body.decode("utf-8"),  # what Slack sends, whatever the header says
                    query=request.query_string,
                    headers=dict(request.headers),
                )
            except _SHAPE_ERRORS as exc:
                logger.warning("refused a signed request Tourbot cannot read: %s", _unreadable(exc))
                return web.Response(status=400, text="unreadable request")
            try:
                answer = await bolt.async_dispatch(bolt_request)
            except _SHAPE_ERRORS:  # Bolt's own reading of the payload, around the listeners
                logger.warning("refused a signed request: its payload is not shaped as Slack's are")
                return web.Response(status=400, text="unreadable request")
            return await to_aiohttp_response(answer)

    async def healthz(_: web.Request) -> web.Response:
        problem = await tourbot.store.problem()  # healthy means bookings can be stored
        answer: dict[str, object] = {
            "ok": problem is None,
            "uptime_seconds": round(time.monotonic() - started, 1),
            "deliveries_in_flight": tourbot.deliveries_in_flight,
        }
        if problem is not None:
            answer["problem"] = problem
        return web.json_response(answer, status=200 if problem is None else 503)

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


def signature_problem(
    secret: bytes, headers: Mapping[str, str], body: bytes, now: float
) -> str | None:
    """Why the request is not Slack's, in words (None when it is): Slack signs
    `v0:{timestamp}:{body}` with HMAC-SHA256 under the app's signing secret."""
    stamp = headers.get("X-Slack-Request-Timestamp", "")
    signature = headers.get("X-Slack-Signature", "")
    if not stamp or not signature:
        return "it has no Slack signature"
    if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= _LONGEST_TIMESTAMP):
        return "its timestamp is not a number of seconds"
    age = now - int(stamp)
    if abs(age) > SIGNATURE_MAX_AGE:
        return (
            f"it was signed {abs(age):.0f} s {'ago' if age > 0 else 'ahead'}, more than "
            f"{SIGNATURE_MAX_AGE} s (a replay, or this server's clock is off)"
        )
    expected = hmac.new(secret, b"v0:" + stamp.encode() + b":" + body, hashlib.sha256)
    given = signature.encode("utf-8", "replace")
    if not hmac.compare_digest(b"v0=" + expected.hexdigest().encode(), given):
        return "its signature does not match SLACK_SIGNING_SECRET (was the secret rotated?)"
    return None


def _unreadable(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "its body is not UTF-8"
    if isinstance(exc, json.JSONDecodeError):  # its message says where, never what
        return f"its payload is not JSON ({exc})"
    return "its payload is not shaped as Slack's are"


async def slack_token_problem(client: AsyncWebClient, api_url: str) -> str | None:
    """Why SLACK_BOT_TOKEN cannot be used, in a sentence; None when Slack accepts it
    (auth.test, the call Bolt would otherwise make on the first request)."""
    try:
        await client.auth_test()
    except SlackApiError as exc:
        return (
            f"Slack refused SLACK_BOT_TOKEN ({exc.response.get('error')}): use the Bot User "
            "OAuth Token (xoxb-) from OAuth & Permissions of the app that is installed."
        )
    except (aiohttp.ClientError, TimeoutError) as exc:
        return f"Tourbot could not reach Slack at {api_url}: {reason(exc)}."
    return None


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
    """JSON lines or text (LOG_FORMAT) from LOG_LEVEL up, never holding a contact detail or any
    of our secrets."""
    secrets = (
        settings.slack_bot_token,
        settings.slack_signing_secret,
        settings.slack_app_token,
        settings.propexo_api_key,
    )
    configure_logging(
        settings.log_format,
        secrets=[s.get_secret_value() for s in secrets if s is not None],
        level=settings.log_level,
    )


def settings_or_none(*needs: str) -> Settings | None:
    """The settings a command needs, or None once every problem with them is printed."""
    try:
        return load_settings(*needs)  # type: ignore[arg-type]
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return None
