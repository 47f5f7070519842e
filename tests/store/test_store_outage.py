"""The database going away under the running server: /healthz says so, and a booking is refused
truthfully while it is gone, never accepted and lost. A PostgreSQL database recreated empty
takes bookings again by itself, with no restart; a SQLite file deleted while open is copied
aside for the operator to put back."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bot.offline.propexo import SimulatorServer
from bot.offline.runner import offline_settings
from bot.offline.runner import running_bot as offline_bot
from bot.offline.slack import DEFAULT_AGENT_ID, SlackStandIn
from bot.store import Store
from tests.handlers.slack_app_kit import CREATE
from tests.harness import FAST_POLICY, SIGNING_SECRET, RunningBot, running_bot
from tests.reliability_kit import fresh_database
from tests.store.store_kit import reachable_postgres

JANE = "Jane Doe jane@example.com tomorrow at 3pm self-guided"
ANA = "Ana Lima ana@example.com tomorrow at 4pm self-guided"
LEO = "Leo Park leo@example.com tomorrow at 5pm self-guided"


async def book(bot: RunningBot, text: str) -> dict[str, Any]:
    """/tour <text>, then submit the modal it opened: the submission's ack."""
    opened = len(bot.slack.calls_to("views.open"))
    response = await bot.agent.command(text)
    assert response.status_code == 200
    calls = await bot.slack.wait_for("views.open", opened + 1)
    return await bot.agent.submit(calls[-1].response["view"]["id"])


async def health(bot: RunningBot) -> tuple[int, dict[str, Any]]:
    started = time.monotonic()
    response = await bot.http.get(f"{bot.url}/healthz")
    assert time.monotonic() - started < 2.5  # a load balancer's probe never hangs
    body: dict[str, Any] = response.json()
    return response.status_code, body


async def sent(bot: RunningBot, count: int) -> None:
    """Wait until Propexo has received `count` bookings."""
    for _ in range(200):
        if len(bot.propexo.state.requests_to(*CREATE.split(" "))) >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"Propexo never received {count} bookings")


def first_names(bot: RunningBot) -> list[str]:
    """Whose bookings Propexo received, in order."""
    bodies = [r.body for r in bot.propexo.state.requests_to(*CREATE.split(" "))]
    return [str(b["first_name"]) for b in bodies if isinstance(b, dict)]


def refused(answer: dict[str, Any]) -> bool:
    """The modal stayed open saying nothing was saved (and so nothing sent)."""
    errors = answer.get("errors") or {}
    said = str(errors.get("tour_time", ""))
    # The store refused at once, or did not answer within the submission's wait: both say so.
    return answer.get("response_action") == "errors" and (
        said.startswith("Tourbot could not save this booking") or "was NOT made" in said
    )


async def _outside_transaction(admin: Store, *statements: str) -> None:
    async with admin.engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        for statement in statements:
            await autocommit.execute(text(statement))


@asynccontextmanager
async def bot_on(
    slack: SlackStandIn, propexo: SimulatorServer, url: str
) -> AsyncIterator[RunningBot]:
    config = offline_settings(slack, propexo, database_url=url, signing_secret=SIGNING_SECRET)
    async with offline_bot(slack, propexo, config, policy=FAST_POLICY) as bot:
        yield bot


async def test_postgres_database_dropped_and_recreated_while_serving(
    slack: SlackStandIn, propexo_sim: SimulatorServer
) -> None:
    server = await reachable_postgres()
    async with fresh_database(server) as url, bot_on(slack, propexo_sim, url) as bot:
        name = url.rsplit("/", 1)[-1]
        assert (await health(bot))[0] == 200
        assert await book(bot, JANE) == {}
        await sent(bot, 1)
        admin = Store.from_url(server)
        try:
            # FORCE ends the bot's sessions in the same step: a pool reconnecting between a
            # terminate and a drop would hold the database open.
            await _outside_transaction(admin, f'DROP DATABASE "{name}" WITH (FORCE)')
            status, body = await health(bot)
            assert (status, body["ok"]) == (503, False)
            assert "does not exist" in body["problem"]
            assert refused(await book(bot, ANA))
            await _outside_transaction(admin, f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        # Back, empty: the next booking is taken without a restart (the schema made again).
        assert await book(bot, LEO) == {}
        assert (await health(bot))[0] == 200
        await sent(bot, 2)
        assert first_names(bot) == ["Jane", "Leo"]  # Ana's was never sent


async def test_sqlite_file_deleted_while_serving_refuses_bookings_and_saves_a_copy(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> None:
    database = tmp_path / "tourbot.db"
    async with running_bot(slack, propexo_sim, database) as bot:
        assert await book(bot, JANE) == {}
        await sent(bot, 1)
        for path in tmp_path.glob("tourbot.db*"):  # the file and its write-ahead log
            path.unlink()
        status, body = await health(bot)
        assert (status, body["ok"]) == (503, False)
        assert "was deleted while in use, so bookings are refused" in body["problem"]
        assert refused(await book(bot, ANA))  # never "accepted" into a file nobody will read
        assert first_names(bot) == ["Jane"]
    [copy] = tmp_path.glob("tourbot.db.saved-*")
    assert str(copy) in body["problem"]
    assert not database.exists()
    # Put back and restarted, as the answer says: Jane's booking is there, sent once.
    copy.rename(database)
    async with running_bot(slack, propexo_sim, database) as bot:
        assert (await health(bot))[0] == 200
        [kept] = await bot.tourbot.store.bookings_for_user(DEFAULT_AGENT_ID)
        assert kept.summary.startswith("Tour for Jane Doe") and kept.job_id
        assert await book(bot, ANA) == {}
        await sent(bot, 2)
        assert first_names(bot) == ["Jane", "Ana"]


async def test_sqlite_file_deleted_with_its_folder_refuses_bookings(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    async with running_bot(slack, propexo_sim, folder / "tourbot.db") as bot:
        assert await book(bot, JANE) == {}
        await sent(bot, 1)
        shutil.rmtree(folder)
        status, body = await health(bot)
        assert (status, body["ok"]) == (503, False)
        assert "bookings are refused (no copy yet)" in body["problem"]
        assert refused(await book(bot, ANA))
        await asyncio.sleep(0.3)
        assert first_names(bot) == ["Jane"]
        assert not folder.exists()
