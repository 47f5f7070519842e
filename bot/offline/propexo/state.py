"""What the simulator remembers: its CRM records, bookings, write jobs, the request log, faults
and the rate window.

The server thread writes it while tests read it from theirs, so every access holds one lock and
readers get copies.
"""

from __future__ import annotations

import copy
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Literal

from bot.offline.propexo import seed
from bot.offline.propexo.faults import Fault
from bot.offline.propexo.records import ListQuery, RecordTable

JobKind = Literal["create_appointment", "update_appointment"]


_BOOKED_PROSPECT_FIELDS = (
    "first_name", "last_name", "email_1", "phone_1", "community_id", "move_in_date",
    "desired_num_bedrooms",
)  # fmt: skip


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class RecordedRequest:
    """One API request as the simulator received it (the API key itself is not kept)."""

    method: str
    path: str
    query: dict[str, str]
    body: object  # parsed JSON; the raw text when it is not JSON; None when empty
    authorized: bool
    received_at: str
    status: int | None = None  # None: dropped or never answered
    fault: str | None = None  # the kind of the fault that hit it, if any

    def to_json(self) -> dict[str, object]:
        return {
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "body": self.body,
            "authorized": self.authorized,
            "received_at": self.received_at,
            "status": self.status,
            "fault": self.fault,
        }


@dataclass
class WriteJob:
    id: str
    kind: JobKind
    appointment_id: str
    settle_at: float  # on the state's clock
    errors: tuple[str, ...] = ()  # non-empty: the write settles as FAILURE
    retried_as: str | None = None

    def status(self, now: float) -> str:
        if now < self.settle_at:
            return "PENDING"
        return "FAILURE" if self.errors else "SUCCESS"


@dataclass
class BookedAppointment:
    """An accepted create, whatever became of its write, and the outcome recorded for it."""

    id: str
    job_id: str  # the latest write job for it (a retried write's new job)
    body: dict[str, object]
    received_at: str
    write_status: str = "PENDING"
    errors: list[str] = field(default_factory=list)
    outcome: dict[str, object] | None = None  # status, outcome_time, unit_ids, job_id

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "job_id": self.job_id,
            "body": self.body,
            "received_at": self.received_at,
            "write_status": self.write_status,
            "errors": self.errors,
            "outcome": self.outcome,
        }


class SimulatorState:
    def __init__(
        self,
        *,
        settle: float,
        rate_limit: int,
        rate_window: float,
        integration_id: str = seed.DEFAULT_INTEGRATION_ID,
        prospect_count: int = seed.CLASSIC_PROSPECTS,
        community_count: int = seed.CLASSIC_COMMUNITIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settle = settle
        self.rate_limit = rate_limit
        self.rate_window = rate_window
        self.integration_id = integration_id
        community_rows = seed.community_rows(community_count, integration_id)
        self.communities = seed.community_table(community_rows)
        community_ids = [str(row[0]) for row in community_rows]
        self.prospects = seed.prospect_table(
            seed.prospect_rows(prospect_count, integration_id, community_ids)
        )
        self._clock = clock
        self._lock = threading.RLock()
        self._appointments: dict[str, BookedAppointment] = {}
        self._jobs: dict[str, WriteJob] = {}
        self._requests: list[RecordedRequest] = []
        self._faults: list[Fault] = []
        self._window_started: float | None = None
        self._window_used = 0
        # Creates for a new prospect whose write has not settled: once one succeeds, EliseAI has
        # the prospect, and the prospect list shows it.
        self._pending_prospects: list[str] = []

    # -- reading, for tests and the control endpoints --------------------------------------------

    @property
    def appointments(self) -> list[BookedAppointment]:
        with self._lock:
            return [self._snapshot(a) for a in self._appointments.values()]

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return [
                replace(r, query=dict(r.query), body=copy.deepcopy(r.body)) for r in self._requests
            ]

    def requests_to(self, method: str, path: str) -> list[RecordedRequest]:
        """The logged requests with this method and path (a trailing slash does not matter)."""
        path = path.rstrip("/")
        return [r for r in self.requests if r.method == method and r.path.rstrip("/") == path]

    @property
    def faults(self) -> list[Fault]:
        with self._lock:
            return [replace(f) for f in self._faults]

    def appointment(self, appointment_id: str) -> BookedAppointment | None:
        with self._lock:
            found = self._appointments.get(appointment_id)
            return None if found is None else self._snapshot(found)

    def _snapshot(self, appointment: BookedAppointment) -> BookedAppointment:
        job = self._jobs[appointment.job_id]
        return replace(
            appointment,
            body=copy.deepcopy(appointment.body),
            write_status=job.status(self._clock()),
            errors=list(job.errors),
            outcome=copy.deepcopy(appointment.outcome),
        )

    # -- faults ----------------------------------------------------------------------------------

    def add_fault(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def remove_fault(self, fault_id: str) -> bool:
        with self._lock:
            before = len(self._faults)
            self._faults = [f for f in self._faults if f.id != fault_id]
            return len(self._faults) < before

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def take_faults(self, method: str, path: str) -> list[Fault]:
        """Use up the faults this request meets: every latency, then at most one other kind.

        `write_failure` faults are left for `take_write_failure`, since only an accepted write
        uses one up.
        """
        taken: list[Fault] = []
        with self._lock:
            for fault in self._faults:
                if fault.kind == "write_failure" or not fault.matches(method, path):
                    continue
                if fault.kind != "latency" and any(t.kind != "latency" for t in taken):
                    continue
                fault.hits += 1
                taken.append(replace(fault))
            self._faults = [f for f in self._faults if not f.spent]
        return taken

    def take_write_failure(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.kind == "write_failure" and fault.matches(method, path):
                    fault.hits += 1
                    self._faults = [f for f in self._faults if not f.spent]
                    return replace(fault)
        return None

    # -- the request log and the rate window -----------------------------------------------------

    def record_request(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    def spend_request(self) -> int:
        """Count one request against the window (which starts at its first request); return the
        number used so far in it, this one included."""
        with self._lock:
            now = self._clock()
            if self._window_started is None or now - self._window_started >= self.rate_window:
                self._window_started, self._window_used = now, 0
            self._window_used += 1
            return self._window_used

    # -- CRM records ----------------------------------------------------------------------------

    def prospect_page(self, query: ListQuery) -> tuple[list[dict[str, object]], bool]:
        """One page of the prospect list and whether more follow."""
        with self._lock:
            self._add_settled_prospects()
            return self.prospects.page(query)

    def community_page(self, query: ListQuery) -> tuple[list[dict[str, object]], bool]:
        with self._lock:
            return self.communities.page(query)

    def community(self, community_id: str) -> dict[str, object] | None:
        with self._lock:
            return self.communities.get(community_id)

    def community_ids(self) -> list[str]:
        with self._lock:
            return self.communities.ids()

    def prospect(self, prospect_id: str) -> dict[str, object] | None:
        with self._lock:
            self._add_settled_prospects()
            return self.prospects.get(prospect_id)

    def put_prospects(self, records: Sequence[Mapping[str, object]]) -> list[dict[str, object]]:
        """Add or update prospects (by `id`; a new one without gets one), updated now."""
        with self._lock:
            self._add_settled_prospects()
            return self._put(self.prospects, "prsp", records, _now_ms())

    def put_communities(self, records: Sequence[Mapping[str, object]]) -> list[dict[str, object]]:
        with self._lock:
            return self._put(self.communities, "cmty", records, _now_ms())

    def _put(
        self,
        table: RecordTable,
        prefix: str,
        records: Sequence[Mapping[str, object]],
        now_ms: int,
    ) -> list[dict[str, object]]:
        new = {"integration_id": self.integration_id, "integration_vendor": seed.VENDOR}
        put = []
        for record in records:
            record_id = str(record.get("id") or f"{prefix}_{uuid.uuid4().hex[:20]}")
            put.append(table.put(table.merged(record_id, record, now_ms, new)))
        return put

    def _add_settled_prospects(self) -> None:
        """Put the prospect of every create that has settled successfully since the last look
        in the list, updated when its write settled. Called before any look at the prospects,
        so no read sees the list without one that settled before the read."""
        now = self._clock()
        waiting = []
        for job_id in self._pending_prospects:
            job = self._jobs.get(job_id)
            if job is None:
                continue
            if job.settle_at > now:
                waiting.append(job_id)
            elif job.status(now) == "SUCCESS":
                settled_ms = _now_ms() - round((now - job.settle_at) * 1000)
                self._add_booked_prospect(self._appointments[job.appointment_id], settled_ms)
        self._pending_prospects = waiting

    def _add_booked_prospect(self, appointment: BookedAppointment, settled_ms: int) -> None:
        # Its id is the write's created_record_id (the simulator reports the appointment's).
        body = appointment.body
        values = {name: body.get(name) for name in _BOOKED_PROSPECT_FIELDS if name in body}
        values["status"] = "NEW"
        new = {"integration_id": body.get("integration_id"), "integration_vendor": seed.VENDOR}
        table = self.prospects
        table.put(table.merged(appointment.id, values, settled_ms, new))

    # -- writes ----------------------------------------------------------------------------------

    def knows_community(self, community_id: str) -> bool:
        with self._lock:
            return community_id in self.communities

    def knows_prospect(self, prospect_id: str) -> bool:
        with self._lock:
            self._add_settled_prospects()
            return prospect_id in self.prospects

    def book(
        self, body: dict[str, object], errors: Sequence[str], *, job_id: str | None = None
    ) -> BookedAppointment:
        with self._lock:
            appointment_id = f"appt_{uuid.uuid4().hex[:20]}"
            job = self._new_job("create_appointment", appointment_id, errors, job_id)
            booked = BookedAppointment(
                id=appointment_id, job_id=job.id, body=body, received_at=utc_now_iso()
            )
            self._appointments[appointment_id] = booked
            if "prospect_id" not in body:
                self._pending_prospects.append(job.id)
            return self._snapshot(booked)

    def job(self, job_id: str) -> tuple[WriteJob, str] | None:
        """The job and its status now."""
        with self._lock:
            job = self._jobs.get(job_id)
            return None if job is None else (replace(job), job.status(self._clock()))

    def retry(self, job_id: str, errors: Sequence[str]) -> str:
        """Queue a failed job again and return the new job's id; ValueError says why not."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                raise ValueError(f"No write job with id '{job_id}'.")
            if job.status(self._clock()) != "FAILURE":
                raise ValueError(f"Only failed writes can be retried; job '{job_id}' did not fail.")
            if job.retried_as is not None:
                raise ValueError(f"Job '{job_id}' was already retried as job '{job.retried_as}'.")
            new = self._new_job(job.kind, job.appointment_id, errors)
            job.retried_as = new.id
            appointment = self._appointments.get(job.appointment_id)
            if job.kind == "create_appointment" and appointment is not None:
                appointment.job_id = new.id
                if "prospect_id" not in appointment.body:
                    self._pending_prospects.append(new.id)
            return new.id

    def record_outcome(self, appointment_id: str, outcome: dict[str, object]) -> str | None:
        """Store a tour's outcome on a booked appointment and return the write job's id, or None
        when no appointment with that id was written (unknown, pending or failed)."""
        with self._lock:
            appointment = self._appointments.get(appointment_id)
            if appointment is None:
                return None
            if self._jobs[appointment.job_id].status(self._clock()) != "SUCCESS":
                return None
            job = self._new_job("update_appointment", appointment_id, ())
            appointment.outcome = {**outcome, "job_id": job.id}
            return job.id

    def settle_writes(self) -> int:
        """Let every pending write settle now, as it will; return how many were pending."""
        with self._lock:
            now = self._clock()
            pending = [job for job in self._jobs.values() if job.settle_at > now]
            for job in pending:
                job.settle_at = now
            return len(pending)

    def _new_job(
        self, kind: JobKind, appointment_id: str, errors: Sequence[str], job_id: str | None = None
    ) -> WriteJob:
        job = WriteJob(
            id=job_id or f"job_{uuid.uuid4().hex[:24]}",
            kind=kind,
            appointment_id=appointment_id,
            settle_at=self._clock() + self.settle,
            errors=tuple(errors),
        )
        self._jobs[job.id] = job
        return job

    def reset(self) -> None:
        """Forget bookings, jobs, requests and faults, and start a fresh rate window."""
        with self._lock:
            self._appointments.clear()
            self._jobs.clear()
            self._requests.clear()
            self._faults.clear()
            self._window_started, self._window_used = None, 0
            self._pending_prospects.clear()
            self.prospects.restore()
            self.communities.restore()
