"""Faults the simulator injects on demand: which requests they hit, what they do, how many times.

A route is `"[METHOD ]PATH"`: METHOD is a verb or `*` (any; also the default), PATH is exact
(a trailing slash does not matter), ends with `*` for a prefix, or starts with `re:` for a regex
the whole path must match. Examples: `"POST /crm/v1/appointments/eliseai"`, `"GET /crm/v1/*"`,
`"* re:/v1/admin/write-status/.+"`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal, cast, get_args

FaultKind = Literal[
    "latency", "status", "drop_before", "drop_after", "hang", "write_failure", "no_job_id",
    "drip", "redirect", "text", "job_id",
]  # fmt: skip
FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)

_PathMatch = Callable[[str], bool]
_ids = itertools.count(1)


class FaultSpecError(ValueError):
    """A fault description that cannot be used; the message says which part and why."""


@dataclass
class Fault:
    """One injected misbehaviour.

    - `latency`: wait `seconds` before handling the request (other faults still apply).
    - `status`: answer `status` (400, 429, 5xx) with Propexo's error body and `message`.
    - `drop_before`: close the connection without handling the request or answering.
    - `drop_after`: handle the request (a create is booked), then close without answering.
    - `hang`: never answer; after `seconds` (0: until reset or stop) close the connection.
    - `write_failure`: accept the write, then settle its job as FAILURE with `errors`.
    - `no_job_id`: book a create, but answer it without a job id to follow.
    - `drip`: handle the request, then send the answer's body a byte every `seconds`.
    - `redirect`: answer `status` (3xx) pointing to `message` (a login page by default).
    - `text`: answer `status` (4xx, 5xx) with `message` as text/plain, as a proxy would.
    - `job_id`: book a create, and give its write job the id `message` (a long one, say).

    `times` is how many requests it hits; None means until it is removed.
    """

    route: str
    kind: FaultKind
    times: int | None = 1
    seconds: float = 0.0
    status: int = 500
    message: str | None = None
    errors: tuple[str, ...] = ()
    id: str = field(default_factory=lambda: f"fault_{next(_ids)}")
    hits: int = 0
    _method: str = field(init=False, repr=False, compare=False)
    _match: _PathMatch = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise FaultSpecError(f"kind must be one of {', '.join(FAULT_KINDS)}, not {self.kind!r}")
        if self.times is not None and self.times < 1:
            raise FaultSpecError("times must be at least 1, or null for no limit")
        if self.seconds < 0:
            raise FaultSpecError("seconds cannot be negative")
        if self.kind == "status" and not (self.status == 400 or 429 <= self.status <= 599):
            raise FaultSpecError("status must be 400, 429 or a 5xx code")
        if self.kind == "redirect" and not 300 <= self.status <= 399:
            raise FaultSpecError("a redirect's status must be a 3xx code")
        if self.kind == "text" and not 400 <= self.status <= 599:
            raise FaultSpecError("a text answer's status must be a 4xx or 5xx code")
        if self.kind == "job_id" and not self.message:
            raise FaultSpecError("a job_id fault needs the id as its message")
        self._method, self._match = _parse_route(self.route)

    @property
    def spent(self) -> bool:
        return self.times is not None and self.hits >= self.times

    def matches(self, method: str, path: str) -> bool:
        return (self._method in ("*", method.upper())) and self._match(path)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "route": self.route,
            "kind": self.kind,
            "times": self.times,
            "seconds": self.seconds,
            "status": self.status,
            "message": self.message,
            "errors": list(self.errors),
            "hits": self.hits,
        }

    @classmethod
    def from_json(cls, data: object) -> Fault:
        """Build a fault from the JSON the `/_sim/faults` endpoint receives."""
        if not isinstance(data, Mapping):
            raise FaultSpecError("a fault is a JSON object with at least route and kind")
        known = {"route", "kind", "times", "seconds", "status", "message", "errors"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise FaultSpecError(f"unknown fault field(s): {', '.join(unknown)}")
        route, kind = data.get("route"), data.get("kind")
        if not isinstance(route, str) or not isinstance(kind, str):
            raise FaultSpecError("route and kind are required strings")
        times = data.get("times", 1)
        seconds = data.get("seconds", 0.0)
        status = data.get("status", 500)
        message = data.get("message")
        errors = data.get("errors", [])
        if times is not None and (isinstance(times, bool) or not isinstance(times, int)):
            raise FaultSpecError("times must be an integer or null")
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise FaultSpecError("seconds must be a number")
        if isinstance(status, bool) or not isinstance(status, int):
            raise FaultSpecError("status must be an integer")
        if message is not None and not isinstance(message, str):
            raise FaultSpecError("message must be a string")
        if not isinstance(errors, list) or not all(isinstance(e, str) for e in errors):
            raise FaultSpecError("errors must be a list of strings")
        return cls(
            route=route,
            kind=cast(FaultKind, kind),
            times=times,
            seconds=float(seconds),
            status=status,
            message=message,
            errors=tuple(errors),
        )


def _parse_route(route: str) -> tuple[str, _PathMatch]:
    parts = route.strip().split(None, 1)
    if not parts:
        raise FaultSpecError("route is empty; write e.g. 'POST /crm/v1/appointments/eliseai'")
    if len(parts) == 1:
        method, pattern = "*", parts[0]
    else:
        method, pattern = parts[0].upper(), parts[1].strip()
    if pattern.startswith("re:"):
        try:
            regex = re.compile(pattern[3:])
        except re.error as exc:
            raise FaultSpecError(f"route regex does not compile: {exc}") from None
        return method, lambda path: regex.fullmatch(path) is not None
    if not pattern.startswith("/"):
        raise FaultSpecError(f"route path must start with / (or re:), not {pattern!r}")
    if pattern.endswith("*"):
        prefix = pattern[:-1]
        return method, lambda path: path.startswith(prefix)
    exact = pattern.rstrip("/")
    return method, lambda path: path.rstrip("/") == exact
