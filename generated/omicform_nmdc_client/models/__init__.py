"""Contains all the data models used in inputs/outputs

Each model is imported on first use (PEP 562): importing one does not import them all.
(omicform's template, specs/templates/models_init.py.jinja: start-up time.)
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .error_detail import ErrorDetail
    from .globus_task import GlobusTask
    from .globus_task_doc import GlobusTaskDoc
    from .globus_task_page import GlobusTaskPage
    from .jgi_sample import JgiSample
    from .jgi_sample_doc import JgiSampleDoc
    from .jgi_sample_page import JgiSamplePage
    from .jgi_sequencing_project import JgiSequencingProject
    from .jgi_sequencing_project_doc import JgiSequencingProjectDoc
    from .jgi_sequencing_project_page import JgiSequencingProjectPage
    from .job_summary import JobSummary
    from .metadata_validation_result import MetadataValidationResult
    from .metadata_validation_result_detail import MetadataValidationResultDetail
    from .mint_request import MintRequest
    from .nmdc_database import NmdcDatabase
    from .run_status import RunStatus
    from .run_summary import RunSummary
    from .schema_class_ref import SchemaClassRef
    from .submit_accepted import SubmitAccepted
    from .submit_accepted_detail import SubmitAcceptedDetail
    from .token import Token
    from .token_expires import TokenExpires
    from .token_request import TokenRequest
    from .validation_failure import ValidationFailure
    from .validation_issue import ValidationIssue
    from .validation_issue_ctx import ValidationIssueCtx
    from .versions import Versions

# Each model -> the module defining it (relative to this package).
_MODULES = {
    "ErrorDetail": ".error_detail",
    "GlobusTask": ".globus_task",
    "GlobusTaskDoc": ".globus_task_doc",
    "GlobusTaskPage": ".globus_task_page",
    "JgiSample": ".jgi_sample",
    "JgiSampleDoc": ".jgi_sample_doc",
    "JgiSamplePage": ".jgi_sample_page",
    "JgiSequencingProject": ".jgi_sequencing_project",
    "JgiSequencingProjectDoc": ".jgi_sequencing_project_doc",
    "JgiSequencingProjectPage": ".jgi_sequencing_project_page",
    "JobSummary": ".job_summary",
    "MetadataValidationResult": ".metadata_validation_result",
    "MetadataValidationResultDetail": ".metadata_validation_result_detail",
    "MintRequest": ".mint_request",
    "NmdcDatabase": ".nmdc_database",
    "RunStatus": ".run_status",
    "RunSummary": ".run_summary",
    "SchemaClassRef": ".schema_class_ref",
    "SubmitAccepted": ".submit_accepted",
    "SubmitAcceptedDetail": ".submit_accepted_detail",
    "Token": ".token",
    "TokenExpires": ".token_expires",
    "TokenRequest": ".token_request",
    "ValidationFailure": ".validation_failure",
    "ValidationIssue": ".validation_issue",
    "ValidationIssueCtx": ".validation_issue_ctx",
    "Versions": ".versions",
}

__all__ = (
    "ErrorDetail",
    "GlobusTask",
    "GlobusTaskDoc",
    "GlobusTaskPage",
    "JgiSample",
    "JgiSampleDoc",
    "JgiSamplePage",
    "JgiSequencingProject",
    "JgiSequencingProjectDoc",
    "JgiSequencingProjectPage",
    "JobSummary",
    "MetadataValidationResult",
    "MetadataValidationResultDetail",
    "MintRequest",
    "NmdcDatabase",
    "RunStatus",
    "RunSummary",
    "SchemaClassRef",
    "SubmitAccepted",
    "SubmitAcceptedDetail",
    "Token",
    "TokenExpires",
    "TokenRequest",
    "ValidationFailure",
    "ValidationIssue",
    "ValidationIssueCtx",
    "Versions",
)


def __getattr__(name: str) -> Any:
    """Imports a model on first use and keeps it, so this runs once per model.

    `__import__`, not importlib.import_module: `python -X importtime` reports it.
    """
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(__import__(__name__ + module, fromlist=[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_MODULES})
