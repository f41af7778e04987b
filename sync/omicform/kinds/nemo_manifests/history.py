"""`omicform status --history`: NeMO's own record of one's submissions, beyond state.

Without filters it is NeMO's history (`GET /submission`, `all=y` for the group's), every
page in NeMO's order; any filter is NeMO's search (`POST /submission/search`), whose
criteria are substrings (`id`, `submitter`), days (`start-date`, `end-date`), a policy and
states. omicform filters nothing itself: what NeMO answers is what is shown.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rich.table import Table
from rich.text import Text

from omicform.kinds.nemo_manifests.intents import submission_data
from omicform.model.render import printable
from omicform.services.nemo import NemoService, Submission

STATES = ("complete", "in-progress", "error")
POLICIES = ("open", "embargo", "restricted")


@dataclass(frozen=True)
class HistoryQuery:
    """`omicform nemo history`'s filters."""

    include_group: bool = False  # --all
    id: str | None = None
    submitter: str | None = None
    since: str | None = None  # YYYY-MM-DD
    until: str | None = None
    policy: str | None = None
    states: tuple[str, ...] = ()

    @property
    def filtered(self) -> bool:
        return any((self.id, self.submitter, self.since, self.until, self.policy, self.states))

    def search_body(self) -> dict[str, Any]:
        """The search document NeMO gets (the names of its search API)."""
        body: dict[str, Any] = {
            "id": self.id,
            "submitter": self.submitter,
            "start-date": self.since,
            "end-date": self.until,
            "policy": self.policy,
            "status": list(self.states) or None,
        }
        return {k: v for k, v in body.items() if v is not None}


def submissions(nemo: NemoService, query: HistoryQuery) -> Iterator[Submission]:
    """NeMO's history, or its search when any filter is given, page after page."""
    if not query.filtered:
        return nemo.list_submissions(include_group=query.include_group)
    return nemo.search_submissions(
        id=query.id,
        submitter=query.submitter,
        status=query.states or None,
        policy=query.policy,
        start_date=query.since,
        end_date=query.until,
    )


def history_rows(found: Sequence[Submission], recorded: Mapping[str, str]) -> list[dict[str, Any]]:
    """Each submission as plain data, with the manifest state records it for (if any)."""
    rows = []
    for submission in found:
        data = submission_data(submission)
        data["submitter"] = submission.submitter
        data["manifest"] = recorded.get(submission.id)
        rows.append(data)
    return rows


def history_table(rows: Sequence[Mapping[str, Any]], title: str) -> Table:
    table = Table(title=Text(title))
    for name in ("id", "submitter", "created", "state", "step", "policy", "manifest"):
        table.add_column(name, no_wrap=name != "step", overflow="fold")
    styles = {"complete": "green", "error": "red", "in-progress": "blue"}
    for row in rows:
        state = str(row["state"])
        table.add_row(
            printable(str(row["id"])),
            printable(str(row["submitter"])),
            printable(str(row["creation"]).replace("+00:00", "Z")),
            Text(state, styles.get(state, "")),
            printable(_step(row)),
            printable(str(row.get("policy") or "")),
            printable(str(row.get("manifest") or "")),
        )
    return table


def _step(row: Mapping[str, Any]) -> str:
    """Where it stands: the step being worked on, or the one that failed."""
    if row["state"] == "error":
        failed: Mapping[str, Any] = next((s for s in row["steps"] if not s.get("success")), {})
        return f"failed at {failed.get('name', '?')}"
    return str(row.get("next_step") or "")
