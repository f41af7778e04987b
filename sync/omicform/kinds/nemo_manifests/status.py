"""`omicform import` and `omicform status` for NeMO manifests: adopting a submission made
without omicform (or by an interrupted apply), and showing a submission step by step."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from omicform.errors import ConfigError
from omicform.kinds.base import AdoptContext
from omicform.kinds.nemo_manifests.files import read_manifest
from omicform.kinds.nemo_manifests.guidance import guidance_for
from omicform.kinds.nemo_manifests.intents import submission_data
from omicform.kinds.nemo_manifests.record import NAME, ManifestRecord
from omicform.model.render import printable
from omicform.services.nemo import STEP_NAMES, Submission
from omicform.state.model import ResourceState, State


def adopt_submission(key: str, remote_id: str | None, ctx: AdoptContext) -> ResourceState:
    address = f"{NAME}.{key}"
    _refuse_claimed(ctx.state, address, remote_id)
    if not remote_id:
        raise ConfigError(
            "name the submission id: omicform import nemo_manifests.NAME ID", field=address
        )
    submission = ctx.connections.nemo.get_submission(remote_id)
    item = next((m for m in ctx.desired.of(NAME) if m.address == address), None)
    content_hash = read_manifest(item).content_hash if item is not None else None
    return ManifestRecord(key, content_hash, submission_data(submission)).to_state()


def _refuse_claimed(state: State, address: str, remote_id: str | None) -> None:
    """One submission belongs to one manifest: adopting it twice hides a manifest never sent."""
    for other in state.resources.values():
        if other.address != address and (other.submission or {}).get("id") == remote_id:
            raise ConfigError(
                f"submission {remote_id} is already recorded for {other.address}",
                field=address,
                hint="Name the submission this manifest made (`omicform status --history`).",
            )


def steps_table(address: str, found: Submission) -> Table:
    """Six rows; on a terminal the message column wraps so the table fits, dates never."""
    table = Table(
        title=Text(
            f"{printable(address)}: NeMO submission {printable(found.id)} "
            f"({printable(found.state)})"
        )
    )
    table.add_column("step", no_wrap=True)
    table.add_column("result", no_wrap=True)
    table.add_column("date", no_wrap=True)
    table.add_column("message", overflow="fold")
    done = {s.name: s for s in found.steps}
    for name in STEP_NAMES:
        step = done.get(name)
        if step is None:
            waiting = ("in progress", "blue") if name == found.next_step else ("waiting", "dim")
            table.add_row(name, Text(*waiting), "", "")
        else:
            result = Text("ok", "green") if step.success else Text("failed", "red")
            table.add_row(
                name, result, Text(printable(step.date or "")), Text(printable(step.msg or ""))
            )
    return table


def steps_with_guidance(address: str, found: Submission) -> RenderableType:
    """The steps table, then what the user does next when it is up to them."""
    table = steps_table(address, found)
    todo = guidance_for(submission_data(found))
    if not todo:
        return table
    return Group(table, Text.assemble(("next: ", "bold"), printable(todo)))
