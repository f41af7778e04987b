"""The service layer: the only code that talks to the NMDC Runtime API and to NeMO.

Everything else in omicform goes through `NmdcService` and `NemoService`; no other module
imports the generated clients.
"""

from omicform.services.nemo import NemoService, Submission, SubmissionStep
from omicform.services.nmdc import Collection, NmdcService, RunInfo, ValidationOutcome
from omicform.services.settings import (
    NemoCredentials,
    NemoSettings,
    NmdcCredentials,
    NmdcSettings,
    Secret,
)

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
