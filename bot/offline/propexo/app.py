"""The simulated Propexo API as an aiohttp application, plus `/_sim/...` endpoints to steer it.

It is as strict as Propexo's docs: bearer auth, Zod-style 400s listing every issue, a per-minute
budget with `x-ratelimit-*` headers, a slowdown past 80 % of it, and asynchronous writes that
settle later. Faults (latency, error statuses, dropped connections, hangs, failed writes) are
injected on demand.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.offline.propexo import schema, seed
from bot.offline.propexo.faults import Fault, FaultSpecError
from bot.offline.propexo.queries import (
    page_answer,
    parse_utc,
    query_int,
    query_order,
    query_time,
    records_to_put,
)
from bot.offline.propexo.records import ListQuery
from bot.offline.propexo.responses import error_response, refused, zod_error
from bot.offline.propexo.state import RecordedRequest, SimulatorState, utc_now_iso
from bot.settings import DEFAULT_TOUR_TYPES

DEFAULT_API_KEY = "sim-key"
MAX_LIMIT = 250
NEEDS_CONTACT = (
    "EliseAI could not create the prospect: it needs an email (email_1) or a phone number "
    "(phone_1) for a new prospect."
)

logger = logging.getLogger(__name__)
_NOT_JSON = object()
_BODY = web.RequestKey("body", object)  # the parsed JSON body, or _NOT_JSON
_NO_JOB_ID = web.RequestKey("no_job_id", bool)  # a `no_job_id` fault hit this request
_JOB_ID = web.RequestKey("job_id", str)  # the job id a `job_id` fault gives this request's write


@dataclass(frozen=True)
class SimulatorConfig:
    api_key: str = DEFAULT_API_KEY
    settle: float = 1.0  # seconds from an accepted write until its job settles
    latency: float = 0.0  # added to every API answer
    rate_limit: int = 150  # requests per window
    rate_window: float = 60.0
    slowdown: float = 2.0  # added to every answer once `slowdown_at` of the budget is used
    slowdown_at: float = 0.8
    tour_types: tuple[str, ...] = DEFAULT_TOUR_TYPES
    include_appointment_id: bool = False  # put the new id in the create's `result`
    integration_id: str = seed.DEFAULT_INTEGRATION_ID
    prospect_count: int = seed.CLASSIC_PROSPECTS
    community_count: int = seed.CLASSIC_COMMUNITIES
    # Filter lists by `email_1=`/`phone_1=` (communities: `email=`/`phone=`); False ignores them,
    # as Propexo may (its docs do not say which fields a list filters on).
    honours_field_filters: bool = True


def _not_found(message: str) -> web.Response:
    return error_response(404, "not_found", message)


def _fault_response(fault: Fault) -> web.Response:
    if fault.kind == "redirect":
        where = fault.message or "https://app.propexo.com/login"
        return web.Response(status=fault.status, headers={"Location": where})
    if fault.kind == "text":
        return web.Response(status=fault.status, text=fault.message or "Conflict")
    if fault.status == 400:
        return refused(fault.message or "invalid request")
    if fault.status == 429:
        return _rate_limited()
    if fault.status == 502:  # what a load balancer in front of the API sends: not JSON
        return web.Response(
            status=502,
            text="<html><body><h1>502 Bad Gateway</h1></body></html>",
            content_type="text/html",
        )
    return error_response(fault.status, "internal_server_error", fault.message or "Server error")


async def _drip(request: web.Request, answer: web.Response, seconds: float) -> web.StreamResponse:
    """`answer`, its body sent a byte every `seconds`: each read gets something, none the whole."""
    dripping = web.StreamResponse(status=answer.status, headers=answer.headers)
    dripping.content_length = len(answer.body) if isinstance(answer.body, bytes) else None
    await dripping.prepare(request)
    with contextlib.suppress(ConnectionResetError):  # the client gave up waiting: as it should
        for byte in answer.body if isinstance(answer.body, bytes) else b"":
            await asyncio.sleep(seconds)
            await dripping.write(bytes([byte]))
        await dripping.write_eof()
    return dripping


def _rate_limited() -> web.Response:
    return error_response(
        429, "rate_limit_exceeded", "Too many requests: the per-minute limit is used up."
    )


class Simulator:
    """The application and its state; `start`/`stop` run it in the current event loop."""

    def __init__(self, config: SimulatorConfig | None = None) -> None:
        self.config = config or SimulatorConfig()
        self.state = SimulatorState(
            settle=self.config.settle,
            rate_limit=self.config.rate_limit,
            rate_window=self.config.rate_window,
            integration_id=self.config.integration_id,
            prospect_count=self.config.prospect_count,
            community_count=self.config.community_count,
        )
        self._create_fields = schema.create_appointment_fields(self.config.tour_types)
        self._availability_fields = schema.availability_fields(self.config.tour_types)
        self._release: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self.url: str | None = None

    # -- lifecycle -------------------------------------------------------------------------------

    def build_app(self) -> web.Application:
        app = web.Application(middlewares=[self._api_middleware])
        routes: list[tuple[str, str, Handler]] = [
            ("POST", "/crm/v1/appointments/eliseai", self._create_appointment),
            ("PUT", "/crm/v1/appointments/eliseai/{appointment_id}", self._update_appointment),
            ("GET", "/v1/admin/write-status/{job_id}", self._write_status),
            ("POST", "/v1/admin/retry-write/{job_id}", self._retry_write),
            ("GET", "/crm/v1/communities", self._list_communities),
            ("GET", "/crm/v1/communities/{community_id}", self._get_community),
            ("GET", "/crm/v1/prospects", self._list_prospects),
            ("POST", "/crm/v1/appointment-availability/eliseai", self._availability),
            ("GET", "/_sim", self._sim_info),
            ("GET", "/_sim/appointments", self._sim_appointments),
            ("GET", "/_sim/requests", self._sim_requests),
            ("DELETE", "/_sim/requests", self._sim_clear_requests),
            ("GET", "/_sim/faults", self._sim_faults),
            ("POST", "/_sim/faults", self._sim_add_faults),
            ("DELETE", "/_sim/faults", self._sim_clear_faults),
            ("DELETE", "/_sim/faults/{fault_id}", self._sim_remove_fault),
            ("POST", "/_sim/prospects", self._sim_put_prospects),
            ("POST", "/_sim/communities", self._sim_put_communities),
            ("POST", "/_sim/settle", self._sim_settle),
            ("POST", "/_sim/reset", self._sim_reset),
        ]
        for method, path, handler in routes:
            # Propexo's docs write some paths with a trailing slash and some without.
            app.router.add_route(method, path, handler)
            app.router.add_route(method, path + "/", handler)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        self._release = asyncio.Event()
        self._runner = web.AppRunner(
            self.build_app(), access_log=None, handle_signals=False, shutdown_timeout=1.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound_port = self._runner.addresses[0][1]
        self.url = f"http://{host}:{bound_port}"
        return self.url

    async def stop(self) -> None:
        self.release_hangs()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def release_hangs(self) -> None:
        """End every hanging request (its connection closes without an answer)."""
        if self._release is not None:
            self._release.set()
            self._release = asyncio.Event()

    def reset(self) -> None:
        self.release_hangs()
        self.state.reset()

    # -- the API's common behaviour --------------------------------------------------------------

    @web.middleware
    async def _api_middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path == "/_sim" or request.path.startswith("/_sim/"):
            return await self._answer(request, handler)
        raw = await request.read()
        body = _parse_body(raw)
        request[_BODY] = body
        authorized = self._authorized(request)
        entry = RecordedRequest(
            method=request.method,
            path=request.path,
            query=dict(request.query),
            body=raw.decode("utf-8", "replace") if body is _NOT_JSON else body,
            authorized=authorized,
            received_at=utc_now_iso(),
        )
        self.state.record_request(entry)
        used = self.state.spend_request()
        limit = self.config.rate_limit
        faults = self.state.take_faults(request.method, request.path)
        delay = self.config.latency + sum(f.seconds for f in faults if f.kind == "latency")
        if delay:
            await asyncio.sleep(delay)
        fault = next((f for f in faults if f.kind != "latency"), None)
        entry.fault = fault.kind if fault else None
        request[_NO_JOB_ID] = fault is not None and fault.kind == "no_job_id"
        request[_JOB_ID] = (fault.message or "") if fault and fault.kind == "job_id" else ""

        if fault is not None and fault.kind == "drop_before":
            self._drop(request)
        if fault is not None and fault.kind == "hang":
            await self._hang(fault.seconds)
            self._drop(request)
        if fault is not None and fault.kind in ("status", "redirect", "text"):
            response: web.StreamResponse = _fault_response(fault)
        elif used > limit:
            response = _rate_limited()
        elif not authorized:
            response = error_response(
                401, "unauthorized", "Unauthorized: the API key is missing or not valid."
            )
        else:
            response = await self._answer(request, handler)

        if self.config.slowdown and used >= self.config.slowdown_at * limit:
            await asyncio.sleep(self.config.slowdown)
        exhausted = response.status == 429 or used >= limit
        response.headers["x-ratelimit-limit"] = str(limit)
        response.headers["x-ratelimit-remaining"] = "0" if exhausted else str(limit - used)
        if fault is not None and fault.kind == "drop_after":
            self._drop(request)
        entry.status = response.status
        if fault is not None and fault.kind == "drip" and isinstance(response, web.Response):
            return await _drip(request, response, fault.seconds)
        return response

    async def _answer(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except web.HTTPNotFound:
            return _not_found(f"Cannot {request.method} {request.path}")
        except web.HTTPMethodNotAllowed:
            return error_response(
                405, "method_not_allowed", f"{request.method} is not allowed on {request.path}"
            )

    def _authorized(self, request: web.Request) -> bool:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            token.strip().encode(), self.config.api_key.encode()
        )

    def _drop(self, request: web.Request) -> None:
        logger.debug("dropping the connection of %s %s", request.method, request.path)
        request.protocol.force_close()
        # aiohttp treats a cancelled handler as a vanished client: nothing is written or logged.
        raise asyncio.CancelledError

    async def _hang(self, seconds: float) -> None:
        assert self._release is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._release.wait(), timeout=seconds or None)

    # -- appointments ----------------------------------------------------------------------------

    async def _create_appointment(self, request: web.Request) -> web.StreamResponse:
        body = request[_BODY]
        if body is _NOT_JSON:
            return refused("The request body is not valid JSON.")
        issues = schema.check_object(body, self._create_fields, schema.CREATE_REQUIRED)
        if issues:
            return zod_error(issues)
        assert isinstance(body, dict)
        refusal = self._unknown_ids(body)
        if refusal is not None:
            return refusal
        errors: Sequence[str] = ()
        fault = self.state.take_write_failure(request.method, request.path)
        if fault is not None:
            errors = fault.errors or ("EliseAI rejected the appointment.",)
        elif "prospect_id" not in body and not body.get("email_1") and not body.get("phone_1"):
            # Propexo's docs do not say the create refuses this; EliseAI's prospect create does.
            errors = (NEEDS_CONTACT,)
        booked = self.state.book(body, errors, job_id=request[_JOB_ID] or None)
        result = dict(body)
        if self.config.include_appointment_id:
            result["id"] = booked.id
        meta = {} if request[_NO_JOB_ID] else {"job_id": booked.job_id}
        return web.json_response({"meta": meta, "result": result})

    def _unknown_ids(self, body: dict[str, object]) -> web.Response | None:
        integration_id = body["integration_id"]
        if integration_id != self.config.integration_id:
            return refused(f"Integration '{integration_id}' was not found for this API key.")
        community_id = body.get("community_id")
        if isinstance(community_id, str) and not self.state.knows_community(community_id):
            return refused(
                f"Community '{community_id}' was not found in integration '{integration_id}'."
            )
        prospect_id = body.get("prospect_id")
        if isinstance(prospect_id, str) and not self.state.knows_prospect(prospect_id):
            return refused(
                f"Prospect '{prospect_id}' was not found in integration '{integration_id}'."
            )
        return None

    async def _update_appointment(self, request: web.Request) -> web.StreamResponse:
        body = request[_BODY]
        if body is _NOT_JSON:
            return refused("The request body is not valid JSON.")
        issues = schema.check_object(body, schema.UPDATE_FIELDS, schema.UPDATE_REQUIRED)
        if issues:
            return zod_error(issues)
        assert isinstance(body, dict)
        appointment_id = request.match_info["appointment_id"]
        outcome: dict[str, object] = {
            "appointment_id": appointment_id,
            "status": body["status"],
            "outcome_time": body.get("outcome_time") or utc_now_iso(),
            "unit_ids": body.get("unit_ids", []),
        }
        job_id = self.state.record_outcome(appointment_id, outcome)
        if job_id is None:
            # Propexo documents only 400s; the simulator answers 404 for an id in the path that
            # names no written appointment (unknown, or its create is pending or failed), as
            # REST APIs usually do, so the client has to tell "not found" from "invalid".
            return _not_found(f"Appointment '{appointment_id}' was not found.")
        return web.json_response({"meta": {"job_id": job_id}, "result": outcome})

    async def _availability(self, request: web.Request) -> web.StreamResponse:
        body = request[_BODY]
        if body is _NOT_JSON:
            return refused("The request body is not valid JSON.")
        issues = schema.check_object(body, self._availability_fields, schema.AVAILABILITY_REQUIRED)
        if issues:
            return zod_error(issues)
        assert isinstance(body, dict)
        refusal = self._unknown_ids(body)
        if refusal is not None:
            return refusal
        # The real response shape is not documented: hourly slots, 14:00-23:00 UTC, minus bookings.
        start = parse_utc(str(body["start_time"]))
        end = parse_utc(str(body["end_time"]))
        taken = {
            f"{a.body.get('appointment_date')}T{a.body.get('appointment_time')}"
            for a in self.state.appointments
            if a.body.get("community_id") == body["community_id"]
        }
        slot = start.replace(minute=0, second=0, microsecond=0)
        if slot < start:
            slot += timedelta(hours=1)
        slots: list[str] = []
        while slot < end and len(slots) < 100:
            stamp = slot.strftime("%Y-%m-%dT%H:%M:%S")
            if 14 <= slot.hour < 23 and stamp not in taken:
                slots.append(stamp + "Z")
            slot += timedelta(hours=1)
        return web.json_response(
            {
                "meta": {},
                "result": {
                    "community_id": body["community_id"],
                    "tour_type": body.get("tour_type"),
                    "available_times": slots,
                },
            }
        )

    # -- write jobs ------------------------------------------------------------------------------

    async def _write_status(self, request: web.Request) -> web.StreamResponse:
        job_id = request.match_info["job_id"]
        found = self.state.job(job_id)
        if found is None:
            return refused(f"No write job with id '{job_id}'.")
        job, status = found
        created = None
        if status == "SUCCESS" and job.kind == "create_appointment":
            created = job.appointment_id
        return web.json_response(
            {
                "write_status": status,
                "errors": list(job.errors) if status == "FAILURE" else [],
                "created_record_id": created,
            }
        )

    async def _retry_write(self, request: web.Request) -> web.StreamResponse:
        if request[_BODY] is _NOT_JSON:
            return refused("The request body is not valid JSON.")
        fault = self.state.take_write_failure(request.method, request.path)
        errors = (fault.errors or ("EliseAI rejected the appointment.",)) if fault else ()
        try:
            new_job = self.state.retry(request.match_info["job_id"], errors)
        except ValueError as exc:
            return refused(str(exc))
        return web.json_response({"success": True, "job_id": new_job})

    # -- reads -----------------------------------------------------------------------------------

    async def _list_communities(self, request: web.Request) -> web.StreamResponse:
        query = self._list_query(request, self.state.communities.filterable)
        if isinstance(query, web.Response):
            return query
        return page_answer(query, *self.state.community_page(query))

    async def _get_community(self, request: web.Request) -> web.StreamResponse:
        community_id = request.match_info["community_id"]
        community = self.state.community(community_id)
        if community is None:
            return _not_found(f"Community '{community_id}' was not found.")
        return web.json_response({"meta": {}, "result": community})

    async def _list_prospects(self, request: web.Request) -> web.StreamResponse:
        query = self._list_query(request, self.state.prospects.filterable)
        if isinstance(query, web.Response):
            return query
        return page_answer(query, *self.state.prospect_page(query))

    def _list_query(
        self, request: web.Request, filterable: Sequence[str]
    ) -> ListQuery | web.Response:
        """The list read the query string asks for, or the 400 listing what is wrong with it.
        Other parameters are ignored, as are the field filters when they are not honoured."""
        params = request.query
        issues: list[schema.Issue] = []
        offset = query_int(params.get("offset", "0"), "offset", None)
        limit = query_int(params.get("limit", "100"), "limit", MAX_LIMIT)
        gte = query_time(params.get("updated_at_gte", ""), "updated_at_gte", up=True)
        lte = query_time(params.get("updated_at_lte", ""), "updated_at_lte", up=False)
        order = query_order(params.get("order-by", ""))
        for value in (offset, limit, gte, lte, order):
            if isinstance(value, dict):
                issues.append(value)
        if issues:
            return zod_error(issues)
        assert isinstance(offset, int) and isinstance(limit, int) and isinstance(order, tuple)
        assert not isinstance(gte, dict) and not isinstance(lte, dict)
        honoured = filterable if self.config.honours_field_filters else ()
        filters = tuple((name, params[name]) for name in honoured if params.get(name, "").strip())
        return ListQuery(offset, limit, order, gte, lte, filters)

    # -- control endpoints (no auth, not rate limited) -------------------------------------------

    async def _sim_info(self, request: web.Request) -> web.StreamResponse:
        return web.json_response(
            {
                "integration_id": self.config.integration_id,
                "community_ids": self.state.community_ids(),
                "prospect_count": len(self.state.prospects),
                "tour_types": list(self.config.tour_types),
                "settle": self.config.settle,
                "rate_limit": self.config.rate_limit,
                "rate_window": self.config.rate_window,
            }
        )

    async def _sim_appointments(self, request: web.Request) -> web.StreamResponse:
        return web.json_response([a.to_json() for a in self.state.appointments])

    async def _sim_requests(self, request: web.Request) -> web.StreamResponse:
        return web.json_response([r.to_json() for r in self.state.requests])

    async def _sim_clear_requests(self, request: web.Request) -> web.StreamResponse:
        self.state.clear_requests()
        return web.json_response({"cleared": True})

    async def _sim_faults(self, request: web.Request) -> web.StreamResponse:
        return web.json_response([f.to_json() for f in self.state.faults])

    async def _sim_add_faults(self, request: web.Request) -> web.StreamResponse:
        try:
            data = await request.json()
        except ValueError:
            return refused("Send a fault as a JSON object (or a list of them).")
        try:
            items = data if isinstance(data, list) else [data]
            faults = [Fault.from_json(item) for item in items]
        except FaultSpecError as exc:
            return refused(f"Bad fault: {exc}")
        for fault in faults:
            self.state.add_fault(fault)
        return web.json_response({"faults": [f.to_json() for f in faults]})

    async def _sim_clear_faults(self, request: web.Request) -> web.StreamResponse:
        self.state.clear_faults()
        self.release_hangs()
        return web.json_response({"cleared": True})

    async def _sim_remove_fault(self, request: web.Request) -> web.StreamResponse:
        fault_id = request.match_info["fault_id"]
        if not self.state.remove_fault(fault_id):
            return _not_found(f"No fault with id '{fault_id}'.")
        return web.json_response({"removed": fault_id})

    async def _sim_put_prospects(self, request: web.Request) -> web.StreamResponse:
        records = await records_to_put(request, self.state.prospects.fields)
        if isinstance(records, web.Response):
            return records
        return web.json_response({"prospects": self.state.put_prospects(records)})

    async def _sim_put_communities(self, request: web.Request) -> web.StreamResponse:
        records = await records_to_put(request, self.state.communities.fields)
        if isinstance(records, web.Response):
            return records
        return web.json_response({"communities": self.state.put_communities(records)})

    async def _sim_settle(self, request: web.Request) -> web.StreamResponse:
        return web.json_response({"settled": self.state.settle_writes()})

    async def _sim_reset(self, request: web.Request) -> web.StreamResponse:
        self.reset()
        return web.json_response({"reset": True})


def _parse_body(raw: bytes) -> object:
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return _NOT_JSON
