"""The Propexo client against answers Propexo's API never gives, over real sockets: one dripping
a byte at a time, a redirect, a 4xx that is not Propexo's JSON, and a 429 a caller must hear of."""

from __future__ import annotations

import logging
import time

import pytest

from bot.offline.propexo import SimulatorServer
from bot.propexo import PropexoConfigurationError, PropexoOutcomeUnknown, PropexoUnavailable
from bot.propexo.client import on_rate_limited
from tests.propexo.test_client import BODY, CREATE, client_for, posts


async def test_an_answer_dripping_a_byte_at_a_time_ends_at_the_deadline(
    propexo_sim: SimulatorServer,
) -> None:
    # Every read gets a byte within the read timeout (0.3 s), so only a total deadline ends it.
    propexo_sim.add_fault(CREATE, "drip", seconds=0.1)
    started = time.monotonic()
    async with client_for(propexo_sim, deadline=1.0) as propexo:
        with pytest.raises(PropexoOutcomeUnknown) as caught:
            await propexo.create_appointment(BODY)
    assert time.monotonic() - started < 2.0
    assert caught.value.reason == "no whole answer within 1 s"
    assert posts(propexo_sim) == 1  # it may have arrived: never sent again


async def test_a_dripping_read_is_tried_again_then_reported(propexo_sim: SimulatorServer) -> None:
    propexo_sim.add_fault("GET /crm/v1/communities", "drip", seconds=0.1, times=None)
    async with client_for(propexo_sim, deadline=0.5, retries=1) as propexo:
        with pytest.raises(PropexoUnavailable, match=r"no whole answer within 0\.5 s"):
            await propexo.list_communities()
    assert len(propexo_sim.state.requests_to("GET", "/crm/v1/communities")) == 2


async def test_a_redirect_is_a_settings_problem_told_and_logged(
    propexo_sim: SimulatorServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="bot.propexo.client")
    login = "https://app.propexo.com/login"
    propexo_sim.add_fault(CREATE, "redirect", status=302, message=login)
    async with client_for(propexo_sim) as propexo:
        with pytest.raises(PropexoConfigurationError) as caught:
            await propexo.create_appointment(BODY)
    assert str(caught.value) == (
        f"Propexo answered with a redirect to {login} (HTTP 302), so Tourbot is not talking to "
        "Propexo's API and nothing was booked. Ask whoever runs Tourbot to check "
        "PROPEXO_BASE_URL."
    )
    assert caught.value.status == 302
    [logged] = caplog.records
    assert logged.getMessage() == (
        f"POST {CREATE}: Propexo answered with a redirect to {login} (HTTP 302): check "
        "PROPEXO_BASE_URL"
    )
    assert propexo_sim.state.appointments == []


async def test_a_plain_text_409_is_a_settings_problem(
    propexo_sim: SimulatorServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="bot.propexo.client")
    propexo_sim.add_fault(CREATE, "text", status=409, message="Conflict")
    async with client_for(propexo_sim) as propexo:
        with pytest.raises(PropexoConfigurationError) as caught:
            await propexo.create_appointment(BODY)
    assert str(caught.value).startswith(
        "Propexo answered HTTP 409 with text/plain rather than Propexo's JSON error, so Tourbot "
        "is not talking to Propexo's API"
    )
    assert "PROPEXO_BASE_URL" in str(caught.value)
    assert [record.levelname for record in caplog.records] == ["ERROR"]


async def test_a_429_is_told_at_once_while_the_request_waits_for_the_next_window(
    propexo_sim: SimulatorServer,
) -> None:
    propexo_sim.add_fault(CREATE, "status", status=429, times=2)
    heard: list[tuple[float, float]] = []
    started = time.monotonic()

    async def tell(seconds: float) -> None:
        heard.append((time.monotonic() - started, seconds))

    async with client_for(propexo_sim, rate_window=0.5) as propexo:
        with on_rate_limited(tell):
            created = await propexo.create_appointment(BODY)
    assert created.job_id is not None
    assert [r.status for r in propexo_sim.state.requests_to("POST", CREATE)] == [429, 429, 200]
    assert len(heard) == 2
    first_heard, first_wait = heard[0]
    assert first_heard < 0.3  # before the wait for the next window, not after it
    assert 0.4 <= first_wait <= 0.6  # the window, and the margin the client keeps
