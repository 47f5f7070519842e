"""A local stand-in for Propexo's EliseAI endpoints, as strict as the docs, with faults on demand.

`SimulatorServer` runs it in-process for tests and other code; `tourbot propexo-sim` serves it
for a console or a benchmark, which steer it through the `/_sim/...` endpoints.
"""

from bot.offline.propexo.app import DEFAULT_API_KEY, Simulator, SimulatorConfig
from bot.offline.propexo.faults import FAULT_KINDS, Fault, FaultKind, FaultSpecError
from bot.offline.propexo.seed import DEFAULT_INTEGRATION_ID
from bot.offline.propexo.server import SimulatorServer, add_parser, main
from bot.offline.propexo.state import (
    BookedAppointment,
    RecordedRequest,
    SimulatorState,
    WriteJob,
)

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_INTEGRATION_ID",
    "FAULT_KINDS",
    "BookedAppointment",
    "Fault",
    "FaultKind",
    "FaultSpecError",
    "RecordedRequest",
    "Simulator",
    "SimulatorConfig",
    "SimulatorServer",
    "SimulatorState",
    "WriteJob",
    "add_parser",
    "main",
]
