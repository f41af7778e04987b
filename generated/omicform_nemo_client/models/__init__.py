"""Contains all the data models used in inputs/outputs

Each model is imported on first use (PEP 562): importing one does not import them all.
(omicform's template, specs/templates/models_init.py.jinja: start-up time.)
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# Each model -> the module defining it (relative to this package).
_MODULES = {
    "LoginRequest": ".login_request",
    "LoginSuccess": ".login_success",
    "Message": ".message",
    "SearchRequest": ".search_request",
    "StatusFilter": ".status_filter",
    "Step": ".step",
    "Submission": ".submission",
    "SubmissionCreated": ".submission_created",
    "SubmissionList": ".submission_list",
    "SubmissionUpload": ".submission_upload",
    "YesFlag": ".yes_flag",
}

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
