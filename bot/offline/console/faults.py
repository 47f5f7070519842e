"""Propexo faults for the console, from short specs: `KIND[xTIMES][:TEXT]` where KIND is 400, 429,
a 5xx code, `timeout` or `write-failure`. Each hits the next TIMES requests to book a tour
(default 1); faults armed together hit one request after another.

    400:Community is not accepting tours     refused, with Propexo's message
    429                                      rate limited (Tourbot waits and sends again)
    503x2                                    a server error on the next two requests
    timeout                                  no answer at all (the outcome is unknown)
    write-failure:Prospect is on the do-not-contact list    accepted, then EliseAI's write fails
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.offline.console.errors import ConsoleError
from bot.offline.propexo import FaultKind, SimulatorServer

CREATE_ROUTE = "POST /crm/v1/appointments/eliseai"
DEFAULT_REFUSAL = "Community is not accepting tours"
DEFAULT_WRITE_ERROR = "Prospect is on the do-not-contact list"
SPEC_HELP = (
    "a fault is 400, 429, a 5xx code, timeout or write-failure, optionally followed by xTIMES "
    "and :TEXT, like 400:Community is not accepting tours or 503x2"
)

_SPEC = re.compile(r"\s*(?P<kind>\d{3}|[a-z][a-z_-]*)\s*(?:x\s*(?P<times>\d+))?\s*(?::.*)?$", re.S)


@dataclass(frozen=True)
class ConsoleFault:
    kind: FaultKind
    times: int
    status: int = 500
    text: str | None = None

    def describe(self) -> str:
        if self.kind == "write_failure":
            which = "the next tour" if self.times == 1 else f"the next {self.times} tours"
            return f"EliseAI fails to write {which} Propexo accepts: “{self.text}”."
        which = (
            "the next request to book a tour"
            if self.times == 1
            else f"the next {self.times} requests to book a tour"
        )
        if self.kind == "hang":
            return f"Propexo never answers {which}."
        detail = f" “{self.text}”" if self.text else ""
        return f"Propexo answers {which} with HTTP {self.status}{detail}."


def parse_fault(spec: str) -> ConsoleFault:
    match = _SPEC.match(spec.lower())
    if not match:
        raise ConsoleError(f"“{spec}” is not a Propexo fault: {SPEC_HELP}.")
    kind, times = match["kind"], int(match["times"] or 1)
    # The text keeps its case: it is what Propexo (or EliseAI) says.
    text = spec.split(":", 1)[1].strip() if ":" in spec else None
    if times < 1:
        raise ConsoleError(f"“{spec}”: a fault hits at least one booking.")
    if kind.isdigit():
        status = int(kind)
        if not (status in (400, 429) or 500 <= status <= 599):
            raise ConsoleError(f"“{spec}”: the status must be 400, 429 or a 5xx code.")
        message = (text or DEFAULT_REFUSAL) if status == 400 else text
        return ConsoleFault("status", times, status=status, text=message)
    if kind == "timeout":
        return ConsoleFault("hang", times)
    if kind in ("write-failure", "write_failure"):
        return ConsoleFault("write_failure", times, text=text or DEFAULT_WRITE_ERROR)
    raise ConsoleError(f"“{spec}” is not a Propexo fault: {SPEC_HELP}.")


def inject(propexo: SimulatorServer, fault: ConsoleFault, *, hang_seconds: float) -> None:
    """Arm `fault` on Propexo's create endpoint; a hang outlasts the bot's read timeout."""
    propexo.add_fault(
        CREATE_ROUTE,
        fault.kind,
        times=fault.times,
        status=fault.status,
        message=fault.text if fault.kind == "status" else None,
        errors=(fault.text or "",) if fault.kind == "write_failure" else (),
        seconds=hang_seconds if fault.kind == "hang" else 0.0,
    )
