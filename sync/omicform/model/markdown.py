"""A plan as GitHub-flavoured Markdown, for a pull-request comment or a job's step summary.

Rendered from the Plan value alone (as octoDNS keeps `PlanMarkdown` apart from its plan), so
`omicform show --format markdown PLAN` renders a saved plan exactly as `plan` did.

Every key, value, reason and warning comes from the user's files or from a server, so each
is escaped before it reaches the Markdown: `<`, `>`, `&` and quotes become HTML entities (no
tag, comment or `<details>` can be opened or closed), Markdown's punctuation is
backslash-escaped (no `|` ends a table cell, no `@team` is mentioned, no `#12` or link is
made), and control and line-breaking characters are shown as escapes (no row is split).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from omicform.model.plan import KNOWN_AFTER_APPLY, Action, Change, Plan
from omicform.model.render import SYMBOLS
from omicform.model.styled import escape_matches

MARKER = "<!-- omicform-plan -->"  # lets a workflow find (and replace) its earlier comment
DETAILS_OVER = 10  # rows: a kind with more changes than this is folded in <details>
ROWS_SHOWN = 200  # rows per kind; the rest are counted (the JSON plan holds them all)
FIELDS_SHOWN = 12  # fields per created object
VALUE_CHARS = 120  # characters of one value
# GitHub refuses a comment over 65,536 characters; past this budget the plan is counted
# by kind and action only.
MAX_CHARS = 60_000

_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
# Punctuation that means something in Markdown, GitHub's references (@, #) or shortcodes
# (:): backslash-escaped. The rest (. , - / = ...) is harmless inside a cell and stays.
_MARKUP = "\\`*_{}[]()#+!|~@:$"
_ESCAPED = {c: "\\" + c for c in _MARKUP} | _ENTITIES
# C0 and C1 controls, DEL, line and paragraph separators, zero-width and bidirectional
# formatting characters: anything that could split a row or reorder what is shown.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def escape(text: str) -> str:
    """`text` made inert in Markdown and HTML: shown as written, in a table cell too."""
    visible = escape_matches(_CONTROL, text)
    return "".join(_ESCAPED.get(c, c) for c in visible)


def escape_html(text: str) -> str:
    """`text` for an HTML block (`<summary>`), where Markdown is not read: entities only."""
    visible = escape_matches(_CONTROL, text)
    return "".join(_ENTITIES.get(c, c) for c in visible)


def _code(text: str) -> str:
    return f"<code>{escape(text)}</code>"


def _value(value: Any) -> str:
    if value == KNOWN_AFTER_APPLY:
        return f"<em>{escape(KNOWN_AFTER_APPLY)}</em>"
    shown = json.dumps(value, ensure_ascii=False, default=str)
    if len(shown) > VALUE_CHARS:
        shown = shown[: VALUE_CHARS - 1] + "…"
    return escape(shown)


def render_markdown(plan: Plan, *, title: str = "omicform plan", notes: Sequence[str] = ()) -> str:
    """The plan as Markdown: a table of counts, then each kind's changes in a table of its
    own (folded in `<details>` past DETAILS_OVER rows). A plan too long for a comment is
    counted by kind and action instead. `notes` are warnings of the run that made the plan
    (no state found), shown first like the plan's own."""
    visible = [c for c in plan.changes if c.action is not Action.NO_OP]
    head = _head(plan, title, visible, notes) + _drift(plan)
    if not visible and plan.refresh_only and plan.drift:
        return head + "Refresh only: apply records these values in state.\n"
    if not visible:
        return head + "**No changes.** The remote objects match the desired state.\n"
    body = "".join(_kind_section(kind, changes) for kind, changes in _by_kind(visible))
    if len(head) + len(body) > MAX_CHARS:
        body = _counted_by_kind(visible)
    return head + body


def _head(plan: Plan, title: str, visible: list[Change], notes: Sequence[str]) -> str:
    lines = [MARKER, f"### {escape(title)}", ""]
    for warning in (*notes, *plan.warnings):
        lines += [f"> **Warning:** {escape(warning)}", ""]
    if plan.refresh_only:
        lines += ["_Refresh only: apply will record what was read and change nothing remote._"]
        lines += [""]
    lines.append(summary_sentence(plan))
    lines.append("")
    counts = plan.counts()
    if visible:
        lines += ["| action | count |", "|---|---:|"]
        lines += [f"| {_action(a)} | {n:,} |" for a, n in counts.items() if a != "no-op"]
        if counts.get("no-op"):
            lines.append(f"| no change | {counts['no-op']:,} |")
        lines.append("")
    return "\n".join(lines) + "\n"


def _drift(plan: Plan) -> str:
    """ "Objects changed outside omicform": state's value → the server's, per field."""
    if not plan.drift:
        return ""
    why = (
        "apply records the server's values in state"
        if plan.refresh_only
        else "fields in ignore\\_changes: shown, never changed back"
    )
    rows = [f"#### Objects changed outside omicform\n\n_{why}_\n"]
    rows += ["| address | changes |", "|---|---|"]
    for drift in plan.drift[:ROWS_SHOWN]:
        lines = [
            f"{_code(fc.name)}: {_value(fc.before)} → {_value(fc.after)}"
            for fc in drift.field_changes
        ]
        rows.append(f"| {_code(drift.address)} | {'<br>'.join(lines)} |")
    if len(plan.drift) > ROWS_SHOWN:
        rows.append(f"| … and {len(plan.drift) - ROWS_SHOWN:,} more | |")
    return "\n".join(rows) + "\n\n"


def summary_sentence(plan: Plan) -> str:
    counts = plan.counts()
    parts = [
        f"{counts.get('mint', 0)} to mint",
        f"{counts.get('create', 0)} to create",
        f"{counts.get('update', 0)} to update",
        f"{counts.get('submit', 0) + counts.get('resubmit', 0)} to submit",
        f"{counts.get('forget', 0)} to forget",
    ]
    extra = [
        f"{counts[name]} {words}"
        for name, words in (
            ("adopt", "to adopt from NeMO's history"),
            ("wait", "in progress"),
            ("blocked", "blocked"),
            ("move", "to move in state"),
        )
        if counts.get(name)
    ]
    sentence = "**Plan:** " + ", ".join(parts) + "."
    return sentence + (" " + ", ".join(extra) + "." if extra else "")


def _action(action: str) -> str:
    symbol = SYMBOLS.get(action, ("",))[0]
    return f"{escape(symbol)} {action}" if symbol else action


def _by_kind(visible: list[Change]) -> list[tuple[str, list[Change]]]:
    kinds: dict[str, list[Change]] = {}
    for change in visible:
        kinds.setdefault(change.kind, []).append(change)
    return list(kinds.items())


def _kind_section(kind: str, changes: list[Change]) -> str:
    counted = Counter(c.action.value for c in changes)
    what = ", ".join(f"{n:,} {action}" for action, n in counted.items())
    heading = f"({what})"
    rows = ["| address | action | reason | changes |", "|---|---|---|---|"]
    rows += [_row(change) for change in changes[:ROWS_SHOWN]]
    if len(changes) > ROWS_SHOWN:
        more = len(changes) - ROWS_SHOWN
        rows.append(f"| … and {more:,} more (the JSON plan lists every one) | | | |")
    table = "\n".join(rows) + "\n"
    if len(changes) > DETAILS_OVER:
        summary = f"{escape_html(kind)} {heading}"
        return f"<details><summary>{summary}</summary>\n\n{table}\n</details>\n\n"
    return f"#### {escape(kind)} {heading}\n\n{table}\n"


def _row(change: Change) -> str:
    cells = [
        _code(change.address),
        _action(change.action.value),
        escape(change.reason),
        "<br>".join(field_lines(change)),
    ]
    return "| " + " | ".join(cells) + " |"


def field_lines(change: Change) -> list[str]:
    """The change's fields, escaped, one per line of its `changes` cell."""
    if change.field_changes:
        return [
            f"{_code(fc.name)}: {_value(fc.before)} → {_value(fc.after)}"
            for fc in change.field_changes
        ]
    if change.action in (Action.CREATE, Action.MINT) and change.after:
        items = list(change.after.items())
        lines = [
            f"{_code(name)} = "
            + (_value(KNOWN_AFTER_APPLY) if name in change.after_unknown else _value(value))
            for name, value in items[:FIELDS_SHOWN]
        ]
        if len(items) > FIELDS_SHOWN:
            lines.append(f"… and {len(items) - FIELDS_SHOWN} more fields")
        return lines
    if change.action in (Action.SUBMIT, Action.RESUBMIT):
        detail = change.detail.to_json()
        names = ("file", "rows", "access", "content_hash")
        return [f"{_code(n)} = {_value(detail[n])}" for n in names if detail.get(n) is not None]
    return []


def _counted_by_kind(visible: list[Change]) -> str:
    groups = Counter((c.kind, c.action.value) for c in visible)
    rows = ["| kind | action | count |", "|---|---|---:|"]
    rows += [
        f"| {escape(kind)} | {_action(action)} | {n:,} |"
        for (kind, action), n in sorted(groups.items())
    ]
    note = (
        f"_{len(visible):,} changes are too many to list in a comment; "
        "`omicform show PLAN` or the JSON plan lists each one._"
    )
    blocked = [c for c in visible if c.action is Action.BLOCKED][:ROWS_SHOWN]
    text = note + "\n\n" + "\n".join(rows) + "\n"
    if blocked:  # each needs a person: named, up to a page
        lines = [f"- {_code(c.address)}: {escape(c.reason)}" for c in blocked]
        text += "\n<details><summary>blocked</summary>\n\n" + "\n".join(lines) + "\n\n</details>\n"
    return text
