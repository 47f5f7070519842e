"""The Propexo simulator as a large portfolio read incrementally: the updated_at window, the
field filters (and a server that ignores them), records added while a read pages through,
the `/_sim/prospects` and `/_sim/communities` control endpoints, prospects created by bookings,
and 500,000 prospects served from a bisected index."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from bot.offline.propexo import DEFAULT_INTEGRATION_ID, SimulatorServer
from tests.offline.propexo_sim_kit import CREATE, VALID, http, issues_of

__all__ = ["http"]  # the fixtures, from propexo_sim_kit

PROSPECTS = "/crm/v1/prospects/"
COMMUNITIES = "/crm/v1/communities/"
AUTH = {"Authorization": "Bearer sim-key"}


def read_all(http: httpx.Client, path: str, **params: str) -> list[dict[str, object]]:
    """Every page of a list read, 250 at a time."""
    records: list[dict[str, object]] = []
    while True:
        page = http.get(path, params={**params, "offset": len(records), "limit": 250}).json()
        records.extend(page["results"])
        if not page["meta"]["hasMore"]:
            return records


def stamp(record: dict[str, object]) -> str:
    value = record["updated_at"]
    assert isinstance(value, str)
    return value


def parsed(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# -- the updated_at window and the order ---------------------------------------------------------


def test_updated_at_gte_and_lte_bound_the_list(http: httpx.Client) -> None:
    everyone = read_all(http, PROSPECTS)
    stamps = sorted(stamp(r) for r in everyone)
    low, high = stamps[100], stamps[200]

    window = read_all(
        http, PROSPECTS, updated_at_gte=low, updated_at_lte=high, **{"order-by": "updated_at:asc"}
    )

    expected = [r for r in everyone if low <= stamp(r) <= high]
    assert sorted(str(r["id"]) for r in window) == sorted(str(r["id"]) for r in expected)
    assert [stamp(r) for r in window] == sorted(stamp(r) for r in window)
    newest_first = read_all(http, PROSPECTS, updated_at_gte=low, **{"order-by": "updated_at:desc"})
    assert [stamp(r) for r in newest_first] == sorted(stamps[100:], reverse=True)


def test_the_window_takes_any_iso_8601_form(http: httpx.Client) -> None:
    everyone = read_all(http, PROSPECTS)
    middle = sorted(stamp(r) for r in everyone)[150]
    moment = parsed(middle)
    forms = [
        middle,
        moment.isoformat(),  # +00:00
        moment.astimezone(datetime.now().astimezone().tzinfo).isoformat(),
        moment.replace(tzinfo=None).isoformat(timespec="milliseconds"),  # naive: UTC
    ]
    counts = {len(read_all(http, PROSPECTS, updated_at_gte=form)) for form in forms}
    assert counts == {150}
    # Milliseconds count: a bound a microsecond past a record's time leaves it out.
    just_after = moment.isoformat(timespec="microseconds").replace("000+00:00", "001+00:00")
    assert len(read_all(http, PROSPECTS, updated_at_gte=just_after)) == 149


def test_a_window_orders_by_other_fields_too(http: httpx.Client) -> None:
    everyone = read_all(http, PROSPECTS)
    low = sorted(stamp(r) for r in everyone)[200]

    by_name = read_all(http, PROSPECTS, updated_at_gte=low, **{"order-by": "last_name:asc"})
    unordered = read_all(http, PROSPECTS, updated_at_gte=low)

    assert len(by_name) == len(unordered) == 100
    names = [str(r["last_name"]) for r in by_name]
    assert names == sorted(names)
    positions = {r["id"]: n for n, r in enumerate(everyone)}
    assert [positions[r["id"]] for r in unordered] == sorted(positions[r["id"]] for r in unordered)


@pytest.mark.parametrize("name", ["updated_at_gte", "updated_at_lte"])
@pytest.mark.parametrize("value", ["yesterday", "2025-13-01T00:00:00Z", "2025-06-02T25:00"])
def test_a_malformed_bound_is_a_zod_400(http: httpx.Client, name: str, value: str) -> None:
    [issue] = issues_of(http.get(PROSPECTS, params={name: value}))
    assert issue == {
        "code": "invalid_string",
        "validation": "datetime",
        "message": "Invalid datetime",
        "path": [name],
    }
    assert http.get(PROSPECTS, params={name: ""}).status_code == 200  # nullable: empty is absent


def test_communities_take_the_window_too(http: httpx.Client) -> None:
    everyone = read_all(http, COMMUNITIES)
    newest = max(stamp(c) for c in everyone)

    [latest] = read_all(http, COMMUNITIES, updated_at_gte=newest)

    assert latest["updated_at"] == newest
    assert read_all(http, COMMUNITIES, updated_at_lte="2000-01-01T00:00:00Z") == []


# -- field filters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"email_1": "jane.doe@example.com"}, ["prsp_0001"]),
        ({"email_1": " JANE.Doe@Example.COM "}, ["prsp_0001"]),
        ({"email_1": "jane.doe@"}, []),  # exact, not a fragment
        ({"phone_1": "+15552017788"}, ["prsp_0001"]),
        ({"phone_1": "+1 (555) 201-7788"}, ["prsp_0001"]),
        ({"phone_1": "5552017788"}, []),  # digits compared whole
        ({"email_1": "marcus.reyes@example.com", "phone_1": "+15552017788"}, []),
        ({"phone_1": "+12025550179", "updated_at_lte": "2000-01-01T00:00:00Z"}, []),
    ],
)
def test_email_and_phone_filters(
    http: httpx.Client, params: dict[str, str], expected: list[str]
) -> None:
    answer = http.get(PROSPECTS, params=params).json()
    assert [r["id"] for r in answer["results"]] == expected
    assert answer["meta"]["hasMore"] is False


def test_field_filters_can_be_ignored_as_propexo_may() -> None:
    with (
        SimulatorServer(honours_field_filters=False) as sim,
        httpx.Client(base_url=sim.url, headers=AUTH) as http,
    ):
        answer = http.get(PROSPECTS, params={"email_1": "marcus.reyes@example.com"}).json()
        window = http.get(PROSPECTS, params={"updated_at_lte": "2000-01-01T00:00:00Z"}).json()
    assert len(answer["results"]) == 100 and answer["meta"]["hasMore"] is True
    assert answer["results"][0]["id"] == "prsp_0001"
    assert window["results"] == []  # the documented window is always honoured


# -- the control endpoints -----------------------------------------------------------------------


def test_prospects_added_and_updated_through_the_control_endpoint(
    propexo_sim: SimulatorServer, http: httpx.Client
) -> None:
    before = datetime.now(UTC)
    added = http.post("/_sim/prospects", json={"first_name": "Zed", "email_1": "zed@example.com"})
    changed = http.post(
        "/_sim/prospects",
        json=[{"id": "prsp_0001", "email_1": "jane.new@example.com"}, {"id": "prsp_x"}],
    )

    [zed] = added.json()["prospects"]
    jane, x = changed.json()["prospects"]
    assert str(zed["id"]).startswith("prsp_") and zed["integration_id"] == DEFAULT_INTEGRATION_ID
    assert zed["created_at"] == zed["updated_at"] and parsed(zed["updated_at"]) >= before
    assert (jane["first_name"], jane["email_1"]) == ("Jane", "jane.new@example.com")
    assert jane["created_at"] != jane["updated_at"] and parsed(jane["updated_at"]) >= before
    assert x["first_name"] is None
    assert len(propexo_sim.state.prospects) == 302
    newest = http.get(PROSPECTS, params={"order-by": "updated_at:desc", "limit": 3}).json()
    assert {r["id"] for r in newest["results"]} == {zed["id"], "prsp_0001", "prsp_x"}
    old = http.get(PROSPECTS, params={"email_1": "jane.doe@example.com"}).json()["results"]
    new = http.get(PROSPECTS, params={"email_1": "jane.new@example.com"}).json()["results"]
    assert (old, [r["id"] for r in new]) == ([], ["prsp_0001"])
    assert propexo_sim.state.knows_prospect("prsp_x")

    propexo_sim.reset()
    assert len(propexo_sim.state.prospects) == 300
    assert not propexo_sim.state.knows_prospect("prsp_x")
    restored = http.get(PROSPECTS, params={"email_1": "jane.doe@example.com"}).json()["results"]
    assert restored[0]["updated_at"] != jane["updated_at"]


def test_communities_added_through_the_control_endpoint_can_be_booked(http: httpx.Client) -> None:
    answer = http.post(
        "/_sim/communities", json={"id": "cmty_new", "name": "New Place", "timezone": "UTC"}
    )
    assert answer.json()["communities"][0]["name"] == "New Place"

    assert http.get(COMMUNITIES + "cmty_new").json()["result"]["timezone"] == "UTC"
    assert "cmty_new" in http.get("/_sim").json()["community_ids"]
    assert http.post(CREATE, json={**VALID, "community_id": "cmty_new"}).status_code == 200


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("not json", "JSON object"),
        ([1], "JSON object"),
        ({"updated_at": "2025-01-01T00:00:00Z"}, "read-only"),
        ({"favourite_colour": "teal"}, "Unknown"),
        ({"id": 7}, "non-empty string"),
    ],
)
def test_the_control_endpoint_refuses_what_it_cannot_store(
    http: httpx.Client, body: object, message: str
) -> None:
    sent = (
        http.post("/_sim/prospects", content=body)
        if isinstance(body, str)
        else http.post("/_sim/prospects", json=body)
    )
    assert sent.status_code == 400 and message in sent.json()["error"]["message"]


def test_a_read_paging_through_sees_prospects_added_meanwhile(http: httpx.Client) -> None:
    since = sorted(stamp(r) for r in read_all(http, PROSPECTS))[-120]
    params: dict[str, str | int] = {
        "updated_at_gte": since,
        "order-by": "updated_at:asc",
        "limit": 50,
    }
    seen: list[dict[str, object]] = []
    while True:
        page = http.get(PROSPECTS, params={**params, "offset": len(seen)}).json()
        seen.extend(page["results"])
        if len(seen) == 50:  # added while the read is under way: newer than all, so at the end
            http.post("/_sim/prospects", json=[{"first_name": f"New {n}"} for n in range(30)])
        if not page["meta"]["hasMore"]:
            break
    assert len(seen) == 150 and len({r["id"] for r in seen}) == 150
    assert [r["first_name"] for r in seen[-30:]] == [f"New {n}" for n in range(30)]
    assert [stamp(r) for r in seen] == sorted(stamp(r) for r in seen)


# -- prospects created by a booking --------------------------------------------------------------


def test_a_booking_for_a_new_prospect_adds_it_when_the_write_settles(
    propexo_sim: SimulatorServer, http: httpx.Client
) -> None:
    body = {**VALID, "email_1": "new.person@example.com", "phone_1": "+12025550143"}
    job_id = http.post(CREATE, json=body).json()["meta"]["job_id"]
    no_contact = {k: v for k, v in VALID.items() if k not in ("email_1", "phone_1")}
    http.post(CREATE, json=no_contact)  # EliseAI refuses it: no prospect comes of it
    by_email = {"email_1": "new.person@example.com"}
    assert http.get(PROSPECTS, params=by_email).json()["results"] == []

    propexo_sim.settle_writes()
    settled = datetime.now(UTC)
    status = http.get(f"/v1/admin/write-status/{job_id}").json()

    [prospect] = http.get(PROSPECTS, params={"phone_1": "+12025550143"}).json()["results"]
    assert prospect["id"] == status["created_record_id"]
    assert (prospect["first_name"], prospect["email_1"]) == ("Jane", "new.person@example.com")
    assert prospect["community_id"] == "cmty_maple_court"
    assert abs((parsed(stamp(prospect)) - settled).total_seconds()) < 1
    assert len(propexo_sim.state.prospects) == 301
    again = {**VALID, "prospect_id": prospect["id"]}
    assert http.post(CREATE, json=again).status_code == 200  # the create knows it now
    assert http.post(CREATE, json={**VALID, "prospect_id": "prsp_nope"}).status_code == 400


def test_the_new_prospect_is_stamped_when_its_write_settled(http: httpx.Client) -> None:
    http.post(CREATE, json={**VALID, "email_1": "later@example.com"})
    time.sleep(0.5)  # settles after 0.2 s; nobody looks until now

    [prospect] = http.get(PROSPECTS, params={"email_1": "later@example.com"}).json()["results"]
    assert (datetime.now(UTC) - parsed(stamp(prospect))).total_seconds() > 0.2


# -- a large portfolio ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def portfolio() -> Iterator[tuple[SimulatorServer, float]]:
    """500,000 prospects and 5,000 communities (about 3 s to build), and how long it took."""
    started = time.monotonic()
    with SimulatorServer(prospect_count=500_000, community_count=5_000, rate_limit=10_000) as sim:
        yield sim, time.monotonic() - started


def test_500k_prospects_are_built_fast_and_read_deep_in_milliseconds(
    portfolio: tuple[SimulatorServer, float],
) -> None:
    sim, built_in = portfolio
    assert built_in < 15  # about 3 s on a quiet machine
    assert len(sim.state.prospects) == 500_000 and len(sim.state.communities) == 5_000
    params: dict[str, str | int] = {
        "offset": 490_000,
        "limit": 250,
        "order-by": "updated_at:asc",
        "updated_at_gte": "2024-06-01T00:00:00Z",
    }
    with httpx.Client(base_url=sim.url, headers=AUTH) as http:
        http.get(PROSPECTS, params=params)  # a warm connection
        took = []
        for _ in range(5):
            started = time.perf_counter()
            page = http.get(PROSPECTS, params=params).json()
            took.append(time.perf_counter() - started)
        first = http.get(PROSPECTS, params={"limit": 250}).json()["results"]
    assert min(took) < 0.05  # a few ms: bisection, not a sort of 500,000
    stamps = [stamp(r) for r in page["results"]]
    assert len(stamps) == 250 and stamps == sorted(stamps) and stamps[0] >= "2024-06-01"
    assert [r["id"] for r in first[:3]] == ["prsp_0001", "prsp_0002", "prsp_0003"]


def test_the_portfolio_is_varied_and_its_contacts_unique(
    portfolio: tuple[SimulatorServer, float],
) -> None:
    sim, _ = portfolio
    with httpx.Client(base_url=sim.url, headers=AUTH) as http:
        page = http.get(PROSPECTS, params={"offset": 250_000, "limit": 250}).json()["results"]
        sample = page[7]
        by_email = http.get(PROSPECTS, params={"email_1": sample["email_1"] or "-"}).json()
        by_phone = http.get(PROSPECTS, params={"phone_1": page[11]["phone_1"] or "-"}).json()
        communities = http.get(COMMUNITIES, params={"offset": 4_900, "limit": 250}).json()
        known = http.get(COMMUNITIES + "cmty_harbor_view").json()["result"]
    emails = [r["email_1"] for r in page if r["email_1"]]
    phones = [str(r["phone_1"]) for r in page if r["phone_1"]]
    assert len(set(emails)) == len(emails) > 150
    assert len(set(phones)) == len(phones) > 150
    assert all(p.startswith("+1") and len(p) == 12 and p.isascii() for p in phones)
    assert len({(r["first_name"], r["last_name"]) for r in page}) > 240
    assert len(by_email["results"]) <= 1 and len(by_phone["results"]) <= 1
    names = [c["name"] for c in communities["results"]]
    assert len(names) == 100 and len(set(names)) == 100
    assert known["name"] == "Harbor View Residences"
