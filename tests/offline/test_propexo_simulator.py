"""The Propexo simulator: as strict as Propexo's docs, and misbehaving exactly when asked to."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from bot.offline.propexo import (
    DEFAULT_INTEGRATION_ID,
    Fault,
    FaultSpecError,
    SimulatorServer,
    add_parser,
)

CREATE = "/crm/v1/appointments/eliseai"
VALID: dict[str, object] = {
    "integration_id": DEFAULT_INTEGRATION_ID,
    "appointment_date": "2025-07-01",
    "appointment_time": "15:00:00",
    "community_id": "cmty_maple_court",
    "first_name": "Jane",
    "last_name": "Doe",
    "email_1": "jane@example.com",
    "phone_1": "+15552017788",
    "move_in_date": "2025-08-01",
    "rent_minimum_in_cents": 180_000,
    "rent_maximum_in_cents": 220_000,
    "notes": "Prefers mornings.",
    "desired_num_bedrooms": [2],
    "tour_type": "SELF_GUIDED",
    "lease_term_in_months": 12,
}


@pytest.fixture
def http(propexo_sim: SimulatorServer) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=propexo_sim.url,
        headers={"Authorization": f"Bearer {propexo_sim.api_key}"},
        timeout=2.0,
    ) as client:
        yield client


def issues_of(response: httpx.Response) -> list[dict[str, object]]:
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["details"]["name"] == "ZodError"
    issues: list[dict[str, object]] = error["details"]["issues"]
    return issues


# -- the create ----------------------------------------------------------------------------------


def test_create_echoes_the_body_and_its_write_settles(
    propexo_sim: SimulatorServer, http: httpx.Client
) -> None:
    answer = http.post(CREATE, json=VALID)

    assert answer.status_code == 200
    job_id = answer.json()["meta"]["job_id"]
    assert answer.json()["result"] == VALID  # an echo, and no appointment id by default
    [booked] = propexo_sim.state.appointments
    assert booked.body == VALID and booked.job_id == job_id and booked.outcome is None

    pending = http.get(f"/v1/admin/write-status/{job_id}").json()
    assert pending == {"write_status": "PENDING", "errors": [], "created_record_id": None}
    propexo_sim.settle_writes()
    settled = http.get(f"/v1/admin/write-status/{job_id}").json()
    assert settled == {"write_status": "SUCCESS", "errors": [], "created_record_id": booked.id}
    assert propexo_sim.state.appointments[0].write_status == "SUCCESS"


def test_the_new_id_is_in_the_result_only_when_configured() -> None:
    with SimulatorServer(include_appointment_id=True) as sim:
        answer = httpx.post(
            sim.url + CREATE, json=VALID, headers={"Authorization": f"Bearer {sim.api_key}"}
        )
        assert answer.json()["result"]["id"] == sim.state.appointments[0].id


def _without(key: str) -> dict[str, object]:
    return {k: v for k, v in VALID.items() if k != key}


@pytest.mark.parametrize(
    ("body", "code", "path", "message"),
    [
        ({**VALID, "foo": 1}, "unrecognized_keys", [], "Unrecognized key(s) in object: 'foo'"),
        (_without("integration_id"), "invalid_type", ["integration_id"], "Required"),
        (_without("appointment_date"), "invalid_type", ["appointment_date"], "Required"),
        (_without("appointment_time"), "invalid_type", ["appointment_time"], "Required"),
        (
            {**VALID, "appointment_time": "3:00 PM"},
            "invalid_string",
            ["appointment_time"],
            "Invalid",
        ),
        (
            {**VALID, "appointment_time": "24:00:00"},
            "invalid_string",
            ["appointment_time"],
            "Invalid",
        ),
        ({**VALID, "appointment_time": "15:00"}, "invalid_string", ["appointment_time"], "Invalid"),
        ({**VALID, "appointment_date": "2025-02-30"}, "invalid_date", ["appointment_date"], None),
        ({**VALID, "appointment_date": "07/01/2025"}, "invalid_union", ["appointment_date"], None),
        ({**VALID, "move_in_date": "next month"}, "invalid_union", ["move_in_date"], None),
        ({**VALID, "phone_1": "555-201-7788"}, "invalid_string", ["phone_1"], "Invalid"),
        ({**VALID, "phone_1": ""}, "invalid_string", ["phone_1"], "Invalid"),
        (
            {**VALID, "notes": "x" * 1001},
            "too_big",
            ["notes"],
            "String must contain at most 1000 character(s)",
        ),
        (
            {**VALID, "rent_minimum_in_cents": 0},
            "too_small",
            ["rent_minimum_in_cents"],
            "Number must be greater than or equal to 1",
        ),
        ({**VALID, "rent_maximum_in_cents": -5}, "too_small", ["rent_maximum_in_cents"], None),
        ({**VALID, "lease_term_in_months": 0}, "too_small", ["lease_term_in_months"], None),
        (
            {**VALID, "desired_num_bedrooms": [2, -1]},
            "too_small",
            ["desired_num_bedrooms", 1],
            None,
        ),
        (
            {**VALID, "desired_num_bedrooms": 2},
            "invalid_type",
            ["desired_num_bedrooms"],
            "Expected array, received number",
        ),
        ({**VALID, "tour_type": "WALK_IN"}, "invalid_enum_value", ["tour_type"], None),
        (
            {**VALID, "first_name": None},
            "invalid_type",
            ["first_name"],
            "Expected string, received null",
        ),
        (
            {**VALID, "rent_minimum_in_cents": "180000"},
            "invalid_type",
            ["rent_minimum_in_cents"],
            "Expected number, received string",
        ),
        (
            {**VALID, "lease_term_in_months": True},
            "invalid_type",
            ["lease_term_in_months"],
            "Expected number, received boolean",
        ),
        (
            {**VALID, "lease_term_in_months": 12.5},
            "invalid_type",
            ["lease_term_in_months"],
            "Expected integer, received float",
        ),
        ({**VALID, "integration_id": 42}, "invalid_type", ["integration_id"], None),
        ({**VALID, "email_1": ["jane@example.com"]}, "invalid_type", ["email_1"], None),
    ],
)
def test_each_rule_is_refused_with_its_issue(
    propexo_sim: SimulatorServer,
    http: httpx.Client,
    body: dict[str, object],
    code: str,
    path: list[object],
    message: str | None,
) -> None:
    [issue] = issues_of(http.post(CREATE, json=body))

    assert issue["code"] == code
    assert issue["path"] == path
    if message is not None:
        assert issue["message"] == message
    assert propexo_sim.state.appointments == []


def test_every_issue_comes_in_one_answer(http: httpx.Client) -> None:
    body = {**VALID, "appointment_time": "25:00:00", "notes": "x" * 1001, "bogus": True}
    del body["integration_id"]

    issues = issues_of(http.post(CREATE, json=body))

    assert sorted(str(i["path"]) for i in issues) == sorted(
        ["['integration_id']", "['appointment_time']", "['notes']", "[]"]
    )
    assert next(i for i in issues if i["code"] == "unrecognized_keys")["keys"] == ["bogus"]


def test_values_at_the_edges_are_accepted(http: httpx.Client) -> None:
    body = {
        **VALID,
        "appointment_date": "2025-07-01T00:00:00Z",
        "appointment_time": "23:59:59",
        "notes": "x" * 1000,
        "phone_1": "12025550179",
        "desired_num_bedrooms": [0],
        "rent_minimum_in_cents": 1,
        "lease_term_in_months": 12.0,
    }
    assert http.post(CREATE, json=body).status_code == 200


def test_the_body_must_be_a_json_object(http: httpx.Client) -> None:
    [issue] = issues_of(http.post(CREATE, json=[VALID]))
    assert issue["message"] == "Expected object, received array"

    not_json = http.post(CREATE, content=b"{nope", headers={"Content-Type": "application/json"})
    assert not_json.status_code == 400
    assert not_json.json()["error"]["message"] == "The request body is not valid JSON."


def test_tour_types_come_from_configuration() -> None:
    with (
        SimulatorServer(tour_types=("WALK_IN", "VIDEO")) as sim,
        httpx.Client(base_url=sim.url, headers={"Authorization": "Bearer sim-key"}) as http,
    ):
        [issue] = issues_of(http.post(CREATE, json=VALID))
        assert issue["options"] == ["WALK_IN", "VIDEO"]
        assert issue["message"] == (
            "Invalid enum value. Expected 'WALK_IN' | 'VIDEO', received 'SELF_GUIDED'"
        )
        assert http.post(CREATE, json={**VALID, "tour_type": "VIDEO"}).status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("integration_id", "int_other", "Integration 'int_other' was not found"),
        ("community_id", "cmty_nowhere", "Community 'cmty_nowhere' was not found"),
        ("prospect_id", "prsp_9999", "Prospect 'prsp_9999' was not found"),
    ],
)
def test_unknown_ids_are_refused(
    propexo_sim: SimulatorServer, http: httpx.Client, field: str, value: str, words: str
) -> None:
    answer = http.post(CREATE, json={**VALID, field: value})

    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid_request"
    assert words in answer.json()["error"]["message"]
    assert propexo_sim.state.appointments == []


def test_a_new_prospect_without_email_or_phone_fails_later(
    propexo_sim: SimulatorServer, http: httpx.Client
) -> None:
    body = {k: v for k, v in VALID.items() if k not in ("email_1", "phone_1")}

    answer = http.post(CREATE, json=body)
    assert answer.status_code == 200
    propexo_sim.settle_writes()
    status = http.get(f"/v1/admin/write-status/{answer.json()['meta']['job_id']}").json()

    assert status["write_status"] == "FAILURE"
    assert status["created_record_id"] is None
    assert "email" in status["errors"][0] and "phone" in status["errors"][0]


def test_an_existing_prospect_needs_no_email_or_phone(
    propexo_sim: SimulatorServer, http: httpx.Client
) -> None:
    body = {k: v for k, v in VALID.items() if k not in ("email_1", "phone_1")}
    answer = http.post(CREATE, json={**body, "prospect_id": "prsp_0001"})
    propexo_sim.settle_writes()
    status = http.get(f"/v1/admin/write-status/{answer.json()['meta']['job_id']}").json()
    assert status["write_status"] == "SUCCESS"


# -- write jobs ----------------------------------------------------------------------------------


def test_an_unknown_job_is_a_400(http: httpx.Client) -> None:
    for answer in (
        http.get("/v1/admin/write-status/job_nope"),
        http.post("/v1/admin/retry-write/job_nope", json={}),
    ):
        assert answer.status_code == 400
        assert answer.json()["error"]["message"] == "No write job with id 'job_nope'."


def test_only_a_failed_write_can_be_retried_and_only_once(
    propexo_sim: SimulatorServer, http: httpx.Client
) -> None:
    propexo_sim.add_fault(CREATE, "write_failure", errors=["EliseAI: slot taken"])
    job_id = http.post(CREATE, json=VALID).json()["meta"]["job_id"]
    early = http.post(f"/v1/admin/retry-write/{job_id}", json={})
    assert early.status_code == 400  # still pending
    propexo_sim.settle_writes()
    assert http.get(f"/v1/admin/write-status/{job_id}").json() == {
        "write_status": "FAILURE",
        "errors": ["EliseAI: slot taken"],
        "created_record_id": None,
    }

    retried = http.post(f"/v1/admin/retry-write/{job_id}", json={})
    assert retried.status_code == 200
    new_job = retried.json()["job_id"]
    assert retried.json() == {"success": True, "job_id": new_job} and new_job != job_id
    again = http.post(f"/v1/admin/retry-write/{job_id}", json={})
    assert again.status_code == 400 and new_job in again.json()["error"]["message"]

    propexo_sim.settle_writes()
    [booked] = propexo_sim.state.appointments
    assert http.get(f"/v1/admin/write-status/{new_job}").json()["created_record_id"] == booked.id
    assert booked.job_id == new_job and booked.write_status == "SUCCESS"


# -- the update ----------------------------------------------------------------------------------


def _booked(propexo_sim: SimulatorServer, http: httpx.Client) -> str:
    http.post(CREATE, json=VALID)
    propexo_sim.settle_writes()
    return propexo_sim.state.appointments[0].id


def test_an_update_records_the_outcome(propexo_sim: SimulatorServer, http: httpx.Client) -> None:
    appointment_id = _booked(propexo_sim, http)
    body = {"status": "COMPLETE", "outcome_time": "2025-07-01T15:40:00Z", "unit_ids": ["u-101"]}

    answer = http.put(f"{CREATE}/{appointment_id}", json=body)

    assert answer.status_code == 200
    expected = {"appointment_id": appointment_id, **body}
    assert answer.json()["result"] == expected
    job_id = answer.json()["meta"]["job_id"]
    outcome = propexo_sim.state.appointments[0].outcome
    assert outcome == {**expected, "job_id": job_id}


def test_an_update_defaults_to_now_and_no_units(
    propexo_sim: SimulatorServer, http: httpx.Client
) -> None:
    appointment_id = _booked(propexo_sim, http)
    result = http.put(f"{CREATE}/{appointment_id}", json={"status": "NO_SHOW"}).json()["result"]
    assert result["status"] == "NO_SHOW" and result["unit_ids"] == []
    assert str(result["outcome_time"]).startswith(time.strftime("%Y-", time.gmtime()))


def test_an_update_is_strict(propexo_sim: SimulatorServer, http: httpx.Client) -> None:
    appointment_id = _booked(propexo_sim, http)
    body = {"status": "CANCELLED", "outcome_time": "2025-07-01 15:40", "unit_ids": [7], "x": 1}

    issues = issues_of(http.put(f"{CREATE}/{appointment_id}", json=body))

    assert [(i["code"], i["path"]) for i in issues] == [
        ("invalid_enum_value", ["status"]),
        ("invalid_string", ["outcome_time"]),
        ("invalid_type", ["unit_ids", 0]),
        ("unrecognized_keys", []),
    ]
    assert issues_of(http.put(f"{CREATE}/{appointment_id}", json={}))[0]["path"] == ["status"]


def test_an_update_of_an_unwritten_appointment_is_a_404(
    propexo_sim: SimulatorServer, http: httpx.Client
) -> None:
    unknown = http.put(f"{CREATE}/appt_nope", json={"status": "COMPLETE"})
    assert unknown.status_code == 404
    assert unknown.json()["error"] == {
        "code": "not_found",
        "message": "Appointment 'appt_nope' was not found.",
    }
    http.post(CREATE, json=VALID)  # settles in 50 ms: still pending now
    pending = propexo_sim.state.appointments[0].id
    assert http.put(f"{CREATE}/{pending}", json={"status": "COMPLETE"}).status_code == 404


# -- reads ---------------------------------------------------------------------------------------


def test_prospects_are_paged(http: httpx.Client) -> None:
    first = http.get("/crm/v1/prospects/").json()
    assert first["meta"] == {
        "offset": 0,
        "limit": 100,
        "orderBy": [],
        "hasMore": True,
        "total": 300,
    }
    assert len(first["results"]) == 100

    last = http.get("/crm/v1/prospects/", params={"offset": 250, "limit": 250}).json()
    assert last["meta"]["hasMore"] is False and last["meta"]["total"] == 300
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
    params = {"order-by": "last_name:desc", "limit": "250", "email_1": "nobody@example.com"}
    answer = http.get("/crm/v1/prospects", params=params).json()

    names = [r["last_name"] for r in answer["results"]]
    assert names == sorted(names, reverse=True) and names[0] != names[-1]
    assert answer["meta"]["total"] == 300
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


# -- faults --------------------------------------------------------------------------------------


def test_a_status_fault_hits_as_often_as_asked(
    propexo_sim: SimulatorServer, http: httpx.Client
) -> None:
    propexo_sim.add_fault("GET /crm/v1/communities", "status", status=503, times=2)

    statuses = [http.get("/crm/v1/communities/").status_code for _ in range(3)]

    assert statuses == [503, 503, 200]
    assert [r.fault for r in propexo_sim.state.requests] == ["status", "status", None]
    assert propexo_sim.state.faults == []


def test_status_faults_answer_like_propexo_or_its_proxy(
    propexo_sim: SimulatorServer, http: httpx.Client
) -> None:
    propexo_sim.add_fault(CREATE, "status", status=400, message="EliseAI is not connected")
    propexo_sim.add_fault(CREATE, "status", status=429)
    propexo_sim.add_fault(CREATE, "status", status=502)
    propexo_sim.add_fault(CREATE, "status", status=500)

    refused, limited, gateway, broken = (http.post(CREATE, json=VALID) for _ in range(4))

    assert refused.json() == {
        "error": {"code": "invalid_request", "message": "EliseAI is not connected"}
    }
    assert limited.status_code == 429 and limited.headers["x-ratelimit-remaining"] == "0"
    assert gateway.status_code == 502 and gateway.headers["content-type"].startswith("text/html")
    assert broken.status_code == 500 and broken.json()["error"]["code"] == "internal_server_error"
    assert propexo_sim.state.appointments == []


def test_faults_match_by_method_prefix_and_regex(
    propexo_sim: SimulatorServer, http: httpx.Client
) -> None:
    propexo_sim.add_fault("POST /crm/v1/communities", "status", status=500, times=None)
    propexo_sim.add_fault("GET /crm/v1/pro*", "status", status=503, times=None)
    propexo_sim.add_fault("re:/v1/admin/write-status/job_\\d+", "status", status=500, times=None)

    assert http.get("/crm/v1/communities/").status_code == 200  # another method
    assert http.get("/crm/v1/prospects/").status_code == 503
    assert http.get("/crm/v1/prospects/").status_code == 503  # forever until cleared
    assert http.get("/v1/admin/write-status/job_12").status_code == 500
    assert http.get("/v1/admin/write-status/job_ab").status_code == 400  # no match: unknown job
    propexo_sim.clear_faults()
    assert http.get("/crm/v1/prospects/").status_code == 200


def test_latency_delays_the_answer(propexo_sim: SimulatorServer, http: httpx.Client) -> None:
    propexo_sim.add_fault("GET /crm/v1/communities", "latency", seconds=0.3)
    started = time.monotonic()
    assert http.get("/crm/v1/communities/").status_code == 200
    assert time.monotonic() - started >= 0.3


def test_drop_before_books_nothing_and_drop_after_books(
    propexo_sim: SimulatorServer, http: httpx.Client
) -> None:
    propexo_sim.add_fault(CREATE, "drop_before")
    with pytest.raises(httpx.RemoteProtocolError):
        http.post(CREATE, json=VALID)
    assert propexo_sim.state.appointments == []

    propexo_sim.add_fault(CREATE, "drop_after")
    with pytest.raises(httpx.RemoteProtocolError):
        http.post(CREATE, json=VALID)
    assert len(propexo_sim.state.appointments) == 1
    assert [(r.fault, r.status) for r in propexo_sim.state.requests] == [
        ("drop_before", None),
        ("drop_after", None),
    ]


def test_a_hang_never_answers_until_released(
    propexo_sim: SimulatorServer, http: httpx.Client
) -> None:
    propexo_sim.add_fault("GET /crm/v1/communities", "hang")
    with pytest.raises(httpx.ReadTimeout):
        http.get("/crm/v1/communities/", timeout=0.2)
    propexo_sim.clear_faults()
    assert http.get("/crm/v1/communities/").status_code == 200


def test_write_failure_settles_as_failure(propexo_sim: SimulatorServer, http: httpx.Client) -> None:
    propexo_sim.add_fault(CREATE, "write_failure", errors=["Tour slot unavailable"])
    # A refused create does not use the fault up; the next accepted one does.
    assert http.post(CREATE, json={**VALID, "notes": 5}).status_code == 400
    failing = http.post(CREATE, json=VALID).json()["meta"]["job_id"]
    fine = http.post(CREATE, json=VALID).json()["meta"]["job_id"]
    propexo_sim.settle_writes()
    assert http.get(f"/v1/admin/write-status/{failing}").json()["errors"] == [
        "Tour slot unavailable"
    ]
    assert http.get(f"/v1/admin/write-status/{fine}").json()["write_status"] == "SUCCESS"


def test_bad_fault_specs_are_refused() -> None:
    with pytest.raises(FaultSpecError, match="kind must be one of"):
        Fault(route=CREATE, kind="explode")  # type: ignore[arg-type]
    with pytest.raises(FaultSpecError, match="must start with /"):
        Fault(route="POST crm/v1", kind="hang")
    with pytest.raises(FaultSpecError, match="status must be"):
        Fault(route=CREATE, kind="status", status=302)
    with pytest.raises(FaultSpecError, match="times must be at least 1"):
        Fault(route=CREATE, kind="hang", times=0)


# -- control over HTTP ---------------------------------------------------------------------------


def test_faults_over_http(propexo_sim: SimulatorServer, http: httpx.Client) -> None:
    added = httpx.post(
        propexo_sim.url + "/_sim/faults",
        json={"route": "POST /crm/v1/appointments/eliseai", "kind": "status", "status": 503},
    )
    assert added.status_code == 200
    [fault] = httpx.get(propexo_sim.url + "/_sim/faults").json()
    assert fault["kind"] == "status" and fault["times"] == 1 and fault["hits"] == 0

    assert http.post(CREATE, json=VALID).status_code == 503
    assert http.post(CREATE, json=VALID).status_code == 200

    many = [{"route": "GET /crm/*", "kind": "latency", "seconds": 0.01, "times": None}] * 2
    assert len(httpx.post(propexo_sim.url + "/_sim/faults", json=many).json()["faults"]) == 2
    some_id = propexo_sim.state.faults[0].id
    assert httpx.delete(f"{propexo_sim.url}/_sim/faults/{some_id}").status_code == 200
    assert httpx.delete(f"{propexo_sim.url}/_sim/faults/{some_id}").status_code == 404
    assert httpx.delete(propexo_sim.url + "/_sim/faults").status_code == 200
    assert propexo_sim.state.faults == []

    bad = httpx.post(propexo_sim.url + "/_sim/faults", json={"route": CREATE, "kind": "boom"})
    assert bad.status_code == 400 and "kind must be one of" in bad.json()["error"]["message"]
    typo = httpx.post(propexo_sim.url + "/_sim/faults", json={"route": CREATE, "kin": "hang"})
    assert typo.status_code == 400


def test_state_over_http_and_reset() -> None:
    with (
        SimulatorServer(settle=60) as sim,  # pending until told otherwise
        httpx.Client(base_url=sim.url, headers={"Authorization": "Bearer sim-key"}) as http,
    ):
        http.post(CREATE, json=VALID)
        http.get("/crm/v1/prospects/", params={"limit": 5})

        [booked] = http.get("/_sim/appointments").json()
        assert booked["body"] == VALID and booked["write_status"] == "PENDING"
        logged = http.get("/_sim/requests").json()
        assert [(r["method"], r["path"], r["query"], r["status"]) for r in logged] == [
            ("POST", CREATE, {}, 200),
            ("GET", "/crm/v1/prospects/", {"limit": "5"}, 200),
        ]
        assert logged[0]["body"] == VALID and logged[0]["authorized"] is True
        assert "sim-key" not in str(logged)
        assert http.post("/_sim/settle").json() == {"settled": 1}
        [booked] = http.get("/_sim/appointments").json()
        assert booked["write_status"] == "SUCCESS"
        info = http.get("/_sim").json()
        assert info["integration_id"] == DEFAULT_INTEGRATION_ID
        assert "cmty_maple_court" in info["community_ids"]

        assert http.post("/_sim/reset").json() == {"reset": True}
        assert sim.state.appointments == [] and sim.state.requests == []


def test_unknown_paths_answer_in_propexo_s_shape(http: httpx.Client) -> None:
    answer = http.get("/crm/v1/leases/")
    assert answer.status_code == 404
    assert answer.json()["error"] == {"code": "not_found", "message": "Cannot GET /crm/v1/leases/"}


# -- the command line ----------------------------------------------------------------------------


def test_the_subcommand_takes_its_options() -> None:
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command"))

    args = parser.parse_args(
        "propexo-sim --port 0 --api-key k --latency 0.1 --settle 2 --rate-limit 10 "
        "--slowdown 0.5 --tour-types walk_in,video --appointment-ids".split()
    )

    assert (args.port, args.host, args.api_key, args.rate_limit) == (0, "127.0.0.1", "k", 10)
    assert (args.latency, args.settle, args.slowdown) == (0.1, 2.0, 0.5)
    assert args.tour_types == ("WALK_IN", "VIDEO") and args.appointment_ids is True
    assert callable(args.run)
    with pytest.raises(SystemExit):
        parser.parse_args(["propexo-sim", "--port", "0", "--settle", "-1"])


def test_the_command_serves_until_ctrl_c() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.offline.propexo", "--port", "0", "--api-key", "cli-key"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "cli-key" in line and DEFAULT_INTEGRATION_ID in line
        url = line.split(" on ", 1)[1].split()[0]
        answer = httpx.get(
            url + "/crm/v1/communities/", headers={"Authorization": "Bearer cli-key"}
        )
        assert answer.status_code == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
