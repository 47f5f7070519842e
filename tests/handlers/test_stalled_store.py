"""A stalled database never holds an ack past Slack's wall, and what the agent is told is what the
store holds afterwards: the store's tables are locked from a second connection (PostgreSQL's
`LOCK TABLE`, a SQLite writer holding the file) while signed requests reach the real server."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from bot.offline.propexo import SimulatorServer
from bot.offline.runner import offline_settings
from bot.offline.runner import running_bot as offline_bot
from bot.offline.slack import DEFAULT_AGENT_ID, SlackStandIn
from bot.store import Store
from tests.conversation.conversation_kit import Thread
from tests.handlers.slack_app_kit import open_form
from tests.harness import FAST_POLICY, SIGNING_SECRET, RunningBot
from tests.reliability_kit import POSTGRES_URL, fresh_database, postgres_problem

HOLD = 2.5  # seconds the tables stay locked: past the old acks' wait, short for the suite
ACK_TARGET = 1.0  # Slack's wall is 3 s
LOCKED = ("bookings", "seen_events", "dialogues")

Lock = Callable[[], contextlib.AbstractAsyncContextManager[None]]


@contextlib.asynccontextmanager
async def stalled_bot(
    kind: str, slack: SlackStandIn, propexo: SimulatorServer, tmp_path: Path
) -> AsyncIterator[tuple[RunningBot, Lock]]:
    """The bot on `kind`'s database, and a way to lock its tables from outside for HOLD s."""
    if kind == "sqlite":
        database = tmp_path / "tourbot.db"
        async with running(slack, propexo, f"sqlite:///{database}") as bot:
            yield bot, lambda: sqlite_writer(database)
        return
    problem = await postgres_problem()
    if problem is not None:
        pytest.fail(f"PostgreSQL not reachable at {POSTGRES_URL} ({problem})")
    async with fresh_database() as url, running(slack, propexo, url) as bot:
        yield bot, lambda: postgres_lock(url)


@contextlib.asynccontextmanager
async def running(
    slack: SlackStandIn, propexo: SimulatorServer, url: str
) -> AsyncIterator[RunningBot]:
    config = offline_settings(slack, propexo, database_url=url, signing_secret=SIGNING_SECRET)
    async with offline_bot(slack, propexo, config, policy=FAST_POLICY) as bot:
        # The copy of Propexo's lists is read first, as on a bot running a while: the stall
        # below is then the agents' alone, not the moment that first read writes its pages.
        await asyncio.wait_for(bot.tourbot.sync.round_ended.wait(), 10)
        yield bot


@contextlib.asynccontextmanager
async def sqlite_writer(database: Path) -> AsyncIterator[None]:
    """Another process's writer: it holds SQLite's one write lock until the block ends."""
    held = sqlite3.connect(database, isolation_level=None, timeout=30)
    held.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        held.execute("ROLLBACK")
        held.close()


@contextlib.asynccontextmanager
async def postgres_lock(url: str) -> AsyncIterator[None]:
    """A second session that locks the tables (reads included) until the block ends."""
    other = Store.from_url(url)
    try:
        async with other.engine.connect() as connection:
            transaction = await connection.begin()
            await connection.execute(
                text(f"LOCK TABLE {', '.join(LOCKED)} IN ACCESS EXCLUSIVE MODE")
            )
            try:
                yield
            finally:
                await transaction.rollback()
    finally:
        await other.close()


async def timed(request: Awaitable[httpx.Response]) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    response = await request
    return time.perf_counter() - started, response


async def request_keys(bot: RunningBot) -> list[str]:
    return [b.request_key for b in await bot.tourbot.store.bookings_for_user(DEFAULT_AGENT_ID)]


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_a_stalled_store_is_answered_in_time_and_truly(
    kind: str, slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> None:
    async with stalled_bot(kind, slack, propexo_sim, tmp_path) as (bot, lock):
        view_id = await open_form(bot)
        view = bot.agent.view_json(view_id, {})
        request_key = "modal:" + json.loads(view["private_metadata"])["request_id"]
        dm = Thread(bot, bot.slack.dm_channel(DEFAULT_AGENT_ID))
        said = "book Jane Doe jane@example.com tomorrow at 3pm"
        dm.ts = bot.slack.add_message(dm.channel, said).ts
        event = {
            "type": "message",
            "channel": dm.channel,
            "channel_type": "im",
            "user": DEFAULT_AGENT_ID,
            "text": said,
            "ts": dm.ts,
            "event_ts": dm.ts,
        }
        body = bot.agent.event_body(event)

        async with lock():
            submitted, submission = await timed(
                bot.agent.interact(bot.agent.submission_payload(view_id, {}))
            )
            first, delivered = await timed(
                bot.agent.post(body, bot.agent.signed(body, content_type="application/json"))
            )
            retry_headers = {
                **bot.agent.signed(body, content_type="application/json"),
                "X-Slack-Retry-Num": "1",
                "X-Slack-Retry-Reason": "http_timeout",
            }
            again, retried = await timed(bot.agent.post(body, retry_headers))
            await asyncio.sleep(HOLD - (submitted + first + again))

        assert max(submitted, first, again) < ACK_TARGET, (submitted, first, again)
        assert delivered.status_code == retried.status_code == 200
        answer = submission.json()
        assert answer["response_action"] == "errors"
        assert "NOT made" in answer["errors"]["tour_time"]

        # The DM was recorded once the store answered, and answered once despite the retry.
        await dm.answer(1)
        await asyncio.sleep(0.3)
        assert len(dm.bot_messages()) == 1
        # The write that was under way when the agent was told has ended: nothing was stored.
        assert request_key not in await request_keys(bot)
        assert bot.propexo.state.requests_to("POST", "/crm/v1/appointments/eliseai") == []

        # Pressing Submit again books it, once.
        bot.slack.apply_view_response(view_id, answer)
        again_answer = await bot.agent.submit(view_id)
        assert again_answer == {}
        assert (await request_keys(bot)).count(request_key) == 1
