"""Contains all the data models used in inputs/outputs"""

from .login_request import LoginRequest
from .login_success import LoginSuccess
from .message import Message
from .policy import Policy
from .search_request import SearchRequest
from .status_filter import StatusFilter
from .step import Step
from .step_name import StepName
from .submission import Submission
from .submission_created import SubmissionCreated
from .submission_list import SubmissionList
from .submission_upload import SubmissionUpload
from .yes_flag import YesFlag

__all__ = (
    "LoginRequest",
    "LoginSuccess",
    "Message",
    "Policy",
    "SearchRequest",
    "StatusFilter",
    "Step",
    "StepName",
    "Submission",
    "SubmissionCreated",
    "SubmissionList",
    "SubmissionUpload",
    "YesFlag",
)
