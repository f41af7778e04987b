"""What the user does next for a NeMO submission, where omicform cannot do it for them.

After `manifest_validated` succeeds, NeMO waits for the files: the submitter uploads them
over Aspera into a folder named after the submission id, then an empty file named `DONE`;
`upload_complete` follows. NeMO reminds after 15 days and fails a submission without
`DONE` after 30. A failed submission is never repaired by submitting again unchanged: only
an edited manifest is submitted, and that makes a new submission (the old one stays).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from omicform.diff.normalize import utc_instant

UPLOAD_STEP = "upload_complete"
REMINDER_DAYS = 15
FAILURE_DAYS = 30


def days_since(creation: object, now: dt.datetime | None = None) -> int | None:
    """Whole days since `creation` (ISO text or a datetime), or None when unreadable."""
    text = creation.isoformat() if isinstance(creation, dt.datetime) else creation
    made = utc_instant(text) if isinstance(text, str) else None
    if made is None:
        return None
    moment = now or dt.datetime.now(dt.timezone.utc)
    return max(0, (moment - made).days)


def upload_guidance(submission_id: str, creation: object, now: dt.datetime | None = None) -> str:
    """The upload NeMO waits for at `upload_complete`, with the days it has left."""
    days = days_since(creation, now)
    if days is None:
        age = ""
    elif days >= FAILURE_DAYS:
        age = f" It was made {days} days ago: past NeMO's {FAILURE_DAYS}-day limit."
    else:
        age = (
            f" It was made {_days(days)} ago: NeMO sends a reminder at {REMINDER_DAYS} days "
            f"and fails it without DONE at {FAILURE_DAYS}."
        )
    return (
        f"NeMO waits for the files: upload them over Aspera into the folder named "
        f"{submission_id}, then an empty file named DONE into it.{age}"
    )


def anew_guidance(submission_id: str) -> str:
    """What helps at a failed step: an edited manifest (a new submission)."""
    return (
        f"editing the manifest submits it anew (a new submission; {submission_id} stays "
        "in NeMO's history)"
    )


def failure_guidance(submission_id: str, step: str, msg: str) -> str:
    """A failed step: what it said, and what can help (never an unchanged apply)."""
    detail = f": {msg}" if msg else ""
    if step == "manifest_validated":
        return f"NeMO rejected the manifest{detail}. Fix the file: {anew_guidance(submission_id)}"
    return (
        f"submission {submission_id} failed at {step}{detail}. NeMO staff resolve failures "
        f"after validation, or {anew_guidance(submission_id)}"
    )


def guidance_for(submission: Mapping[str, Any], now: dt.datetime | None = None) -> str | None:
    """The next thing to do for a submission (as plain data), if it is up to the user."""
    sid = str(submission.get("id"))
    state = submission.get("state")
    if state == "in-progress" and submission.get("next_step") == UPLOAD_STEP:
        return upload_guidance(sid, submission.get("creation"), now)
    if state == "error":
        failed: Mapping[str, Any] = next(
            (s for s in submission.get("steps", []) if not s.get("success")), {}
        )
        return failure_guidance(sid, str(failed.get("name", "?")), str(failed.get("msg") or ""))
    return None


def _days(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"
