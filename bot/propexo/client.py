"""An async client for the Propexo endpoints Tourbot uses, careful where a retry could book twice.

Reads retry transient failures with backoff. A create is re-sent only when it certainly did not
arrive (refused connection, 429); otherwise the caller gets `PropexoOutcomeUnknown`. Requests
are paced from Propexo's `x-ratelimit-*` headers so a busy minute slows down instead of failing.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Literal, Protocol, Self
from urllib.parse import quote

import httpx

from bot.propexo.errors import (
    PropexoConfigurationError,
    PropexoError,
    PropexoNotFound,
    PropexoOutcomeUnknown,
    PropexoRateLimited,
    PropexoRejected,
    PropexoTransientError,
    PropexoUnavailable,
    ValidationIssue,
)

logger = logging.getLogger(__name__)

CREATE_APPOINTMENT_PATH = "/crm/v1/appointments/eliseai"
SETTLED_STATUSES = frozenset({"SUCCESS", "PARTIAL_SUCCESS", "FAILURE"})
OutcomeStatus = Literal["NO_SHOW", "COMPLETE"]
Json = object

# Raised before a single byte of the request left: resending cannot duplicate anything.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Set while a caller that already holds a unit of the budget makes its request (`prepaid`).
_PREPAID: ContextVar[bool] = ContextVar("propexo_prepaid", default=False)


class RequestGate(Protocol):
    """Lets each request reach Propexo only within a budget (e.g. one shared by instances)."""

    async def enter(self) -> Any:
        """Wait until a request may go; returns a ticket for `leave`."""

    async def leave(self, ticket: Any, *, arrived: bool) -> None:
        """The request is over; `arrived` is False when it certainly never reached Propexo."""


@contextmanager
def prepaid() -> Iterator[None]:
    """The next request's first attempt is already paid for by the caller (retries are not)."""
    token = _PREPAID.set(True)
    try:
        yield
    finally:
        _PREPAID.reset(token)


# -- what the calls return -----------------------------------------------------------------------


@dataclass(frozen=True)
class CreatedAppointment:
    """Propexo accepted a create (that is not yet a booking: watch `job_id`'s write status).

    `appointment_id` is set only if Propexo's answer carried one; its docs do not promise it.
    `job_id` is None only if the answer had none, in which case the write cannot be followed.
    """

    job_id: str | None
    appointment_id: str | None
    result: Mapping[str, object]


@dataclass(frozen=True)
class WriteStatus:
    job_id: str
    status: str  # PENDING, SUCCESS, PARTIAL_SUCCESS, FAILURE (or whatever Propexo adds)
    errors: tuple[str, ...] = ()
    created_record_id: str | None = None

    @property
    def settled(self) -> bool:
        """Finished one way or the other; an unknown status counts as still running."""
        return self.status in SETTLED_STATUSES

    @property
    def succeeded(self) -> bool:
        return self.status in ("SUCCESS", "PARTIAL_SUCCESS")

    @property
    def failed(self) -> bool:
        return self.status == "FAILURE"


@dataclass(frozen=True)
class UpdatedAppointment:
    job_id: str | None
    appointment_id: str
    status: str
    outcome_time: str | None
    unit_ids: tuple[str, ...]
    result: Mapping[str, object]


@dataclass(frozen=True)
class Community:
    id: str
    name: str | None
    integration_id: str | None
    timezone: str | None
    raw: Mapping[str, object] = field(repr=False)

    @classmethod
    def from_record(cls, record: Mapping[str, object]) -> Community:
        return cls(
            id=_text(record, "id") or "",
            name=_text(record, "name"),
            integration_id=_text(record, "integration_id"),
            timezone=_text(record, "timezone", "time_zone"),
            raw=record,
        )


@dataclass(frozen=True)
class Prospect:
    id: str
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    community_id: str | None
    integration_id: str | None
    raw: Mapping[str, object] = field(repr=False)

    @classmethod
    def from_record(cls, record: Mapping[str, object]) -> Prospect:
        return cls(
            id=_text(record, "id") or "",
            first_name=_text(record, "first_name"),
            last_name=_text(record, "last_name"),
            email=_text(record, "email_1", "email", "primary_email"),
            phone=_text(record, "phone_1", "phone", "primary_phone", "phone_2"),
            community_id=_text(record, "community_id", "crm_community_id"),
            integration_id=_text(record, "integration_id"),
            raw=record,
        )

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    def matches(self, text: str) -> bool:
        """Whether `text` is a fragment of this prospect's name, email or phone.

        A phone fragment compares digits only, so "555 201" finds "+15552017788".
        """
        needle = text.strip().casefold()
        if not needle:
            return False
        digits = re.sub(r"\D", "", needle)
        if len(digits) >= 3 and re.fullmatch(r"[\d\s()+.\-]+", needle):
            return self.phone is not None and digits in re.sub(r"\D", "", self.phone)
        if self.email and needle in self.email.casefold():
            return True
        name = self.name.casefold()
        return bool(name) and all(word in name for word in needle.split())


# -- pacing ----------------------------------------------------------------------------------------


class _Pacer:
    """Spreads requests over what is left of the rate window once its budget runs low.

    Propexo only says how much is left (`x-ratelimit-remaining`), not when the window rolls, so
    the window is taken to start when an answer first shows a fresh budget; that is no earlier
    than the server's own start, so the estimate errs towards waiting.
    """

    def __init__(self, window: float, pace_below: float) -> None:
        self.window = window
        self.pace_below = pace_below
        self.limit: int | None = None
        self.remaining: int | None = None  # what the last answer said, less what was sent since
        self._window_start: float | None = None
        self._last_seen: int | None = None

    def observe(self, limit: int | None, remaining: int | None, now: float) -> None:
        if limit is not None:
            self.limit = limit
        if remaining is None:
            return
        stale = self._window_start is None or now - self._window_start >= self.window
        if stale or self._last_seen is None or remaining > self._last_seen:
            self._window_start = now
        self._last_seen = remaining
        self.remaining = remaining

    def exhausted(self, now: float) -> None:
        """A 429: nothing is left until the window rolls."""
        self.observe(None, 0, now)

    def delay(self, now: float) -> float:
        if self.remaining is None or self._window_start is None or not self.limit:
            return 0.0
        left = self._window_start + self.window - now
        if left <= 0:
            return 0.0  # by our estimate the window has rolled; the next answer will tell
        if self.remaining <= 0:
            return left + min(1.0, 0.02 * self.window)
        if self.remaining >= self.pace_below * self.limit:
            return 0.0
        return left / (self.remaining + 1)

    def spend(self) -> None:
        if self.remaining:
            self.remaining -= 1


# -- the client ------------------------------------------------------------------------------------


class PropexoClient:
    """Propexo's EliseAI endpoints, async. Use as `async with PropexoClient(url, key) as propexo:`.

    - `retries`: how often a read (or a create that certainly did not arrive) is tried again
      after a transient failure, with exponential backoff from `backoff` seconds plus jitter.
    - `rate_limit_retries`: how often any request is tried again after a 429, each time after
      waiting for the next rate window.
    - `pace_below`, `rate_window`: once less than this share of the limit is left, requests are
      spread over the rest of the window (Propexo's is a minute).
    - `page_size`: records per page when reading lists (Propexo allows at most 250).
    - `prospect_cache_seconds`: how long `search_prospects` reuses the prospect list (Propexo's
      reads lag its last sync anyway); 0 reads it every time.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 20.0,
        retries: int = 3,
        rate_limit_retries: int = 2,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        pace_below: float = 0.25,
        rate_window: float = 60.0,
        page_size: int = 250,
        prospect_cache_seconds: float = 300.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not api_key:
            raise PropexoError(
                "Tourbot has no Propexo API key. Ask whoever runs Tourbot to set PROPEXO_API_KEY."
            )
        self._api_key = api_key
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._retries = retries
        self._rate_limit_retries = rate_limit_retries
        self._backoff = backoff
        self._max_backoff = max_backoff
        self._page_size = page_size
        self._prospect_cache_seconds = prospect_cache_seconds
        self._pacer = _Pacer(rate_window, pace_below)
        self._pace_lock = asyncio.Lock()
        self._prospect_lock = asyncio.Lock()
        self._prospect_cache: dict[str | None, tuple[float, list[Prospect]]] = {}
        self.paced_seconds = 0.0  # total time spent waiting for the rate limit
        self.gate: RequestGate | None = None  # every attempt passes it when set
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {api_key}", "Accept": "application/json"},
            timeout=httpx.Timeout(
                connect=connect_timeout, read=read_timeout, write=read_timeout, pool=connect_timeout
            ),
            transport=transport,
        )

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
        await self._http.aclose()

    # -- appointments ----------------------------------------------------------------------------

    async def create_appointment(self, body: Mapping[str, object]) -> CreatedAppointment:
        """Send Create Appointment: EliseAI with `body` as given (the caller leaves out empty
        fields). Raises `PropexoOutcomeUnknown` if the request may have arrived unanswered."""
        data = await self._send("POST", CREATE_APPOINTMENT_PATH, json=dict(body), action="booking")
        meta, result = _mapping(data, "meta"), _mapping(data, "result")
        return CreatedAppointment(
            job_id=_text(meta, "job_id") or _text(_as_mapping(data), "job_id"),
            appointment_id=_appointment_id(result, meta),
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
        data = await self._send(
            "PUT", f"{CREATE_APPOINTMENT_PATH}/{_segment(appointment_id)}", json=body, safe=True
        )
        meta, result = _mapping(data, "meta"), _mapping(data, "result")
        units = result.get("unit_ids")
        return UpdatedAppointment(
            job_id=_text(meta, "job_id"),
            appointment_id=_text(result, "appointment_id", "id") or appointment_id,
            status=_text(result, "status") or status,
            outcome_time=_text(result, "outcome_time"),
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
        data = await self._send(
            "POST", "/crm/v1/appointment-availability/eliseai/", json=body, safe=True
        )
        return _mapping(data, "result")

    # -- write jobs ------------------------------------------------------------------------------

    async def write_status(self, job_id: str) -> WriteStatus:
        data = _as_mapping(
            await self._send("GET", f"/v1/admin/write-status/{_segment(job_id)}", safe=True)
        )
        status = _text(data, "write_status")
        if status is None:
            raise PropexoUnavailable("its write-status answer had no write_status", sent=True)
        errors = data.get("errors")
        return WriteStatus(
            job_id=job_id,
            status=status,
            errors=tuple(str(e) for e in errors) if isinstance(errors, list) else (),
            created_record_id=_text(data, "created_record_id"),
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
        data = _as_mapping(
            await self._send(
                "POST",
                f"/v1/admin/retry-write/{_segment(job_id)}",
                json={},
                action="retry of the write",
            )
        )
        new_job = _text(data, "job_id")
        if data.get("success") is not True or new_job is None:
            raise PropexoError(
                "Propexo did not queue the retry of the booking's write. Try again in a few "
                "minutes, or check the booking in EliseAI."
            )
        return new_job

    # -- reads -----------------------------------------------------------------------------------

    async def list_communities(self, integration_id: str | None = None) -> list[Community]:
        records = await self._list_all("/crm/v1/communities/", integration_id)
        return [Community.from_record(r) for r in records]

    async def get_community(self, community_id: str) -> Community:
        data = await self._send("GET", f"/crm/v1/communities/{_segment(community_id)}", safe=True)
        result = _mapping(data, "result")
        return Community.from_record(result or _as_mapping(data))

    async def list_prospects(self, integration_id: str | None = None) -> list[Prospect]:
        """Every prospect, read page by page (as of Propexo's last sync, often hours old)."""
        records = await self._list_all("/crm/v1/prospects/", integration_id)
        prospects = [Prospect.from_record(r) for r in records]
        self._prospect_cache[integration_id] = (time.monotonic(), prospects)
        return prospects

    async def search_prospects(
        self, text: str, *, integration_id: str | None = None, limit: int = 25
    ) -> list[Prospect]:
        """Prospects whose name, email or phone holds `text`, filtered here since Propexo's
        list filters are not documented. Reuses the list for `prospect_cache_seconds`."""
        if not text.strip():
            return []
        async with self._prospect_lock:  # one page-through at a time, shared by everyone
            cached = self._prospect_cache.get(integration_id)
            if cached and time.monotonic() - cached[0] < self._prospect_cache_seconds:
                prospects = cached[1]
            else:
                prospects = await self.list_prospects(integration_id)
        found = [p for p in prospects if p.matches(text)]
        found.sort(key=lambda p: (p.name.casefold(), p.id))
        return found[:limit]

    async def _list_all(self, path: str, integration_id: str | None) -> list[Mapping[str, object]]:
        # integration_id is sent as a hint and checked here too: which filters Propexo's CRM
        # lists honour is not documented.
        hint = {"integration_id": integration_id} if integration_id else {}
        records: list[Mapping[str, object]] = []
        offset = 0
        while True:
            params = {**hint, "offset": str(offset), "limit": str(self._page_size)}
            data = await self._send("GET", path, params=params, safe=True)
            results = _as_mapping(data).get("results")
            page = (
                [r for r in results if isinstance(r, Mapping)] if isinstance(results, list) else []
            )
            records.extend(page)
            has_more = _mapping(data, "meta").get("hasMore")
            if not page or has_more is False or (has_more is None and len(page) < self._page_size):
                break
            offset += len(page)
        if integration_id:
            records = [r for r in records if r.get("integration_id") in (None, integration_id)]
        return records

    # -- sending ---------------------------------------------------------------------------------

    async def _send(
        self,
        method: str,
        path: str,
        *,
        json: Json = None,
        params: Mapping[str, str] | None = None,
        safe: bool = False,
        action: str = "request",
    ) -> Json:
        """Send one request, retrying what may be retried, and return the answer's JSON.

        `safe` requests (reads, idempotent writes) are retried after any transient failure.
        Other writes are retried only when they certainly did not arrive; when they may have,
        `PropexoOutcomeUnknown` names the `action` that is in doubt.
        """
        failures = rate_limited = 0
        paid = _PREPAID.get()
        while True:
            await self._pace()
            started = time.monotonic()
            try:
                response = await self._attempt(method, path, json, params, paid=paid)
            except _NOT_SENT as exc:
                reason = self._describe(exc)
                logger.debug("%s %s not sent: %s", method, path, reason)
                if failures < self._retries:
                    failures += 1
                    await self._back_off(failures)
                    continue
                raise PropexoUnavailable(reason, sent=False) from exc
            except httpx.TransportError as exc:
                paid = False
                reason = self._describe(exc)
                logger.debug("%s %s sent, no answer: %s", method, path, reason)
                if not safe:
                    raise PropexoOutcomeUnknown(reason, action=action) from exc
                if failures < self._retries:
                    failures += 1
                    await self._back_off(failures)
                    continue
                raise PropexoUnavailable(reason, sent=True) from exc

            paid = False  # a second attempt is another request Propexo counts
            status = response.status_code
            self._observe(response, status)
            logger.debug(
                "%s %s -> %s in %.2fs (rate budget %s/%s left)",
                method,
                path,
                status,
                time.monotonic() - started,
                response.headers.get("x-ratelimit-remaining", "?"),
                response.headers.get("x-ratelimit-limit", "?"),
            )
            if 200 <= status < 300:
                try:
                    return response.json()
                except ValueError as exc:
                    reason = f"HTTP {status} with an unreadable body"
                    if not safe:
                        raise PropexoOutcomeUnknown(reason, action=action, status=status) from exc
                    raise PropexoUnavailable(reason, sent=True, status=status) from exc
            if status == 429:
                # Refused before it was processed, so even a create may go again.
                if rate_limited < self._rate_limit_retries:
                    rate_limited += 1
                    continue  # _pace() now waits for the next window
                raise PropexoRateLimited()
            if status >= 500:
                reason = f"HTTP {status}"
                if not safe:
                    raise PropexoOutcomeUnknown(reason, action=action, status=status)
                if failures < self._retries:
                    failures += 1
                    await self._back_off(failures)
                    continue
                raise PropexoUnavailable(reason, sent=True, status=status)
            if status in (401, 403):
                raise PropexoConfigurationError(status)
            raise self._rejection(response)

    async def _attempt(
        self,
        method: str,
        path: str,
        json: Json,
        params: Mapping[str, str] | None,
        *,
        paid: bool,
    ) -> httpx.Response:
        """One HTTP request, through the gate unless the caller paid for it."""
        gate = None if paid else self.gate
        ticket = await gate.enter() if gate is not None else None
        arrived = True
        try:
            return await self._http.request(method, path, json=json, params=params)
        except _NOT_SENT:
            arrived = False
            raise
        finally:
            if gate is not None:
                await gate.leave(ticket, arrived=arrived)

    async def _pace(self) -> None:
        async with self._pace_lock:  # held while waiting, so paced requests go one by one
            delay = self._pacer.delay(time.monotonic())
            if delay > 0:
                logger.debug(
                    "pacing: waiting %.2fs (%s of %s requests left this window)",
                    delay,
                    self._pacer.remaining,
                    self._pacer.limit,
                )
                self.paced_seconds += delay
                await asyncio.sleep(delay)
            self._pacer.spend()

    def _observe(self, response: httpx.Response, status: int) -> None:
        now = time.monotonic()
        limit = _header_int(response, "x-ratelimit-limit")
        remaining = _header_int(response, "x-ratelimit-remaining")
        if status == 429 and remaining is None:
            self._pacer.exhausted(now)
        else:
            self._pacer.observe(limit, 0 if status == 429 else remaining, now)

    async def _back_off(self, failures: int) -> None:
        delay = min(self._max_backoff, self._backoff * 2 ** (failures - 1))
        await asyncio.sleep(delay * random.uniform(0.5, 1.0))

    def _describe(self, exc: httpx.TransportError) -> str:
        if isinstance(exc, httpx.ConnectTimeout):
            return f"no connection within {self._connect_timeout:g} s"
        if isinstance(exc, httpx.PoolTimeout):
            return "too many requests already waiting"
        if isinstance(exc, httpx.ConnectError):
            refused = "refused" in str(exc).lower()
            return "the connection was refused" if refused else "the connection failed"
        if isinstance(exc, httpx.ReadTimeout):
            return f"no answer within {self._read_timeout:g} s"
        if isinstance(exc, httpx.WriteTimeout):
            return "sending the request timed out"
        if isinstance(exc, httpx.RemoteProtocolError):
            return "the connection closed without an answer"
        return "the connection broke"

    def _rejection(self, response: httpx.Response) -> PropexoRejected:
        code, message, issues = _error_body(response)
        message = self._scrub(message or f"HTTP {response.status_code}")
        issues = [ValidationIssue(i.path, self._scrub(i.message), i.code) for i in issues]
        if response.status_code == 404:
            return PropexoNotFound(
                message,
                issues,
                code=code,
                status=404,
                message=f"Propexo found no such record ({message.rstrip('.')}). Check the id (an "
                "appointment can be updated only once Propexo has confirmed its booking), and "
                "that PROPEXO_BASE_URL is Propexo's API.",
            )
        return PropexoRejected(message, issues, code=code, status=response.status_code)

    def _scrub(self, text: str) -> str:
        return text.replace(self._api_key, "[API key]")


# -- reading answers defensively -------------------------------------------------------------------


def _as_mapping(value: object) -> Mapping[str, object]:
    return value if isinstance(value, Mapping) else {}


def _mapping(value: object, key: str) -> Mapping[str, object]:
    return _as_mapping(_as_mapping(value).get(key))


def _text(record: Mapping[str, object], *keys: str) -> str | None:
    """The first of `keys` holding a non-empty string (or a number, as ids sometimes are)."""
    for key in keys:
        value = record.get(key)
        if isinstance(value, str) and value:
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
    return None


def _appointment_id(result: Mapping[str, object], meta: Mapping[str, object]) -> str | None:
    """Wherever the new appointment's id may be: Propexo does not document one."""
    return (
        _text(result, "id", "appointment_id")
        or _text(_mapping(result, "appointment"), "id")
        or _text(meta, "appointment_id", "created_record_id")
    )


def _error_body(response: httpx.Response) -> tuple[str | None, str | None, list[ValidationIssue]]:
    try:
        data = response.json()
    except ValueError:
        return None, None, []
    error = _mapping(data, "error")
    issues: list[ValidationIssue] = []
    raw_issues = _mapping(error, "details").get("issues")
    for raw in raw_issues if isinstance(raw_issues, list) else []:
        if not isinstance(raw, Mapping):
            continue
        path = raw.get("path")
        issues.append(
            ValidationIssue(
                path=tuple(p for p in path if isinstance(p, str | int))
                if isinstance(path, list)
                else (),
                message=_text(raw, "message") or "invalid",
                code=_text(raw, "code"),
            )
        )
    return _text(error, "code"), _text(error, "message"), issues


def _header_int(response: httpx.Response, name: str) -> int | None:
    try:
        return int(response.headers[name])
    except (KeyError, ValueError):
        return None


def _segment(value: str) -> str:
    """An id made safe to put in a URL path."""
    return quote(value, safe="")


def _utc_iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("a naive datetime is ambiguous; give it a time zone")
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
