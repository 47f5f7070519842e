"""The Propexo simulator's writes: creates as strict as Propexo's docs, write jobs
that settle and retry, and updates with an appointment's outcome."""

from __future__ import annotations

import time

import httpx
import pytest

from bot.offline.propexo import SimulatorServer
from tests.offline.propexo_sim_kit import CREATE, VALID, http, issues_of

__all__ = ["http"]  # the fixtures, from propexo_sim_kit


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
