"""The floor for bench/slack_acks.py: a Bolt app that only acks, served like `tourbot serve`.

Same signing check, same aiohttp adapter, same Web API client settings as Tourbot's app, and a
`/tour` command and `book_tour` view listener that do nothing but `await ack()`.

Run: SLACK_BOT_TOKEN=xoxb-… SLACK_SIGNING_SECRET=… SLACK_API_URL=http://…/api/ \\
     python bench/bare_bolt_app.py --port 3001

`--plain` serves an aiohttp handler that reads the body and answers an empty 200, without Bolt:
the floor of the load generator and the HTTP stack themselves.
"""

from __future__ import annotations

import argparse
import logging
import os

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient


def build(token: str, signing_secret: str, api_url: str) -> web.Application:
    bolt = AsyncApp(
        token=token,
        signing_secret=signing_secret,
        client=AsyncWebClient(token=token, base_url=api_url, timeout=10),
        logger=logging.getLogger("bare.slack"),
    )

    async def only_ack(ack: AsyncAck) -> None:
        await ack()

    bolt.command("/tour")(only_ack)
    bolt.view("book_tour")(only_ack)

    async def slack_events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/slack/events", slack_events)
    app.router.add_get("/healthz", healthz)
    return app


def plain() -> web.Application:
    async def empty(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(text="")

    app = web.Application()
    app.router.add_post("/slack/events", empty)
    app.router.add_get("/healthz", empty)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--plain", action="store_true", help="no Bolt: an empty 200 to all")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.plain:
        app = plain()
    else:
        app = build(
            os.environ["SLACK_BOT_TOKEN"],
            os.environ["SLACK_SIGNING_SECRET"],
            os.environ.get("SLACK_API_URL", "https://slack.com/api/"),
        )
    web.run_app(app, host=args.host, port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
