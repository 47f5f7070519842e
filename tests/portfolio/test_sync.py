"""The copy of Propexo's lists, read from the simulator over a socket into a real store (SQLite
and PostgreSQL): complete after a first read, kept fresh by asking only for what changed, resumed
where it stopped, one reader at a time, within its share of the budget."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bot.offline.propexo import SimulatorServer
from bot.portfolio.sync import PAGE, Pace, PortfolioSync
from bot.propexo.client import PropexoClient
from bot.store import Store
from bot.store.portfolio import PROSPECTS
from bot.store.schema import ProspectRow
from tests.store.store_kit import postgres_store

PEOPLE = 1_200  # five pages of prospects
ROOMY = Pace(limit=10_000, share=0.5)  # pacing is tested on its own below


@pytest.fixture
def sim() -> Iterator[SimulatorServer]:
    with SimulatorServer(prospect_count=PEOPLE, community_count=40, rate_limit=10_000) as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """A store on the real clock: leases and budget units run out as they do in service."""
    if request.param == "sqlite":
        async with Store.from_url(f"sqlite:///{tmp_path / 'tourbot.db'}") as store:
            await store.create_schema()
            yield store
        return
    async with postgres_store() as store:
        yield store


@pytest.fixture
async def propexo(sim: SimulatorServer) -> AsyncIterator[PropexoClient]:
    client = PropexoClient(sim.url, sim.api_key)
    yield client
    await client.aclose()


def sync_for(
    store: Store, propexo: PropexoClient, sim: SimulatorServer, **options: object
) -> PortfolioSync:
    options.setdefault("pace", ROOMY)
    return PortfolioSync(store, propexo, sim.integration_id, **options)  # type: ignore[arg-type]


def list_reads(sim: SimulatorServer, path: str = "/crm/v1/prospects") -> list[dict[str, str]]:
    """The sync's reads of a list (the tests' own reads of it, through `listed`, ask no order)."""
    return [
        r.query
        for r in sim.state.requests
        if r.method == "GET" and r.path.rstrip("/") == path and "order-by" in r.query
    ]


def put(
    sim: SimulatorServer, kind: str, records: list[dict[str, object]]
) -> list[dict[str, object]]:
    answer = httpx.post(f"{sim.url}/_sim/{kind}", json=records, timeout=5)
    answer.raise_for_status()
    return list(answer.json()[kind])


def listed(sim: SimulatorServer) -> dict[str, str | None]:
    """Every prospect the simulator lists now: id -> email (read over the API, as Propexo's)."""
    found: dict[str, str | None] = {}
    offset = 0
    with httpx.Client(base_url=sim.url, headers={"Authorization": f"Bearer {sim.api_key}"}) as http:
        while True:
            page = http.get("/crm/v1/prospects/", params={"offset": offset, "limit": 250}).json()
            found.update({r["id"]: r.get("email_1") for r in page["results"]})
            if not page["meta"]["hasMore"]:
                return found
            offset += len(page["results"])


async def stored(store: Store, sim: SimulatorServer) -> dict[str, str | None]:
    """Every prospect in the store's copy: id -> email."""
    async with store.engine.connect() as connection:
        rows = await connection.execute(
            select(ProspectRow.propexo_id, ProspectRow.email).where(
                ProspectRow.integration_id == sim.integration_id
            )
        )
        return {propexo_id: email for propexo_id, email in rows}


async def test_a_first_read_copies_every_prospect_and_community(
    store: Store, propexo: PropexoClient, sim: SimulatorServer
) -> None:
    await sync_for(store, propexo, sim).read_once()

    assert await store.portfolio.prospect_count(sim.integration_id) == len(listed(sim))
    communities = await store.portfolio.communities(sim.integration_id)
    assert len(communities) == len(sim.state.communities)
    progress = await store.portfolio.progress(PROSPECTS, sim.integration_id)
    assert progress.complete and progress.records_read == len(listed(sim))
    assert len(list_reads(sim)) == -(-len(listed(sim)) // PAGE)  # each page once
    found = await store.portfolio.search_prospects(sim.integration_id, "jane doe")
    assert any(p.email == "jane.doe@example.com" for p in found)


async def test_later_reads_ask_only_for_what_changed(
    store: Store, propexo: PropexoClient, sim: SimulatorServer
) -> None:
    sync = sync_for(store, propexo, sim, interval=0.0)
    await sync.read_once()
    sim.state.clear_requests()
    someone = next(iter(listed(sim)))
    put(sim, "prospects", [{"id": someone, "email_1": "moved@example.com"}])
    put(
        sim,
        "prospects",
        [{"first_name": "Quinn", "last_name": "Zephyrine", "email_1": "qz@example.com"}],
    )
    put(sim, "communities", [{"name": "Juniper Commons"}])

    await sync.read_once()

    reads = list_reads(sim) + list_reads(sim, "/crm/v1/communities")
    assert len(reads) == 2 and all("updated_at_gte" in query for query in reads)
    assert [
        p.email for p in await store.portfolio.search_prospects(sim.integration_id, "zephyrine")
    ] == ["qz@example.com"]
    assert (
        await store.portfolio.prospect(sim.integration_id, someone)
    ).email == "moved@example.com"  # type: ignore[union-attr]
    names = [c.name for c in await store.portfolio.communities(sim.integration_id)]
    assert "Juniper Commons" in names


async def test_a_read_cut_short_resumes_where_it_stopped(
    store: Store, propexo: PropexoClient, sim: SimulatorServer
) -> None:
    stopping = asyncio.Event()
    first = sync_for(store, propexo, sim)

    async def stop_after_two_pages() -> None:
        while len(list_reads(sim)) < 2:
            await asyncio.sleep(0.001)
        stopping.set()

    await asyncio.gather(first.read_once(stopping), stop_after_two_pages())
    progress = await store.portfolio.progress(PROSPECTS, sim.integration_id)
    assert not progress.complete and 0 < progress.records_read < len(listed(sim))
    pages_before = len(list_reads(sim))

    await sync_for(store, propexo, sim).read_once()  # a new instance (a restart)

    resumed = list_reads(sim)[pages_before]
    assert resumed["updated_at_gte"] and int(resumed["offset"]) == progress.at_cursor
    assert len(list_reads(sim)) <= -(-len(listed(sim)) // PAGE) + 1
    assert await stored(store, sim) == listed(sim)


class ChangingPropexo(PropexoClient):
    """Propexo whose prospects change while they are being read, as agents work in EliseAI."""

    def __init__(self, sim: SimulatorServer, seed: int) -> None:
        super().__init__(sim.url, sim.api_key)
        self.sim = sim
        self.rng = random.Random(seed)

    async def prospect_page(self, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        page = await super().prospect_page(*args, **kwargs)  # type: ignore[arg-type]
        everyone = list(listed(self.sim))
        changed: list[dict[str, object]] = [
            {"id": who, "email_1": f"changed{self.rng.randrange(10**6)}@example.com"}
            for who in self.rng.sample(everyone, 3)
        ]
        added: list[dict[str, object]] = [
            {
                "first_name": "New",
                "last_name": f"Lead{self.rng.randrange(10**6)}",
                "email_1": f"new{self.rng.randrange(10**6)}@example.com",
            }
        ]
        await asyncio.to_thread(put, self.sim, "prospects", [*changed, *added])
        return page


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_records_changed_during_a_read_are_not_lost(
    store: Store, sim: SimulatorServer, seed: int
) -> None:
    changing = ChangingPropexo(sim, seed)
    try:
        await sync_for(store, changing, sim).read_once()
    finally:
        await changing.aclose()
    async with PropexoClient(sim.url, sim.api_key) as still:
        await sync_for(store, still, sim, interval=0.0).read_once()  # what changed at the end
    assert await stored(store, sim) == listed(sim)


async def test_two_instances_read_the_list_once_between_them(
    tmp_path: Path, propexo: PropexoClient, sim: SimulatorServer
) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    async with Store.from_url(url) as a, Store.from_url(url) as b:
        await a.create_schema()
        await asyncio.gather(
            sync_for(a, propexo, sim).read_once(), sync_for(b, propexo, sim).read_once()
        )
        assert len(list_reads(sim)) == -(-len(listed(sim)) // PAGE)
        assert await stored(b, sim) == listed(sim)


async def test_the_reader_keeps_to_its_share_of_the_budget(
    store: Store, propexo: PropexoClient, sim: SimulatorServer
) -> None:
    pace = Pace(limit=20, share=0.25, window=2.0)  # 5 of the reader's requests in any 2 s
    await sync_for(store, propexo, sim, pace=pace).read_once()
    times = sorted(
        datetime.fromisoformat(r.received_at) for r in sim.state.requests if r.method == "GET"
    )
    assert len(times) == 6  # a page of communities, five of prospects: one more than 5
    assert (times[-1] - times[0]).total_seconds() >= pace.window - 0.05
    for i, start in enumerate(times):
        within = [t for t in times[i:] if (t - start).total_seconds() < pace.window - 0.05]
        assert len(within) <= pace.most


async def test_the_reader_waits_while_others_use_the_budget(
    store: Store, propexo: PropexoClient, sim: SimulatorServer
) -> None:
    pace = Pace(limit=20, share=0.25, window=2.0)  # waits while 15 units are in use
    units = [await store.take_budget(20) for _ in range(15)]
    reading = asyncio.create_task(sync_for(store, propexo, sim, pace=pace).read_once())
    await asyncio.sleep(1.5)
    assert list_reads(sim, "/crm/v1/communities") == []
    for unit in units:
        await store.give_back_budget(unit)  # type: ignore[arg-type]
    await asyncio.wait_for(reading, 30)
    assert list_reads(sim, "/crm/v1/communities")


async def test_propexo_failing_is_said_once_and_the_next_round_goes_on(
    store: Store, propexo: PropexoClient, sim: SimulatorServer, caplog: pytest.LogCaptureFixture
) -> None:
    sim.add_fault("GET /crm/v1/prospects", "status", status=400, times=None)
    sync = sync_for(store, propexo, sim, interval=0.0)
    with caplog.at_level(logging.WARNING, logger="bot.portfolio.sync"):
        await sync.read_once()
        await sync.read_once()
        sim.clear_faults()
        await sync.read_once()
    said = [r.getMessage() for r in caplog.records]
    assert len([m for m in said if "stopped" in m]) == 1
    assert any("works again" in m for m in said)
    assert await stored(store, sim) == listed(sim)


async def test_a_look_up_beside_the_lists_spends_from_their_share_or_is_skipped(
    store: Store, propexo: PropexoClient, sim: SimulatorServer
) -> None:
    pace = Pace(limit=20, share=0.25, window=2.0)  # 5 in any 2 s, none while 15 are in use
    sync = sync_for(store, propexo, sim, pace=pace)
    assert [await sync.turn_now() for _ in range(6)] == [True] * 5 + [False]
    await asyncio.sleep(pace.window)
    units = [await store.take_budget(20) for _ in range(15)]
    assert not await sync.turn_now()  # the others hold the rest of the budget
    for unit in units:
        await store.give_back_budget(unit)  # type: ignore[arg-type]
    assert await sync.turn_now()
