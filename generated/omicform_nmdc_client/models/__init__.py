"""Contains all the data models used in inputs/outputs"""

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
