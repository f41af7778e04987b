"""A NeMO submission's six ingest steps, worked out from the sandbox clock on each read.

Step i finishes `delay` seconds after step i-1 (the first after the submission), where the
delay is `validation_seconds` for `manifest_validated` and `step_seconds` for the others;
a delay of 0 means "one step per read". A step appears only once finished. The first step
carries the manifest check's outcome (policy from the manifest's Access; `controlled` is
stored as `restricted`); a failure anywhere completes the submission unsuccessfully. The
admin handle can finish the next step now, or plan a failure at any step.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from omicform.nemo_facts import STEP_NAMES
from omicform.sandbox.options import ClockSettings

STEPS = STEP_NAMES  # NeMO's six ingest steps, in order

# NeMO documents only portal_release's text; the others are the sandbox's wording.
SUCCESS_MESSAGES = {
    "upload_complete": "All files listed in the manifest were uploaded.",
    "qc_complete": "Quality control checks passed.",
    "https_release": "Files were released for HTTPS download.",
    "gcp_release": "Files were released to Google Cloud Storage.",
    "portal_release": "Released files were integrated into the NeMO Portal successfully",
}

POLICIES = {"open": "open", "embargo": "embargo", "controlled": "restricted"}

Submission = dict[str, Any]
Callback = Callable[[Submission, dict[str, Any]], None]


def timestamp(epoch: float) -> str:
    """NeMO's UTC timestamps: `2021-01-01T10:00:00Z`."""
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_submission(
    submission_id: str,
    submitter: str,
    group: str,
    created: float,
    manifest_name: str,
    notification: dict[str, Any] | None,
) -> Submission:
    return {
        "id": submission_id,
        "submitter": submitter,
        "group": group,
        "creation": timestamp(created),
        "created_epoch": created,
        "last_epoch": created,
        "manifest_name": manifest_name,
        "notification": notification,
        "validation": None,  # {"ok", "msg", "policy"} once the manifest was checked
        "steps": [],
        "policy": None,
        "failures": {},  # step name -> message, planned through the admin handle
        "complete": False,
        "success": False,
    }


def steps_of(sub: Submission) -> tuple[str, ...]:
    """The submission's steps: NeMO's six, and any NeMO might add (`NemoVariants`)."""
    return STEPS + tuple(sub.get("extra_steps", ()))


def state_of(sub: Submission) -> str:
    if not sub["complete"]:
        return "in-progress"
    return "complete" if sub["success"] else "error"


def next_step(sub: Submission) -> str | None:
    return None if sub["complete"] else steps_of(sub)[len(sub["steps"])]


def public(sub: Submission) -> dict[str, Any]:
    """The documented submission object (policy absent until known)."""
    out: dict[str, Any] = {
        "id": sub["id"],
        "submitter": sub["submitter"],
        "creation": sub["creation"],
        "complete": sub["complete"],
        "success": sub["success"],
        "steps": [dict(step) for step in sub["steps"]],
    }
    if sub["policy"] is not None:
        out["policy"] = sub["policy"]
    elif sub.get("null_policy") and sub["steps"] and not sub["steps"][0]["success"]:
        out["policy"] = None  # what NeMO's ingest code leaves after a failed validation
    return out


def finish_step(sub: Submission, at: float, on_callback: Callback | None = None) -> None:
    """Finishes the next step at time `at`, successfully unless something says otherwise."""
    name = next_step(sub)
    if name is None:
        return
    planned = sub["failures"].get(name)
    if name == STEPS[0]:
        result = sub["validation"] or {"ok": True, "msg": "", "policy": "open"}
        success, msg = bool(result["ok"]), str(result["msg"])
        if planned is not None:
            success, msg = False, planned
        if success:
            sub["policy"] = result["policy"]
    elif planned is not None:
        success, msg = False, planned
    else:
        success, msg = True, SUCCESS_MESSAGES.get(name, f"{name} completed successfully.")
    sub["steps"].append({"name": name, "success": success, "date": timestamp(at), "msg": msg})
    sub["last_epoch"] = at
    if not success or len(sub["steps"]) == len(steps_of(sub)):
        sub["complete"] = True
        sub["success"] = success
    if on_callback is not None and sub.get("notification"):
        on_callback(sub, callback_payload(sub, name, success, msg, at))


def progress(
    sub: Submission,
    now: float,
    timing: ClockSettings,
    *,
    on_callback: Callback | None = None,
) -> bool:
    """Finishes every step due by `now` (and one zero-delay step: this is a read).

    Returns whether anything changed.
    """
    changed = False
    zero_delay_used = False
    while not sub["complete"]:
        first = not sub["steps"]
        delay = timing.validation_seconds if first else timing.step_seconds
        if delay > 0:
            due = sub["last_epoch"] + delay
            if now < due:
                break
            finish_step(sub, due, on_callback)
        else:
            if zero_delay_used:
                break
            zero_delay_used = True
            finish_step(sub, max(now, sub["last_epoch"]), on_callback)
        changed = True
    return changed


def plan_failure(sub: Submission, step: str | None, msg: str | None) -> str:
    """Makes `step` (default: the next one) fail when it is reached; returns its name."""
    target = step or next_step(sub)
    if target is None:
        raise ValueError(f"submission {sub['id']} is already complete")
    if target not in steps_of(sub):
        raise ValueError(f"unknown step {target!r}; steps are {', '.join(steps_of(sub))}")
    if any(s["name"] == target for s in sub["steps"]):
        raise ValueError(f"step {target} of submission {sub['id']} has already finished")
    sub["failures"][target] = msg or f"{target} failed (failure injected by the sandbox)."
    return target


def callback_payload(
    sub: Submission, step: str, success: bool, msg: str, at: float
) -> dict[str, Any]:
    """The webhook body NeMO documents (recorded by the sandbox, not delivered)."""
    status = "in_progress"
    if sub["complete"]:
        status = "complete" if sub["success"] else "errored"
    return {
        "event_id": str(uuid.uuid4()),
        "data": {
            "step": {
                "name": step,
                "status": "success" if success else "error",
                "step_number": steps_of(sub).index(step) + 1,
                "total_steps": len(steps_of(sub)),
                "details": [msg],
            },
            "submission_id": sub["id"],
            "submission_status": status,
            "submitter": {"username": sub["submitter"]},
        },
        "timestamp": timestamp(at),
    }
