"""Settling a NeMO manifest POST whose outcome is unknown, from NeMO's own history.

Every POST makes a new submission, so an apply writes an intent into state just before
it posts and clears it once the answer is recorded. An intent still there means the
answer never arrived (a crash, a dropped connection, an answer off the spec). What the
next plan may conclude, and why:
- the POST can only have created a submission between the intent's start and the end of
  its request (or, when the process died, the latest moment the request could still have
  reached NeMO), widened by a clock skew on both sides: that is the intent's window;
- a submission already recorded in state belongs to another manifest;
- a submission made by another user, or inside the window of another unsettled intent,
  cannot be told apart from ours: that is doubt, and doubt blocks (the user runs
  `omicform import`), since adopting the wrong one means a manifest is never sent.
The search starts at the window's day, so it costs one or two requests, not the history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from omicform.diff.normalize import utc_instant
from omicform.services.nemo import NemoService, Submission
from omicform.state.model import State

# Between our clock (the intent) and NeMO's (the submission's creation).
CLOCK_SKEW = dt.timedelta(minutes=2)
# When nothing recorded an end: the request's timeouts bound how late it could arrive.
DEFAULT_REQUEST_SPAN = dt.timedelta(minutes=2)

Window = tuple[dt.datetime, dt.datetime]


def submission_data(submission: Submission) -> dict[str, Any]:
    """A submission as plain data, for plans and state."""
    return {
        "id": submission.id,
        "state": submission.state,
        "creation": utc_instant(submission.creation).isoformat(),
        "policy": submission.policy,
        "next_step": submission.next_step,
        "steps": [
            {"name": s.name, "success": s.success, "date": s.date, "msg": s.msg}
            for s in submission.steps
        ],
    }


def intent_window(intent: Mapping[str, Any]) -> Window:
    started = _moment(intent.get("started_at"))
    end = intent.get("ended_at") or intent.get("deadline")
    ended = _moment(end) if end else started + DEFAULT_REQUEST_SPAN
    return started - CLOCK_SKEW, max(started, ended) + CLOCK_SKEW


def _moment(value: Any) -> dt.datetime:
    moment = utc_instant(str(value))
    # A damaged intent cannot bound anything: a window of everything makes it doubt.
    return moment if moment is not None else dt.datetime.min.replace(tzinfo=dt.timezone.utc)


def settle(
    pending: Mapping[str, Mapping[str, Any]], state: State, nemo: NemoService
) -> dict[str, dict[str, Any]]:
    """Per address with an intent: the submissions that may be its result, and any doubt."""
    windows = {address: intent_window(intent) for address, intent in pending.items()}
    earliest = min(low for low, _ in windows.values())
    since = (earliest - dt.timedelta(days=1)).date().isoformat()  # NeMO's days: any zone
    found = list(nemo.search_submissions(start_date=since))
    claimed = {str(r.submission["id"]) for r in state.resources.values() if r.submission}
    creds = nemo.settings.credentials
    user = creds.username if creds is not None else None
    return {address: _candidates(address, windows, found, claimed, user) for address in windows}


def _candidates(
    address: str,
    windows: Mapping[str, Window],
    found: list[Submission],
    claimed: set[str],
    user: str | None,
) -> dict[str, Any]:
    low, high = windows[address]
    inside = [s for s in found if s.id not in claimed and low <= utc_instant(s.creation) <= high]
    doubts = []
    for submission in inside:
        if user is None or submission.submitter.casefold() != user.casefold():
            doubts.append(f"{submission.id} was made by {submission.submitter!r}")
        others = sorted(
            other
            for other, (lo, hi) in windows.items()
            if other != address and lo <= utc_instant(submission.creation) <= hi
        )
        if others:
            doubts.append(f"{submission.id} may as well be the result of {', '.join(others)}")
    return {"candidates": [submission_data(s) for s in inside], "doubts": doubts}
