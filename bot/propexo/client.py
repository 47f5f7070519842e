"""An async client for the Propexo endpoints Tourbot uses, careful where a retry could book twice.
`PropexoClient` puts together the transport (`transport.py`) and the endpoint families
(`appointments.py`, `crm.py`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import Self

import httpx

from bot.propexo.appointments import CREATE_APPOINTMENT_PATH, Appointments
from bot.propexo.appointments import created_appointment_id as _appointment_id
from bot.propexo.crm import MAX_PAGE, CrmReads
from bot.propexo.models import (
    SETTLED_STATUSES,
    Community,
    CreatedAppointment,
    OutcomeStatus,
    Page,
    Prospect,
    UpdatedAppointment,
    WriteStatus,
)
from bot.propexo.transport import Json, RequestGate, Transport, on_rate_limited, prepaid

# What callers (and the tests' `_appointment_id`) imported from here before the split.
__all__ = [
    "CREATE_APPOINTMENT_PATH",
    "SETTLED_STATUSES",
    "Community",
    "CreatedAppointment",
    "Json",
    "OutcomeStatus",
    "Page",
    "PropexoClient",
    "Prospect",
    "RequestGate",
    "UpdatedAppointment",
    "WriteStatus",
    "_appointment_id",
    "on_rate_limited",
    "prepaid",
]


class PropexoClient:
    """Propexo's EliseAI endpoints, async. Use as `async with PropexoClient(url, key) as propexo:`.

    - `deadline`: the longest one attempt may take, from connecting to the last byte of the
      answer (the timeouts count each wait alone); by default connect plus read timeout.
    - `retries`: how often a read (or a create that certainly did not arrive) is tried again
      after a transient failure, with exponential backoff from `backoff` seconds plus jitter.
    - `rate_limit_retries`: how often any request is tried again after a 429, each time after
      waiting for the next rate window.
    - `pace_below`, `rate_window`: once less than this share of the limit is left, requests are
      spread over the rest of the window (Propexo's is a minute).
    - `page_size`: records per page when reading lists (Propexo allows at most 250).

    Each call is documented where it is made: `Appointments` and `CrmReads`.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 20.0,
        deadline: float | None = None,
        retries: int = 3,
        rate_limit_retries: int = 2,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        pace_below: float = 0.25,
        rate_window: float = 60.0,
        page_size: int = 250,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._transport = Transport(
            base_url,
            api_key,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            deadline=deadline,
            retries=retries,
            rate_limit_retries=rate_limit_retries,
            backoff=backoff,
            max_backoff=max_backoff,
            pace_below=pace_below,
            rate_window=rate_window,
            http_transport=transport,
        )
        self._appointments = Appointments(self._transport)
        self._crm = CrmReads(self._transport, page_size=page_size)

    @property
    def gate(self) -> RequestGate | None:
        """Every attempt passes it when set (e.g. the budget all instances share)."""
        return self._transport.gate

    @gate.setter
    def gate(self, gate: RequestGate | None) -> None:
        self._transport.gate = gate

    @property
    def paced_seconds(self) -> float:
        """Total time spent waiting for the rate limit."""
        return self._transport.paced_seconds

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._transport.aclose()

    # -- appointments ----------------------------------------------------------------------------

    async def create_appointment(self, body: Mapping[str, object]) -> CreatedAppointment:
        return await self._appointments.create_appointment(body)

    async def update_appointment(
        self,
        appointment_id: str,
        status: OutcomeStatus,
        outcome_time: datetime | str | None = None,
        unit_ids: Sequence[str] | None = None,
    ) -> UpdatedAppointment:
        return await self._appointments.update_appointment(
            appointment_id, status, outcome_time, unit_ids
        )

    async def query_availability(
        self,
        integration_id: str,
        community_id: str,
        start_time: datetime,
        end_time: datetime,
        tour_type: str | None = None,
    ) -> Mapping[str, object]:
        return await self._appointments.query_availability(
            integration_id, community_id, start_time, end_time, tour_type
        )

    async def write_status(self, job_id: str) -> WriteStatus:
        return await self._appointments.write_status(job_id)

    async def wait_for_write(
        self,
        job_id: str,
        *,
        first_poll: float = 1.0,
        max_interval: float = 15.0,
        timeout: float = 120.0,
    ) -> WriteStatus:
        return await self._appointments.wait_for_write(
            job_id, first_poll=first_poll, max_interval=max_interval, timeout=timeout
        )

    async def retry_write(self, job_id: str) -> str:
        return await self._appointments.retry_write(job_id)

    # -- reads -----------------------------------------------------------------------------------

    async def list_communities(self, integration_id: str | None = None) -> list[Community]:
        return await self._crm.list_communities(integration_id)

    async def get_community(self, community_id: str) -> Community:
        return await self._crm.get_community(community_id)

    async def list_prospects(self, integration_id: str | None = None) -> list[Prospect]:
        return await self._crm.list_prospects(integration_id)

    async def prospect_page(
        self,
        integration_id: str | None,
        *,
        offset: int,
        limit: int = MAX_PAGE,
        updated_since: datetime | None = None,
    ) -> Page[Prospect]:
        return await self._crm.prospect_page(
            integration_id, offset=offset, limit=limit, updated_since=updated_since
        )

    async def community_page(
        self,
        integration_id: str | None,
        *,
        offset: int,
        limit: int = MAX_PAGE,
        updated_since: datetime | None = None,
    ) -> Page[Community]:
        return await self._crm.community_page(
            integration_id, offset=offset, limit=limit, updated_since=updated_since
        )

    async def find_prospects(
        self, integration_id: str | None, *, email: str | None = None, phone: str | None = None
    ) -> list[Prospect]:
        return await self._crm.find_prospects(integration_id, email=email, phone=phone)
