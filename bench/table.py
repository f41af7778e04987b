"""Writes bench/compare.py's rows (and bench/sandbox_rps.py's) as tables in
docs/performance.md, each between its markers."""

from __future__ import annotations

import datetime as dt
import os
import platform
from pathlib import Path
from typing import Any

BEGIN = "<!-- bench:compare (make bench writes this table) -->"
END = "<!-- /bench:compare -->"


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.2f} s"


def _row(row: dict[str, Any]) -> str:
    ours, theirs = row.get("omicform_s"), row.get("official_s")
    ratio = f"**{theirs / ours:.1f}x**" if ours and theirs else ""
    limit = f"{_seconds(row.get('limit_s'))} ({row['limit_how']})" if "limit_how" in row else ""
    notes = row.get("detail", "")
    if "cpu_ms_per_create" in row:
        notes = f"omicform CPU {row['cpu_ms_per_create']} ms per create"
    cells = [row["benchmark"], _seconds(ours), _seconds(theirs), ratio, limit, notes]
    return "| " + " | ".join(cells) + " |"


def measured_on() -> str:
    """When and on what: the first words of each table's line."""
    return (
        f"Measured on {dt.date.today().isoformat()}: {platform.platform()}, Python "
        f"{platform.python_version()}, {os.cpu_count()} cores"
    )


def render(rows: list[dict[str, Any]], machine: dict[str, float]) -> str:
    head = [
        BEGIN,
        f"{measured_on()}. omicform: best of 3 (start-up: "
        "best of 5, bench/startup.py); the official client: one run. The machine's speed: a "
        f"fixed Python loop (2,000,000 additions) took {machine['loop_seconds_before']:.3f} s "
        f"before the benchmarks and {machine['loop_seconds_after']:.3f} s after (best of 3).",
        "",
        "| benchmark | omicform | official client | ratio | physical limit | notes |",
        "|---|---|---|---|---|---|",
    ]
    return "\n".join([*head, *(_row(r) for r in rows), END])


def replace_between(doc: Path, begin: str, end: str, block: str) -> None:
    """Puts `block` (which starts with `begin` and ends with `end`) in place of the text
    between those markers in `doc`, or at its end when they are not there."""
    text = doc.read_text()
    if begin in text and end in text:
        before, rest = text.split(begin, 1)
        after = rest.split(end, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    doc.write_text(text)


def write_table(rows: list[dict[str, Any]], doc: Path, machine: dict[str, float]) -> None:
    replace_between(doc, BEGIN, END, render(rows, machine))
