"""The Propexo client against the simulator, over real sockets: every way a call can go wrong."""

from __future__ import annotations

import asyncio
import itertools
import logging
import socket
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.offline.propexo import DEFAULT_INTEGRATION_ID, SimulatorServer
from bot.propexo import (
    PropexoClient,
    PropexoConfigurationError,
    PropexoError,
    PropexoNotFound,
    PropexoOutcomeUnknown,
    PropexoRateLimited,
    PropexoRejected,
    PropexoUnavailable,
    ValidationIssue,
)
from bot.propexo.client import _appointment_id

CREATE = "/crm/v1/appointments/eliseai"
BODY: dict[str, object] = {
    "integration_id": DEFAULT_INTEGRATION_ID,
    "appointment_date": "2025-07-01",
    "appointment_time": "15:00:00",
    "community_id": "cmty_maple_court",
    "first_name": "Jane",
    "last_name": "Doe",
    "email_1": "jane.private@example.com",
    "phone_1": "+12025550143",
    "tour_type": "SELF_GUIDED",
}


def client_for(sim: SimulatorServer, **options: object) -> PropexoClient:
    """A client with test-sized timeouts, backoff and rate window."""
    settings: dict[str, object] = {
        "connect_timeout": 0.3,
        "read_timeout": 0.3,
        "backoff": 0.01,
        "rate_window": 0.3,
        **options,
    }
    return PropexoClient(sim.url, sim.api_key, **settings)  # type: ignore[arg-type]


@pytest.fixture
async def propexo(propexo_sim: SimulatorServer) -> AsyncIterator[PropexoClient]:
    async with client_for(propexo_sim) as client:
        yield client


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def posts(sim: SimulatorServer) -> int:
    return len(sim.state.requests_to("POST", CREATE))


# -- the happy path ------------------------------------------------------------------------------


async def test_a_create_is_submitted_then_confirmed(
    propexo_sim: SimulatorServer, propexo: PropexoClient
) -> None:
    created = await propexo.create_appointment(BODY)

    [booked] = propexo_sim.state.appointments
    assert created.job_id == booked.job_id
    assert created.appointment_id is None  # Propexo does not promise one
    assert created.result == BODY
    first = await propexo.write_status(booked.job_id)
    assert (first.status, first.settled, first.created_record_id) == ("PENDING", False, None)

    settled = await propexo.wait_for_write(booked.job_id, first_poll=0.02)

    assert (settled.status, settled.succeeded, settled.failed) == ("SUCCESS", True, False)
    assert settled.created_record_id == booked.id
    polls = propexo_sim.state.requests_to("GET", f"/v1/admin/write-status/{booked.job_id}")
    assert len(polls) >= 3  # one by hand, then polled until settled


async def test_the_appointment_id_is_kept_when_propexo_sends_one() -> None:
    with SimulatorServer(include_appointment_id=True) as sim:
        async with client_for(sim) as propexo:
            created = await propexo.create_appointment(BODY)
        assert created.appointment_id == sim.state.appointments[0].id


@pytest.mark.parametrize(
    ("result", "meta", "expected"),
    [
        ({"id": "a1"}, {}, "a1"),
        ({"appointment_id": "a2"}, {}, "a2"),
        ({"appointment": {"id": "a3"}}, {}, "a3"),
        ({"appointment_id": 44}, {}, "44"),
        ({}, {"appointment_id": "a5"}, "a5"),
        ({"prospect_id": "p1", "community_id": "c1"}, {"job_id": "j"}, None),
    ],
)
def test_the_appointment_id_is_read_defensively(
    result: dict[str, object], meta: dict[str, object], expected: str | None
) -> None:
    assert _appointment_id(result, meta) == expected


# -- answers that are not retried ----------------------------------------------------------------


async def test_a_rejection_carries_propexo_s_message_and_issues(
    propexo_sim: SimulatorServer, propexo: PropexoClient
) -> None:
    body = {**BODY, "appointment_time": "3pm", "notes": "x" * 1001, "desired_num_bedrooms": [-1]}

    with pytest.raises(PropexoRejected) as caught:
        await propexo.create_appointment(body)

    error = caught.value
    assert error.status == 400 and error.code == "invalid_request"
    assert error.propexo_message == "invalid request"
    assert [(i.path, i.field) for i in error.issues] == [
        (("appointment_time",), "appointment_time"),
        (("notes",), "notes"),
        (("desired_num_bedrooms", 0), "desired_num_bedrooms"),
    ]
    assert str(error) == (
        "Propexo rejected the request: appointment_time: Invalid; notes: String must contain at "
        "most 1000 character(s); desired_num_bedrooms.0: Number must be greater than or equal "
        "to 0. Correct these and try again."
    )
    assert posts(propexo_sim) == 1


async def test_a_rejection_without_issues_shows_propexo_s_message(
    propexo_sim: SimulatorServer, propexo: PropexoClient
) -> None:
    with pytest.raises(PropexoRejected) as caught:
        await propexo.create_appointment({**BODY, "community_id": "cmty_gone"})

    assert caught.value.issues == ()
    assert str(caught.value) == (
        "Propexo rejected the request: Community 'cmty_gone' was not found in integration "
        f"'{DEFAULT_INTEGRATION_ID}'. Correct it and try again."
    )
    assert posts(propexo_sim) == 1


async def test_a_refused_key_is_a_configuration_error(propexo_sim: SimulatorServer) -> None:
    async with PropexoClient(propexo_sim.url, "wrong-key-123", backoff=0.01) as propexo:
        with pytest.raises(PropexoConfigurationError) as on_create:
            await propexo.create_appointment(BODY)
        with pytest.raises(PropexoConfigurationError) as on_read:
            await propexo.list_communities()

    for error in (on_create.value, on_read.value):
        assert error.status == 401
        assert "PROPEXO_API_KEY" in str(error) and "wrong-key-123" not in str(error)
    assert len(propexo_sim.state.requests) == 2  # neither was retried
    assert propexo_sim.state.appointments == []


def test_an_empty_key_is_refused_before_any_request() -> None:
    with pytest.raises(PropexoError, match="PROPEXO_API_KEY"):
        PropexoClient("http://127.0.0.1:9", "")


async def test_messages_never_hold_the_key(
    propexo_sim: SimulatorServer, propexo: PropexoClient
) -> None:
    propexo_sim.add_fault(CREATE, "status", status=400, message=f"bad token {propexo_sim.api_key}")

    with pytest.raises(PropexoRejected) as caught:
        await propexo.create_appointment(BODY)

    assert propexo_sim.api_key not in str(caught.value)
    assert caught.value.propexo_message == "bad token [API key]"


# -- a create: retried only when it certainly did not arrive -------------------------------------


async def test_a_429_on_create_is_retried_and_books_once(
    propexo_sim: SimulatorServer, propexo: PropexoClient
) -> None:
    propexo_sim.add_fault(CREATE, "status", status=429)

    created = await propexo.create_appointment(BODY)

    assert [r.status for r in propexo_sim.state.requests_to("POST", CREATE)] == [429, 200]
    [booked] = propexo_sim.state.appointments
    assert created.job_id == booked.job_id
    assert propexo.paced_seconds >= 0.3  # waited for the (test-sized) next window


async def test_a_429_that_lasts_ends_as_rate_limited(propexo_sim: SimulatorServer) -> None:
    propexo_sim.add_fault(CREATE, "status", status=429, times=None)
    async with client_for(propexo_sim, rate_window=0.05, rate_limit_retries=2) as propexo:
        with pytest.raises(PropexoRateLimited) as caught:
            await propexo.create_appointment(BODY)

    assert str(caught.value) == (
        "Propexo's rate limit for this minute is used up. Wait a minute and try again."
    )
    assert posts(propexo_sim) == 3
    assert propexo_sim.state.appointments == []


async def test_a_refused_connection_is_retried_then_reported(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot.propexo.client")
    async with PropexoClient(
        f"http://127.0.0.1:{free_port()}", "sim-key", retries=2, backoff=0.01
    ) as propexo:
        with pytest.raises(PropexoUnavailable) as caught:
            await propexo.create_appointment(BODY)

    assert caught.value.sent is False
    assert str(caught.value) == (
        "Propexo could not be reached (the connection failed), so nothing was sent. "
        "Try again in a few minutes."
    )
    attempts = [r for r in caplog.records if "not sent" in r.getMessage()]
    assert len(attempts) == 3  # the first try and two retries


async def test_a_create_that_could_not_connect_goes_through_when_propexo_is_back() -> None:
    port = free_port()
    async with PropexoClient(
        f"http://127.0.0.1:{port}", "sim-key", retries=6, backoff=0.05
    ) as propexo:
        attempt = asyncio.create_task(propexo.create_appointment(BODY))
        await asyncio.sleep(0.15)
        with SimulatorServer(port=port) as sim:
            created = await attempt
            assert [a.job_id for a in sim.state.appointments] == [created.job_id]
            assert posts(sim) == 1


async def test_a_create_that_times_out_is_outcome_unknown_and_never_resent(
    propexo_sim: SimulatorServer, propexo: PropexoClient
) -> None:
    propexo_sim.add_fault(CREATE, "hang", times=None)

    with pytest.raises(PropexoOutcomeUnknown) as caught:
        await propexo.create_appointment(BODY)
    await asyncio.sleep(0.3)

    assert posts(propexo_sim) == 1
    assert caught.value.reason == "no answer within 0.3 s"
    assert str(caught.value).startswith(
        "It is not known whether Propexo received the booking (no answer within 0.3 s). "
        "Do not send it again yet: check EliseAI for it first"
    )


@pytest.mark.parametrize(("kind", "booked"), [("drop_after", 1), ("drop_before", 0)])
async def test_a_dropped_create_is_outcome_unknown(
    propexo_sim: SimulatorServer, propexo: PropexoClient, kind: str, booked: int
) -> None:
    propexo_sim.add_fault(CREATE, kind, times=None)  # type: ignore[arg-type]

    with pytest.raises(PropexoOutcomeUnknown) as caught:
        await propexo.create_appointment(BODY)

    assert caught.value.reason == "the connection closed without an answer"
    assert posts(propexo_sim) == 1
    assert len(propexo_sim.state.appointments) == booked  # the client cannot tell which


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_a_5xx_on_create_is_outcome_unknown(
    propexo_sim: SimulatorServer, propexo: PropexoClient, status: int
) -> None:
    propexo_sim.add_fault(CREATE, "status", status=status, times=None)

    with pytest.raises(PropexoOutcomeUnknown) as caught:
        await propexo.create_appointment(BODY)

    assert (caught.value.status, caught.value.reason) == (status, f"HTTP {status}")
    assert posts(propexo_sim) == 1


# -- reads: retried ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "status"),
    [("status", 500), ("status", 502), ("status", 503), ("hang", 0), ("drop_before", 0)],
)
async def test_reads_ride_out_a_transient_failure(
    propexo_sim: SimulatorServer, propexo: PropexoClient, kind: str, status: int
) -> None:
    propexo_sim.add_fault("GET /crm/v1/communities/", kind, status=status or 500)  # type: ignore[arg-type]

    communities = await propexo.list_communities()

    assert len(communities) == 6
    tries = propexo_sim.state.requests_to("GET", "/crm/v1/communities/")
    assert [r.fault for r in tries] == [kind, None]


async def test_write_status_rides_out_a_dropped_answer(
    propexo_sim: SimulatorServer, propexo: PropexoClient
) -> None:
    created = await propexo.create_appointment(BODY)
    propexo_sim.add_fault("GET /v1/admin/write-status/*", "drop_after")

    status = await propexo.write_status(str(created.job_id))

    assert status.status == "PENDING"
    assert (
        len(propexo_sim.state.requests_to("GET", f"/v1/admin/write-status/{created.job_id}")) == 2
    )


async def test_reads_give_up_after_a_bounded_number_of_tries(
    propexo_sim: SimulatorServer,
) -> None:
    propexo_sim.add_fault("GET /crm/*", "status", status=503, times=None)
    async with client_for(propexo_sim, retries=2) as propexo:
        with pytest.raises(PropexoUnavailable) as caught:
            await propexo.list_prospects()

    assert (caught.value.sent, caught.value.status) == (True, 503)
    assert str(caught.value) == (
        "Propexo is not answering properly (HTTP 503). Try again in a few minutes."
    )
    assert len(propexo_sim.state.requests_to("GET", "/crm/v1/prospects/")) == 3


# -- write failures, retries and outcomes --------------------------------------------------------


async def test_a_failed_write_is_reported_and_can_be_retried(
    propexo_sim: SimulatorServer, propexo: PropexoClient
) -> None:
    propexo_sim.add_fault(CREATE, "write_failure", errors=["EliseAI: no agent available"])
    created = await propexo.create_appointment(BODY)
    assert created.job_id is not None

    propexo_sim.settle_writes()
    failed = await propexo.wait_for_write(created.job_id, first_poll=0.02)
    assert (failed.status, failed.failed, failed.errors) == (
        "FAILURE",
        True,
        ("EliseAI: no agent available",),
    )

    new_job = await propexo.retry_write(created.job_id)
    retried = await propexo.wait_for_write(new_job, first_poll=0.02)

    assert new_job != created.job_id
    assert retried.succeeded and retried.created_record_id == propexo_sim.state.appointments[0].id
    with pytest.raises(PropexoRejected, match="already retried"):
        await propexo.retry_write(created.job_id)


async def test_a_retry_write_is_not_resent_when_its_outcome_is_unknown(
    propexo_sim: SimulatorServer, propexo: PropexoClient
) -> None:
    propexo_sim.add_fault("POST /v1/admin/retry-write/*", "status", status=500, times=None)

    with pytest.raises(PropexoOutcomeUnknown) as caught:
        await propexo.retry_write("job_whatever")

    assert caught.value.action == "retry of the write"
    assert len([r for r in propexo_sim.state.requests if r.path.startswith("/v1/admin/retry")]) == 1


async def test_wait_for_write_returns_the_last_status_at_its_deadline() -> None:
    with SimulatorServer(settle=5.0) as sim:
        async with client_for(sim) as propexo:
            created = await propexo.create_appointment(BODY)
            started = time.monotonic()
            status = await propexo.wait_for_write(
                str(created.job_id), first_poll=0.05, timeout=0.25
            )

    assert status.status == "PENDING" and not status.settled
    assert 0.25 <= time.monotonic() - started < 0.6


async def test_wait_for_write_rides_out_a_failing_poll(
    propexo_sim: SimulatorServer,
) -> None:
    async with client_for(propexo_sim, retries=0) as propexo:
        created = await propexo.create_appointment(BODY)
        propexo_sim.add_fault("GET /v1/admin/write-status/*", "status", status=503)
        propexo_sim.settle_writes()
        status = await propexo.wait_for_write(str(created.job_id), first_poll=0.02)

    assert status.succeeded
    polls = propexo_sim.state.requests_to("GET", f"/v1/admin/write-status/{created.job_id}")
    assert polls[0].status == 503


async def test_an_outcome_is_recorded(propexo_sim: SimulatorServer, propexo: PropexoClient) -> None:
    created = await propexo.create_appointment(BODY)
    propexo_sim.settle_writes()
    written = await propexo.wait_for_write(str(created.job_id), first_poll=0.02)
    assert written.created_record_id is not None
    finished = datetime(2025, 7, 1, 11, 45, tzinfo=timezone(timedelta(hours=-4)))

    updated = await propexo.update_appointment(
        written.created_record_id, "COMPLETE", outcome_time=finished, unit_ids=["unit-12B"]
    )

    assert (updated.appointment_id, updated.status) == (written.created_record_id, "COMPLETE")
    assert updated.outcome_time == "2025-07-01T15:45:00.000Z"
    assert updated.unit_ids == ("unit-12B",) and updated.job_id is not None
    outcome = propexo_sim.state.appointments[0].outcome
    assert outcome is not None and outcome["status"] == "COMPLETE"
    assert outcome["job_id"] == updated.job_id


async def test_an_outcome_update_is_retried_like_a_read(
    propexo_sim: SimulatorServer, propexo: PropexoClient
) -> None:
    await propexo.create_appointment(BODY)
    propexo_sim.settle_writes()
    appointment_id = propexo_sim.state.appointments[0].id
    propexo_sim.add_fault("PUT /crm/v1/appointments/eliseai/*", "status", status=503)

    updated = await propexo.update_appointment(appointment_id, "NO_SHOW")

    assert updated.status == "NO_SHOW" and updated.unit_ids == ()
    assert [r.status for r in propexo_sim.state.requests if r.method == "PUT"] == [503, 200]


async def test_an_outcome_for_an_unknown_appointment_is_not_found(
    propexo: PropexoClient,
) -> None:
    with pytest.raises(PropexoNotFound) as caught:
        await propexo.update_appointment("appt_missing", "COMPLETE")
    assert caught.value.status == 404
    assert str(caught.value).startswith(
        "Propexo found no such record (Appointment 'appt_missing' was not found). Check the id"
    )
    with pytest.raises(ValueError, match="time zone"):
        await propexo.update_appointment("appt_missing", "COMPLETE", datetime(2025, 7, 1, 12))


# -- reads: lists, paging and search -------------------------------------------------------------


async def test_every_page_of_prospects_is_read(
    propexo_sim: SimulatorServer, propexo: PropexoClient
) -> None:
    prospects = await propexo.list_prospects()

    assert len(prospects) == 300 and len({p.id for p in prospects}) == 300
    pages = [(r.query["offset"], r.query["limit"]) for r in propexo_sim.state.requests]
    assert pages == [("0", "250"), ("250", "250")]
    jane = prospects[0]
    assert (jane.name, jane.email, jane.phone) == (
        "Jane Doe",
        "jane.doe@example.com",
        "+15552017788",
    )


async def test_smaller_pages_and_the_integration_filter(propexo_sim: SimulatorServer) -> None:
    async with client_for(propexo_sim, page_size=120) as propexo:
        mine = await propexo.list_prospects(integration_id=DEFAULT_INTEGRATION_ID)
        other = await propexo.list_prospects(integration_id="int_someone_else")

    assert len(mine) == 300
    assert other == []  # the simulator ignores the filter; the client applies it
    queries = [r.query for r in propexo_sim.state.requests]
    assert [q["offset"] for q in queries[:3]] == ["0", "120", "240"]
    assert queries[0]["integration_id"] == DEFAULT_INTEGRATION_ID


async def test_communities(propexo_sim: SimulatorServer, propexo: PropexoClient) -> None:
    communities = await propexo.list_communities()
    harbor = await propexo.get_community("cmty_harbor_view")

    assert communities[0].name == "Maple Court Apartments"
    assert (harbor.name, harbor.timezone) == ("Harbor View Residences", "America/Los_Angeles")
    assert harbor.integration_id == DEFAULT_INTEGRATION_ID
    with pytest.raises(PropexoNotFound):
        await propexo.get_community("cmty_nope")


async def test_availability(propexo: PropexoClient) -> None:
    start = datetime(2025, 7, 1, 14, tzinfo=UTC)
    result = await propexo.query_availability(
        DEFAULT_INTEGRATION_ID, "cmty_maple_court", start, start + timedelta(hours=2)
    )
    assert result["available_times"] == ["2025-07-01T14:00:00Z", "2025-07-01T15:00:00Z"]


# -- pacing and logs -----------------------------------------------------------------------------


async def test_pacing_spreads_requests_instead_of_hitting_429() -> None:
    with SimulatorServer(rate_limit=10, rate_window=1.0, slowdown=0.02) as sim:
        async with client_for(sim, rate_window=1.0, pace_below=0.3) as propexo:
            started = time.monotonic()
            for _ in range(14):
                await propexo.get_community("cmty_maple_court")
            took = time.monotonic() - started

        logged = sim.state.requests
    assert [r.status for r in logged] == [200] * 14  # no 429 although 14 > 10 a window
    arrived = [datetime.fromisoformat(r.received_at) for r in logged]
    gaps = [(later - earlier).total_seconds() for earlier, later in itertools.pairwise(arrived)]
    # Full speed while the budget lasts, spread out once under 30 % of it is left (the 9th and
    # 10th request), then a wait for the next window before the 11th.
    assert max(gaps[:7]) < 0.15
    assert min(gaps[7:10]) >= 0.2
    assert max(gaps[10:]) < 0.15
    assert propexo.paced_seconds >= 0.8 and took >= 1.0


def test_validation_issue_reads_like_a_sentence() -> None:
    assert str(ValidationIssue(("desired_num_bedrooms", 1), "Too small")) == (
        "desired_num_bedrooms.1: Too small"
    )
    assert ValidationIssue((), "Unrecognized key(s) in object: 'foo'").field is None


async def test_logs_hold_no_contact_details_and_no_key(
    propexo_sim: SimulatorServer, propexo: PropexoClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await propexo.create_appointment(BODY)
    propexo_sim.add_fault(CREATE, "drop_after")
    with pytest.raises(PropexoOutcomeUnknown):
        await propexo.create_appointment(BODY)
    with pytest.raises(PropexoRejected):
        await propexo.create_appointment({**BODY, "phone_1": "call me"})
    await propexo.find_prospects(None, email="jane.doe@example.com")

    assert f"POST {CREATE} -> 200" in caplog.text
    for secret in ("jane.private", "2025550143", "jane.doe@example.com", propexo_sim.api_key):
        assert secret not in caplog.text
