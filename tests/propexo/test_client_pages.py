"""The Propexo client's reads for an incremental sync, against the simulator over real sockets:
one page at a time in order of `updated_at`, only what changed since a moment, an exact look-up
by email or phone (whether or not the server honours the filter), records of another
integration dropped, and records that are null almost everywhere."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest

from bot.offline.propexo import DEFAULT_INTEGRATION_ID, SimulatorServer
from bot.propexo import Page, PropexoClient, Prospect
from tests.propexo.test_client import client_for, propexo

__all__ = ["propexo"]  # the fixture, from test_client

PROSPECTS = "/crm/v1/prospects/"
MARCUS = "marcus.reyes@example.com"


def put(sim: SimulatorServer, path: str, records: list[dict[str, object]]) -> None:
    answer = httpx.post(sim.url + path, json=records)
    assert answer.status_code == 200, answer.text


async def read_through(
    propexo: PropexoClient, integration_id: str | None, since: datetime | None = None
) -> list[Page[Prospect]]:
    pages = [await propexo.prospect_page(integration_id, offset=0, updated_since=since)]
    while pages[-1].has_more:
        pages.append(
            await propexo.prospect_page(
                integration_id, offset=pages[-1].next_offset, updated_since=since
            )
        )
    return pages


# -- paging --------------------------------------------------------------------------------------


async def test_pages_come_oldest_update_first(
    propexo_sim: SimulatorServer, propexo: PropexoClient
) -> None:
    pages = await read_through(propexo, DEFAULT_INTEGRATION_ID)

    assert [(len(p.records), p.has_more, p.next_offset) for p in pages] == [
        (250, True, 250),
        (50, False, 300),
    ]
    prospects = [p for page in pages for p in page.records]
    assert len({p.id for p in prospects}) == 300
    stamps = [p.updated_at for p in prospects if p.updated_at is not None]
    assert len(stamps) == 300 and all(s.tzinfo is not None for s in stamps)
    assert stamps == sorted(stamps)
    assert [page.newest_update for page in pages] == [stamps[249], stamps[-1]]
    queries = [r.query for r in propexo_sim.state.requests]
    assert [(q["offset"], q["limit"], q["order-by"]) for q in queries] == [
        ("0", "250", "updated_at:asc"),
        ("250", "250", "updated_at:asc"),
    ]
    assert all(q["integration_id"] == DEFAULT_INTEGRATION_ID for q in queries)
    assert all("updated_at_gte" not in q for q in queries)


async def test_a_smaller_page_and_the_end_of_the_list(propexo: PropexoClient) -> None:
    page = await propexo.prospect_page(None, offset=290, limit=7)
    last = await propexo.prospect_page(None, offset=page.next_offset, limit=7)
    beyond = await propexo.prospect_page(None, offset=400, limit=7)

    assert (len(page.records), page.has_more, page.next_offset) == (7, True, 297)
    assert (len(last.records), last.has_more, last.next_offset) == (3, False, 300)
    assert (beyond.records, beyond.has_more, beyond.next_offset) == ([], False, 400)
    assert beyond.newest_update is None
    with pytest.raises(ValueError, match="limit"):
        await propexo.prospect_page(None, offset=0, limit=251)


async def test_communities_page_the_same_way(
    propexo_sim: SimulatorServer, propexo: PropexoClient
) -> None:
    page = await propexo.community_page(DEFAULT_INTEGRATION_ID, offset=0)

    assert len(page.records) == 6 and page.has_more is False and page.next_offset == 6
    stamps = [c.updated_at for c in page.records if c.updated_at is not None]
    assert len(stamps) == 6 and stamps == sorted(stamps) and page.newest_update == stamps[-1]
    assert "Harbor View Residences" in [c.name for c in page.records]
    [query] = [r.query for r in propexo_sim.state.requests]
    assert query["order-by"] == "updated_at:asc"


# -- only what changed ---------------------------------------------------------------------------


async def test_updated_since_reads_only_what_changed(
    propexo_sim: SimulatorServer, propexo: PropexoClient
) -> None:
    everything = [p for page in await read_through(propexo, None) for p in page.records]
    cursor = everything[-10].updated_at
    assert cursor is not None
    propexo_sim.state.clear_requests()

    [recent] = await read_through(propexo, None, since=cursor)

    assert [p.id for p in recent.records] == [p.id for p in everything[-10:]]
    [query] = [r.query for r in propexo_sim.state.requests]
    assert query["updated_at_gte"] == cursor.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

    # Changes made in Propexo since: the cursor (the newest update read) finds them.
    put(propexo_sim, "/_sim/prospects", [{"id": "prsp_0002", "last_name": "Reyes-Ortiz"}, {}])
    [changed] = await read_through(propexo, None, since=recent.newest_update)
    assert [p.id for p in changed.records][:1] == [everything[-1].id]  # the boundary, again
    marcus = changed.records[-2]
    assert (marcus.id, marcus.last_name) == ("prsp_0002", "Reyes-Ortiz")
    assert changed.newest_update == changed.records[-1].updated_at


async def test_a_naive_or_zoned_moment_is_sent_as_utc(
    propexo_sim: SimulatorServer, propexo: PropexoClient
) -> None:
    zoned = datetime(2025, 3, 1, 12, 30, 15, 123456, tzinfo=timezone(timedelta(hours=-5)))
    await propexo.prospect_page(None, offset=0, updated_since=zoned)
    await propexo.community_page(None, offset=0, updated_since=datetime(2025, 3, 1, 17, 30))

    sent = [r.query["updated_at_gte"] for r in propexo_sim.state.requests]
    assert sent == ["2025-03-01T17:30:15.123Z", "2025-03-01T17:30:00.000Z"]


# -- other integrations and malformed records ----------------------------------------------------


async def test_records_of_another_integration_are_dropped_but_keep_their_place(
    propexo_sim: SimulatorServer, propexo: PropexoClient
) -> None:
    since = datetime(2026, 1, 1, tzinfo=UTC)
    put(
        propexo_sim,
        "/_sim/prospects",
        [
            {"id": "prsp_mine", "email_1": "shared@example.com"},
            {"id": "prsp_theirs", "integration_id": "int_other", "email_1": "shared@example.com"},
            {"id": "prsp_unsaid", "integration_id": None},
        ],
    )

    mine = await propexo.prospect_page(DEFAULT_INTEGRATION_ID, offset=0, updated_since=since)
    everyone = await propexo.prospect_page(None, offset=0, updated_since=since)
    found = await propexo.find_prospects(DEFAULT_INTEGRATION_ID, email="shared@example.com")

    assert [p.id for p in mine.records] == ["prsp_mine", "prsp_unsaid"]
    assert mine.next_offset == 3  # the dropped record took a place on the page
    assert mine.newest_update == everyone.newest_update == everyone.records[-1].updated_at
    assert [p.id for p in everyone.records] == ["prsp_mine", "prsp_theirs", "prsp_unsaid"]
    assert [p.id for p in found] == ["prsp_mine"]


async def test_a_record_null_almost_everywhere_is_read(
    propexo_sim: SimulatorServer, propexo: PropexoClient
) -> None:
    nulls = dict.fromkeys(
        ("integration_id", "integration_vendor", "first_name", "last_name", "email_1"), None
    )
    put(propexo_sim, "/_sim/prospects", [{"id": "prsp_bare", **nulls, "phone_1": None}])
    put(propexo_sim, "/_sim/communities", [{"id": "cmty_bare", "name": None, "timezone": None}])
    since = datetime(2026, 1, 1, tzinfo=UTC)

    [bare] = (await propexo.prospect_page(None, offset=0, updated_since=since)).records
    [place] = (await propexo.community_page(None, offset=0, updated_since=since)).records

    assert (bare.id, bare.name, bare.email, bare.phone, bare.integration_id) == (
        "prsp_bare",
        "",
        None,
        None,
        None,
    )
    assert bare.updated_at is not None and bare.updated_at > since
    assert (place.id, place.name, place.timezone) == ("cmty_bare", None, None)


@pytest.mark.parametrize("stamp", [None, "", "yesterday", 1717000000, "2025-06-02T09:30:00"])
def test_an_odd_updated_at_reads_as_absent_or_utc(stamp: object) -> None:
    prospect = Prospect.from_record({"id": "p", "updated_at": stamp})
    if stamp == "2025-06-02T09:30:00":
        assert prospect.updated_at == datetime(2025, 6, 2, 9, 30, tzinfo=UTC)
    else:
        assert prospect.updated_at is None


# -- looking a prospect up -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "phone", "expected", "sent"),
    [
        ("Jane.Doe@Example.com", None, ["prsp_0001"], {"email_1": "Jane.Doe@Example.com"}),
        (None, "+15552017788", ["prsp_0001"], {"phone_1": "+15552017788"}),
        (None, "+1 (202) 555-0179", ["prsp_0003"], {"phone_1": "+12025550179"}),
        (
            "marcus.reyes@example.com",
            "+1999",
            ["prsp_0002"],
            {"email_1": "marcus.reyes@example.com"},
        ),
        ("nobody@example.com", None, [], {"email_1": "nobody@example.com"}),
    ],
)
async def test_find_prospects_asks_once_by_email_or_phone(
    propexo_sim: SimulatorServer,
    propexo: PropexoClient,
    email: str | None,
    phone: str | None,
    expected: list[str],
    sent: dict[str, str],
) -> None:
    found = await propexo.find_prospects(DEFAULT_INTEGRATION_ID, email=email, phone=phone)

    assert [p.id for p in found] == expected
    [query] = [r.query for r in propexo_sim.state.requests]
    assert {k: v for k, v in query.items() if k in ("email_1", "phone_1")} == sent
    assert query["integration_id"] == DEFAULT_INTEGRATION_ID


async def test_find_prospects_without_anything_to_find_asks_nothing(
    propexo_sim: SimulatorServer, propexo: PropexoClient
) -> None:
    assert await propexo.find_prospects(None, email="  ", phone="()") == []
    assert propexo_sim.state.requests == []


async def test_find_prospects_copes_with_a_server_ignoring_the_filter() -> None:
    with SimulatorServer(honours_field_filters=False) as sim:
        async with client_for(sim) as propexo:
            jane = await propexo.find_prospects(None, email="jane.doe@example.com")
            ana = await propexo.find_prospects(None, phone="+12025550179")
            nobody = await propexo.find_prospects(None, email="nobody@example.com")
            answered = len((await propexo.prospect_page(None, offset=0, limit=250)).records)
        requests = sim.state.requests

    assert ([p.id for p in jane], [p.id for p in ana], nobody) == (["prsp_0001"], ["prsp_0003"], [])
    assert answered == 250  # each look-up got a whole unfiltered page, and kept only matches
    assert len(requests) == 4 and all(r.query["offset"] == "0" for r in requests)


async def test_a_ten_digit_phone_in_the_crm_matches_its_e164_form() -> None:
    # CRMs often keep a number without its country code; the simulator compares whole digits,
    # so only a server ignoring the filter shows such a record, and the client still knows it.
    with SimulatorServer(honours_field_filters=False) as sim:
        put(sim, "/_sim/prospects", [{"id": "prsp_0002", "phone_1": "(614) 555-0100"}])
        async with client_for(sim) as propexo:
            found = await propexo.find_prospects(None, phone="+16145550100")
            other = await propexo.find_prospects(None, phone="+16145550101")
    assert ([p.id for p in found], other) == (["prsp_0002"], [])
