"""What the Propexo simulator's tests share: a valid create body, a client holding the
API key, and the issues of a 400 as the simulator's ZodError lists them."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from bot.offline.propexo import DEFAULT_INTEGRATION_ID, SimulatorServer

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
