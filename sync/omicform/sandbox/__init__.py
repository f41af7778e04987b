"""`omicform sandbox`: a local stand-in for the NMDC Runtime API and the NeMO Archive.

One process serves both services on 127.0.0.1, speaking exactly the wire in `specs/`, with
optional injected faults. Start one from Python with `run_sandbox`, or from the shell with
`omicform sandbox`; see docs/sandbox.md.
"""

from omicform.sandbox.admin import SandboxAdmin
from omicform.sandbox.options import ClockSettings, FaultSettings, NemoVariants, SandboxOptions
from omicform.sandbox.server import Sandbox, run_sandbox

__all__ = [
    "ClockSettings",
    "FaultSettings",
    "NemoVariants",
    "Sandbox",
    "SandboxAdmin",
    "SandboxOptions",
    "run_sandbox",
]
