"""The Propexo simulator's reads (paged, ordered, seeded like Propexo's records), its
API key check, and its rate limit with the slowdown before it."""

from __future__ import annotations

import time

import httpx
import pytest

from bot.offline.propexo import DEFAULT_INTEGRATION_ID, SimulatorServer
from tests.offline.propexo_sim_kit import CREATE, VALID, http, issues_of

__all__ = ["http"]  # the fixtures, from propexo_sim_kit


# -- reads ---------------------------------------------------------------------------------------


def test_prospects_are_paged(http: httpx.Client) -> None:
    first = http.get("/crm/v1/prospects/").json()
    # Propexo's meta holds no total count (its pagination docs list exactly these four).
    assert first["meta"] == {"offset": 0, "limit": 100, "orderBy": [], "hasMore": True}
    assert len(first["results"]) == 100

    last = http.get("/crm/v1/prospects/", params={"offset": 250, "limit": 250}).json()
    assert last["meta"]["hasMore"] is False
    assert [r["id"] for r in last["results"]][:2] == ["prsp_0251", "prsp_0252"]
    assert len(last["results"]) == 50


@pytest.mark.parametrize(
    ("params", "path", "code"),
    [
        ({"limit": "251"}, ["limit"], "too_big"),
        ({"offset": "-1"}, ["offset"], "too_small"),
        ({"limit": "many"}, ["limit"], "invalid_type"),
        ({"order-by": "first_name"}, ["order-by"], "invalid_string"),
    ],
)
def test_bad_paging_is_refused(
    http: httpx.Client, params: dict[str, str], path: list[str], code: str
) -> None:
    [issue] = issues_of(http.get("/crm/v1/prospects/", params=params))
    assert (issue["path"], issue["code"]) == (path, code)


def test_order_by_sorts_and_unknown_filters_are_ignored(http: httpx.Client) -> None:
    params = {"order-by": "last_name:desc", "limit": "250", "first_name": "Nobody", "x": "1"}
    answer = http.get("/crm/v1/prospects", params=params).json()

    names = [r["last_name"] for r in answer["results"]]
    assert names == sorted(names, reverse=True) and names[0] != names[-1]
    assert len(names) == 250 and answer["meta"]["hasMore"] is True
    assert answer["meta"]["orderBy"] == [{"last_name": "desc"}]


def test_reads_look_like_propexo_reads(http: httpx.Client) -> None:
    prospects = http.get("/crm/v1/prospects/", params={"limit": 250}).json()["results"]
    communities = http.get("/crm/v1/communities/").json()["results"]

    for record in prospects + communities:
        for core in ("id", "created_at", "updated_at", "integration_id"):
            assert isinstance(record[core], str) and record[core]
    assert any(p["email_1"] is None for p in prospects)
    assert any(p["phone_1"] is None for p in prospects)
    phones = [p["phone_1"] for p in prospects if p["phone_1"]]
    assert all(phone.startswith("+1") and len(phone) == 12 for phone in phones)
    assert prospects[0]["first_name"] == "Jane" and prospects[0]["phone_1"] == "+15552017788"
    assert "Maple Court Apartments" in [c["name"] for c in communities]
    assert any(c["timezone"] is None for c in communities)


def test_the_seed_is_deterministic(http: httpx.Client) -> None:
    with SimulatorServer() as other:
        theirs = httpx.get(
            other.url + "/crm/v1/prospects/?limit=250", headers={"Authorization": "Bearer sim-key"}
        ).json()
    ours = http.get("/crm/v1/prospects/?limit=250").json()
    assert ours == theirs


def test_one_community(http: httpx.Client) -> None:
    answer = http.get("/crm/v1/communities/cmty_harbor_view")
    assert answer.json()["result"]["name"] == "Harbor View Residences"
    assert answer.json()["result"]["timezone"] == "America/Los_Angeles"
    missing = http.get("/crm/v1/communities/cmty_nope")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_availability_skips_booked_hours(http: httpx.Client) -> None:
    http.post(CREATE, json=VALID)  # 2025-07-01 15:00 UTC at Maple Court
    body = {
        "integration_id": DEFAULT_INTEGRATION_ID,
        "community_id": "cmty_maple_court",
        "start_time": "2025-07-01T13:30:00Z",
        "end_time": "2025-07-01T17:00:00Z",
    }
    answer = http.post("/crm/v1/appointment-availability/eliseai/", json=body)
    assert answer.json()["result"]["available_times"] == [
        "2025-07-01T14:00:00Z",
        "2025-07-01T16:00:00Z",
    ]
    [issue] = issues_of(
        http.post("/crm/v1/appointment-availability/eliseai/", json={**body, "end_time": "5pm"})
    )
    assert issue["path"] == ["end_time"]


# -- auth and rate limits ------------------------------------------------------------------------


@pytest.mark.parametrize("header", [None, "Bearer wrong-key", "sim-key", "Basic sim-key"])
def test_a_missing_or_wrong_key_is_a_401(propexo_sim: SimulatorServer, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    answer = httpx.post(propexo_sim.url + CREATE, json=VALID, headers=headers)

    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "unauthorized"
    assert answer.headers["x-ratelimit-limit"] == "150"
    assert propexo_sim.state.appointments == []
    [logged] = propexo_sim.state.requests
    assert logged.authorized is False and logged.status == 401


def test_the_budget_runs_out_and_the_window_rolls() -> None:
    with (
        SimulatorServer(rate_limit=4, rate_window=0.6, slowdown=0) as sim,
        httpx.Client(base_url=sim.url, headers={"Authorization": "Bearer sim-key"}) as http,
    ):
        answers = [http.get("/crm/v1/communities/") for _ in range(6)]
        assert [a.status_code for a in answers] == [200, 200, 200, 200, 429, 429]
        assert [a.headers["x-ratelimit-remaining"] for a in answers] == [
            "3",
            "2",
            "1",
            "0",
            "0",
            "0",
        ]
        assert answers[4].json()["error"]["code"] == "rate_limit_exceeded"
        time.sleep(0.65)
        fresh = http.get("/crm/v1/communities/")
        assert (fresh.status_code, fresh.headers["x-ratelimit-remaining"]) == (200, "3")
        # The control endpoints neither count nor are limited.
        assert all(http.get("/_sim/requests").status_code == 200 for _ in range(6))


def test_answers_slow_down_past_80_percent_of_the_budget() -> None:
    with (
        SimulatorServer(rate_limit=5, slowdown=0.25) as sim,
        httpx.Client(base_url=sim.url, headers={"Authorization": "Bearer sim-key"}) as http,
    ):
        took = []
        for _ in range(5):
            started = time.monotonic()
            http.get("/crm/v1/communities/")
            took.append(time.monotonic() - started)
    assert max(took[:3]) < 0.2  # 1-3 of 5 used: under 80 %
    assert min(took[3:]) >= 0.25  # 4 and 5 of 5: slowed
