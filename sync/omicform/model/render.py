"""The human form of a plan, in the shape Terraform users know. Derived from the plan value."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from omicform.model.plan import KNOWN_AFTER_APPLY, Change, Plan
from omicform.model.styled import Styled, escape_matches

SYMBOLS = {
    "mint": ("+", "green", "will be minted"),
    "create": ("+", "green", "will be created"),
    "update": ("~", "yellow", "will be updated in place"),
    "submit": (">", "cyan", "will be submitted"),
    "resubmit": (">", "cyan", "will be submitted again"),
    "adopt": ("<", "green", "will record a submission NeMO already has"),
    "wait": ("…", "blue", "is in progress"),
    "blocked": ("!", "red", "cannot be changed"),
    "forget": ("-", "magenta", "will be forgotten (state only)"),
    "move": ("→", "cyan", "has moved (state only: nothing is minted or submitted)"),
}


SUMMARY_OVER = 200  # changes; a larger plan is counted by kind unless --full is given
BLOCKED_SHOWN = 20

# C0 and C1 controls, DEL, and the bidirectional overrides: what could move the cursor,
# recolour the terminal or reorder a line, so a key or a server's message could print
# "No changes." over real changes. Shown escaped instead.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` with every control character shown as an escape (`\\x1b`, `\\n`)."""
    return escape_matches(_CONTROL, text)


def _value(value: Any) -> str:
    if value == KNOWN_AFTER_APPLY:
        return KNOWN_AFTER_APPLY
    return printable(json.dumps(value, ensure_ascii=False, default=str))


def render_change(change: Change) -> Styled:
    symbol, style, verb = SYMBOLS[change.action]
    address = printable(change.address)
    text = Styled()
    text.append(f"  # {address} {verb}\n", style="bold")
    if change.reason:
        text.append(f"  # ({printable(change.reason)})\n", style="dim")
    text.append(f"  {symbol} ", style=f"bold {style}")
    text.append(address, style="bold")
    body = _body(change, symbol, style)
    if body:
        text.append(" {\n")
        text.extend(body)
        text.append("    }\n")
    else:
        text.append("\n")
    return text


def _body(change: Change, symbol: str, style: str) -> Styled:
    text = Styled()
    if change.action == "update" or (change.action == "blocked" and change.field_changes):
        for fc in change.field_changes:
            text.append("      ~ ", style=style)
            text.append(f"{printable(fc.name)} = {_value(fc.before)} -> {_value(fc.after)}\n")
        return text
    if change.action in ("create", "mint") and change.after:
        width = max(len(printable(k)) for k in change.after)
        for name, value in change.after.items():
            shown = KNOWN_AFTER_APPLY if name in change.after_unknown else _value(value)
            text.append(f"      {symbol} ", style=style)
            text.append(f"{printable(name).ljust(width)} = {shown}\n")
        return text
    if change.action in ("submit", "resubmit"):
        detail = change.detail.to_json()
        for name in ("file", "rows", "access", "content_hash"):
            if detail.get(name) is not None:
                text.append(f"      {symbol} ", style=style)
                text.append(f"{name} = {_value(detail[name])}\n")
    return text


def render_plan(plan: Plan, *, full: bool | None = None) -> Styled:
    """Every change, or (past SUMMARY_OVER changes, or with full=False) a count per kind.

    `full=None` chooses by size: a plan of thousands of creates is a summary that fits a
    screen; `--full` prints them all, and the JSON plan always holds every change.
    """
    text = Styled()
    visible = [c for c in plan.changes if c.action != "no-op"]
    for warning in plan.warnings:
        text.append("Warning: ", style="bold yellow")
        text.append(f"{printable(warning)}\n")
    if plan.warnings:
        text.append("\n")
    text.extend(render_drift(plan))
    if not visible and plan.refresh_only and plan.drift:
        text.append("Refresh only: apply will record these values in state ")
        text.append(f"({len(plan.drift)} object(s)) and change nothing remote.\n")
        return text
    if not visible:
        text.append("No changes. ", style="bold green")
        text.append("The remote objects match the desired state.\n")
        return text
    if plan.refresh_only:
        text.append("Refresh only: apply will record what was read and change nothing remote.\n\n")
    if full is False or (full is None and len(visible) > SUMMARY_OVER):
        text.extend(_summarised(visible))
    else:
        text.append("omicform will perform the following actions:\n\n")
        for change in visible:
            text.extend(render_change(change))
            text.append("\n")
    text.extend(summary_line(plan))
    return text


def render_drift(plan: Plan) -> Styled:
    """ "Objects changed outside omicform": each drifted object and field, state's value ->
    the server's. In a plan, fields omicform ignores; in a refresh-only plan, any field."""
    text = Styled()
    if not plan.drift:
        return text
    text.append("Objects changed outside omicform", style="bold")
    if plan.refresh_only:
        text.append(" (apply records the server's values in state):\n\n")
    else:
        text.append(" (fields in ignore_changes: shown, never changed back):\n\n")
    for drift in plan.drift:
        text.append("  ~ ", style="bold yellow")
        text.append(f"{printable(drift.address)}\n", style="bold")
        for fc in drift.field_changes:
            text.append(f"      {printable(fc.name)} = {_value(fc.before)} -> {_value(fc.after)}\n")
    text.append("\n")
    return text


def _summarised(visible: list[Change]) -> Styled:
    text = Styled(
        f"omicform will perform {len(visible):,} actions, counted by kind "
        "(`--full` lists each one):\n\n"
    )
    groups = Counter((c.action, c.kind) for c in visible if c.action != "blocked")
    width = max((len(kind) for _, kind in groups), default=0)
    for action in SYMBOLS:
        for (grouped, kind), count in sorted(groups.items()):
            if grouped == action:
                symbol, style, verb = SYMBOLS[action]
                text.append(f"  {symbol} ", style=f"bold {style}")
                text.append(f"{printable(kind).ljust(width)}  {count:>7,} {verb}\n")
    blocked = [c for c in visible if c.action == "blocked"]
    if blocked:
        text.append("\n")  # blocked changes need a person: each is named, up to a screenful
        for change in blocked[:BLOCKED_SHOWN]:
            text.append("  ! ", style="bold red")
            text.append(f"{printable(change.address)}: {printable(change.reason)}\n")
        if len(blocked) > BLOCKED_SHOWN:
            text.append(f"  ... and {len(blocked) - BLOCKED_SHOWN:,} more blocked\n")
    text.append("\n")
    return text


def summary_line(plan: Plan) -> Styled:
    counts = plan.counts()
    text = Styled("Plan: ", style="bold")  # the whole line is bold
    parts = [
        f"{counts.get('mint', 0)} to mint",
        f"{counts.get('create', 0)} to create",
        f"{counts.get('update', 0)} to update",
        f"{counts.get('submit', 0) + counts.get('resubmit', 0)} to submit",
        f"{counts.get('forget', 0)} to forget",
    ]
    text.append(", ".join(parts) + ".", style="bold")
    extra = []
    if counts.get("adopt"):
        extra.append(f"{counts['adopt']} to adopt from NeMO's history")
    if counts.get("wait"):
        extra.append(f"{counts['wait']} in progress")
    if counts.get("blocked"):
        extra.append(f"{counts['blocked']} blocked")
    if counts.get("move"):
        extra.append(f"{counts['move']} to move in state")
    if extra:
        text.append(" " + ", ".join(extra) + ".", style="bold")
    text.append("\n")
    return text
