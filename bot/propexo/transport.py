"""The one place a Propexo request is sent: auth, pacing, the request budget's gate, retries with
backoff. Answers come back as JSON or as the errors of `bot.propexo.errors`, and a write unsafe to
repeat is never re-sent once it may have arrived."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol
from urllib.parse import quote

import httpx

from bot.propexo.errors import (
    PropexoConfigurationError,
    PropexoError,
    PropexoNotFound,
    PropexoOutcomeUnknown,
    PropexoRateLimited,
    PropexoRejected,
    PropexoUnavailable,
    ValidationIssue,
)
from bot.propexo.pacing import Pacer
from bot.propexo.reading import mapping_at, text_at

# The client's one logger, shared by its parts: operators and tests filter on this name.
logger = logging.getLogger("bot.propexo.client")

Json = object

# Raised before a single byte of the request left: resending cannot duplicate anything.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Set while a caller that already holds a unit of the budget makes its request (`prepaid`).
_PREPAID: ContextVar[bool] = ContextVar("propexo_prepaid", default=False)
RateLimitedHook = Callable[[float], Awaitable[None]]
# Set while a caller wants to hear of a 429 at once (`on_rate_limited`).
_ON_RATE_LIMITED: ContextVar[RateLimitedHook | None] = ContextVar(
    "propexo_on_rate_limited", default=None
)


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


@contextmanager
def on_rate_limited(hook: RateLimitedHook) -> Iterator[None]:
    """While inside, each 429 awaits `hook(seconds)` (how long until the request goes again)
    before the wait for the next rate window begins: whoever is waiting hears of it at once."""
    token = _ON_RATE_LIMITED.set(hook)
    try:
        yield
    finally:
        _ON_RATE_LIMITED.reset(token)


class _Overdue(httpx.TransportError):
    """No whole answer within the request's deadline (a server dripping bytes never trips a
    read timeout, which counts from the last byte)."""


def segment(value: str) -> str:
    """An id made safe to put in a URL path."""
    return quote(value, safe="")


class Transport:
    """Sends requests to one Propexo base URL with one API key; see `PropexoClient` for the
    meaning of the settings."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        connect_timeout: float,
        read_timeout: float,
        deadline: float | None,
        retries: int,
        rate_limit_retries: int,
        backoff: float,
        max_backoff: float,
        pace_below: float,
        rate_window: float,
        http_transport: httpx.AsyncBaseTransport | None,
    ) -> None:
        if not api_key:
            raise PropexoError(
                "Tourbot has no Propexo API key. Ask whoever runs Tourbot to set PROPEXO_API_KEY."
            )
        self._api_key = api_key
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        # The whole of one attempt, from connecting to the answer's last byte.
        self._deadline = deadline if deadline is not None else connect_timeout + read_timeout
        self._retries = retries
        self._rate_limit_retries = rate_limit_retries
        self._backoff = backoff
        self._max_backoff = max_backoff
        self._pacer = Pacer(rate_window, pace_below)
        self._pace_lock = asyncio.Lock()
        self.paced_seconds = 0.0  # total time spent waiting for the rate limit
        self.gate: RequestGate | None = None  # every attempt passes it when set
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {api_key}", "Accept": "application/json"},
            timeout=httpx.Timeout(
                connect=connect_timeout, read=read_timeout, write=read_timeout, pool=connect_timeout
            ),
            transport=http_transport,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def send(
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
                    await _tell_rate_limited(self._pacer.delay(time.monotonic()))
                    continue  # _pace() now waits for the next window
                raise PropexoRateLimited()
            if 300 <= status < 400 or (400 <= status < 500 and not _is_json(response)):
                raise self._misdirected(method, path, response)
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
            async with asyncio.timeout(self._deadline):
                return await self._http.request(method, path, json=json, params=params)
        except TimeoutError as exc:  # may have arrived, like a read timeout
            raise _Overdue(f"no whole answer within {self._deadline:g} s") from exc
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
        if isinstance(exc, _Overdue):
            return str(exc)
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

    def _misdirected(
        self, method: str, path: str, response: httpx.Response
    ) -> PropexoConfigurationError:
        """An answer Propexo's API never gives: whatever answers at PROPEXO_BASE_URL is not it
        (a login page, a proxy). Logged for whoever runs Tourbot; the agent hears it too."""
        status = response.status_code
        kind = response.headers.get("content-type", "no content type").split(";")[0]
        if status < 400:
            where = self._scrub(response.headers.get("location", "nowhere"))[:200]
            what = f"Propexo answered with a redirect to {where} (HTTP {status})"
        else:
            what = f"Propexo answered HTTP {status} with {kind} rather than Propexo's JSON error"
        logger.error("%s %s: %s: check PROPEXO_BASE_URL", method, path, what)
        return PropexoConfigurationError(
            status,
            f"{what}, so Tourbot is not talking to Propexo's API and nothing was booked. Ask "
            "whoever runs Tourbot to check PROPEXO_BASE_URL.",
        )

    def _scrub(self, text: str) -> str:
        return text.replace(self._api_key, "[API key]")


def _error_body(response: httpx.Response) -> tuple[str | None, str | None, list[ValidationIssue]]:
    try:
        data = response.json()
    except ValueError:
        return None, None, []
    error = mapping_at(data, "error")
    issues: list[ValidationIssue] = []
    raw_issues = mapping_at(error, "details").get("issues")
    for raw in raw_issues if isinstance(raw_issues, list) else []:
        if not isinstance(raw, Mapping):
            continue
        path = raw.get("path")
        issues.append(
            ValidationIssue(
                path=tuple(p for p in path if isinstance(p, str | int))
                if isinstance(path, list)
                else (),
                message=text_at(raw, "message") or "invalid",
                code=text_at(raw, "code"),
            )
        )
    return text_at(error, "code"), text_at(error, "message"), issues


async def _tell_rate_limited(seconds: float) -> None:
    hook = _ON_RATE_LIMITED.get()
    if hook is None:
        return
    try:
        await hook(seconds)
    except Exception:  # the caller's news; the request itself goes on
        logger.warning("could not tell of a 429", exc_info=True)


def _is_json(response: httpx.Response) -> bool:
    try:
        response.json()
    except ValueError:
        return False
    return True


def _header_int(response: httpx.Response, name: str) -> int | None:
    try:
        return int(response.headers[name])
    except (KeyError, ValueError):
        return None
