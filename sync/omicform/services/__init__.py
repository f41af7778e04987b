"""The service layer: the only code that talks to the NMDC Runtime API and to NeMO.

Everything else in omicform goes through `NmdcService` and `NemoService`; no other module
imports the generated clients.

The names below are imported on first use (PEP 562): importing `omicform.services.settings`
or any other module of this package does not import both services, their generated clients
and httpx with it (a plan of NMDC objects alone never imports the NeMO client).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from omicform.lazy import first_use

if TYPE_CHECKING:
    from omicform.services.nemo import NemoService, Submission, SubmissionStep
    from omicform.services.nemo_settings import NemoCredentials, NemoSettings
    from omicform.services.nmdc import Collection, NmdcService
    from omicform.services.nmdc_runs import RunInfo, ValidationOutcome
    from omicform.services.settings import NmdcCredentials, NmdcSettings, Secret

# Each public name -> the module that defines it.
_LAZY: dict[str, str] = {
    **dict.fromkeys(["NemoService", "Submission", "SubmissionStep"], "omicform.services.nemo"),
    **dict.fromkeys(["Collection", "NmdcService"], "omicform.services.nmdc"),
    **dict.fromkeys(["RunInfo", "ValidationOutcome"], "omicform.services.nmdc_runs"),
    **dict.fromkeys(["NemoCredentials", "NemoSettings"], "omicform.services.nemo_settings"),
    **dict.fromkeys(["NmdcCredentials", "NmdcSettings", "Secret"], "omicform.services.settings"),
}

__all__ = [
    "Collection",
    "NemoCredentials",
    "NemoService",
    "NemoSettings",
    "NmdcCredentials",
    "NmdcService",
    "NmdcSettings",
    "RunInfo",
    "Secret",
    "Submission",
    "SubmissionStep",
    "ValidationOutcome",
]


_first_use = first_use(__name__, _LAZY, globals())


def __getattr__(name: str) -> Any:
    return _first_use(name)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
