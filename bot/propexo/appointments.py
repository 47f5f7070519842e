"""Propexo's EliseAI appointment endpoints (create, availability, outcome) and the write jobs a
create starts (status, waiting, retry)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from bot.propexo.errors import PropexoError, PropexoTransientError, PropexoUnavailable
from bot.propexo.models import CreatedAppointment, OutcomeStatus, UpdatedAppointment, WriteStatus
from bot.propexo.reading import as_mapping, mapping_at, text_at
from bot.propexo.transport import Transport, segment

# The client's one logger, shared by its parts: operators and tests filter on this name.
logger = logging.getLogger("bot.propexo.client")

CREATE_APPOINTMENT_PATH = "/crm/v1/appointments/eliseai"


class Appointments:
    """The appointment calls of `PropexoClient`, sent through its `transport`."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    async def create_appointment(self, body: Mapping[str, object]) -> CreatedAppointment:
        """Send Create Appointment: EliseAI with `body` as given (the caller leaves out empty
        fields). Raises `PropexoOutcomeUnknown` if the request may have arrived unanswered."""
        data = await self._transport.send(
            "POST", CREATE_APPOINTMENT_PATH, json=dict(body), action="booking"
        )
        meta, result = mapping_at(data, "meta"), mapping_at(data, "result")
        return CreatedAppointment(
            job_id=text_at(meta, "job_id") or text_at(as_mapping(data), "job_id"),
            appointment_id=created_appointment_id(result, meta),
            result=result,
        )

    async def update_appointment(
        self,
        appointment_id: str,
        status: OutcomeStatus,
        outcome_time: datetime | str | None = None,
        unit_ids: Sequence[str] | None = None,
    ) -> UpdatedAppointment:
        """Record a tour's outcome. Propexo fills in "now" when `outcome_time` is None."""
        body: dict[str, object] = {"status": status}
        if outcome_time is not None:
            body["outcome_time"] = (
                _utc_iso(outcome_time) if isinstance(outcome_time, datetime) else outcome_time
            )
        if unit_ids is not None:
            body["unit_ids"] = list(unit_ids)
        # Recording the same outcome twice changes nothing, so this is retried like a read.
        data = await self._transport.send(
            "PUT", f"{CREATE_APPOINTMENT_PATH}/{segment(appointment_id)}", json=body, safe=True
        )
        meta, result = mapping_at(data, "meta"), mapping_at(data, "result")
        units = result.get("unit_ids")
        return UpdatedAppointment(
            job_id=text_at(meta, "job_id"),
            appointment_id=text_at(result, "appointment_id", "id") or appointment_id,
            status=text_at(result, "status") or status,
            outcome_time=text_at(result, "outcome_time"),
            unit_ids=tuple(str(u) for u in units) if isinstance(units, list) else (),
            result=result,
        )

    async def query_availability(
        self,
        integration_id: str,
        community_id: str,
        start_time: datetime,
        end_time: datetime,
        tour_type: str | None = None,
    ) -> Mapping[str, object]:
        """Query Realtime Appointment Availability: EliseAI. Its answer's shape is not
        documented, so the raw `result` comes back."""
        body: dict[str, object] = {
            "integration_id": integration_id,
            "community_id": community_id,
            "start_time": _utc_iso(start_time),
            "end_time": _utc_iso(end_time),
        }
        if tour_type is not None:
            body["tour_type"] = tour_type
        data = await self._transport.send(
            "POST", "/crm/v1/appointment-availability/eliseai/", json=body, safe=True
        )
        return mapping_at(data, "result")

    # -- write jobs ------------------------------------------------------------------------------

    async def write_status(self, job_id: str) -> WriteStatus:
        data = as_mapping(
            await self._transport.send(
                "GET", f"/v1/admin/write-status/{segment(job_id)}", safe=True
            )
        )
        status = text_at(data, "write_status")
        if status is None:
            raise PropexoUnavailable("its write-status answer had no write_status", sent=True)
        errors = data.get("errors")
        return WriteStatus(
            job_id=job_id,
            status=status,
            errors=tuple(str(e) for e in errors) if isinstance(errors, list) else (),
            created_record_id=text_at(data, "created_record_id"),
        )

    async def wait_for_write(
        self,
        job_id: str,
        *,
        first_poll: float = 1.0,
        max_interval: float = 15.0,
        timeout: float = 120.0,
    ) -> WriteStatus:
        """Poll a write until it settles or `timeout` passes, and return the last status seen.

        The first look is `first_poll` seconds in (agents are watching the thread), then the
        interval doubles up to `max_interval`. Transient failures of a poll are ridden out.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        interval = first_poll
        last: WriteStatus | None = None
        trouble: PropexoTransientError | None = None
        while True:
            await asyncio.sleep(max(0.0, min(interval, deadline - loop.time())))
            try:
                last = await self.write_status(job_id)
            except PropexoTransientError as exc:
                trouble = exc
                logger.debug("write status of %s unavailable for now: %s", job_id, exc)
            else:
                if last.settled:
                    return last
            if loop.time() >= deadline:
                break
            interval = min(interval * 2, max_interval)
        if last is not None:
            return last
        assert trouble is not None
        raise trouble

    async def retry_write(self, job_id: str) -> str:
        """Ask Propexo to retry a failed write; returns the new job's id."""
        data = as_mapping(
            await self._transport.send(
                "POST",
                f"/v1/admin/retry-write/{segment(job_id)}",
                json={},
                action="retry of the write",
            )
        )
        new_job = text_at(data, "job_id")
        if data.get("success") is not True or new_job is None:
            raise PropexoError(
                "Propexo did not queue the retry of the booking's write. Try again in a few "
                "minutes, or check the booking in EliseAI."
            )
        return new_job


def created_appointment_id(result: Mapping[str, object], meta: Mapping[str, object]) -> str | None:
    """Wherever the new appointment's id may be: Propexo does not document one."""
    return (
        text_at(result, "id", "appointment_id")
        or text_at(mapping_at(result, "appointment"), "id")
        or text_at(meta, "appointment_id", "created_record_id")
    )


def _utc_iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("a naive datetime is ambiguous; give it a time zone")
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
