"""Contains all the data models used in inputs/outputs"""

from .login_request import LoginRequest
from .login_success import LoginSuccess
from .message import Message
from .search_request import SearchRequest
from .status_filter import StatusFilter
from .step import Step
from .submission import Submission
from .submission_created import SubmissionCreated
from .submission_list import SubmissionList
from .submission_upload import SubmissionUpload
from .yes_flag import YesFlag

__all__ = (
    "LoginRequest",
    "LoginSuccess",
    "Message",
    "SearchRequest",
    "StatusFilter",
    "Step",
    "Submission",
    "SubmissionCreated",
    "SubmissionList",
    "SubmissionUpload",
    "YesFlag",
)
