"""Misbehaving exactly when asked to: the Propexo simulator's faults, its control
endpoints over HTTP, and its command line."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from bot.offline.propexo import (
    DEFAULT_INTEGRATION_ID,
    Fault,
    FaultSpecError,
    SimulatorServer,
    add_parser,
)
from tests.offline.propexo_sim_kit import CREATE, VALID, http

__all__ = ["http"]  # the fixtures, from propexo_sim_kit


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
