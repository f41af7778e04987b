"""NeMO manifests: a TSV checked offline against NeMO's rules (`rules/`), submitted once
(every POST makes a new submission), then followed through NeMO's ingest steps."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import RenderableType

from omicform.connections import Connections
from omicform.desired.context import LoadContext
from omicform.desired.yamlfile import LineMap
from omicform.kinds.base import (
    AdoptContext,
    ApplyContext,
    CheckContext,
    Outcome,
    PlanContext,
    ReadContext,
    SectionKind,
    not_dumpable,
)
from omicform.kinds.nemo_manifests.apply import carry_out_manifest
from omicform.kinds.nemo_manifests.declared import NemoManifest
from omicform.kinds.nemo_manifests.files import check_manifests
from omicform.kinds.nemo_manifests.load import load_manifests
from omicform.kinds.nemo_manifests.plan import (
    Manifest,
    one_intent_at_a_time,
    plan_manifest,
)
from omicform.kinds.nemo_manifests.read import read_submissions
from omicform.kinds.nemo_manifests.record import NAME
from omicform.kinds.nemo_manifests.status import adopt_submission, steps_with_guidance
from omicform.model.plan import Change, Payload
from omicform.state.model import ResourceState


class NemoManifests(SectionKind[NemoManifest]):
    name = NAME
    service = "nemo"
    service_title = "NeMO"
    # A submission's steps advance by themselves: that must not make a saved plan stale.
    pins_remote = False
    dumpable = False

    def load(self, section: LineMap, ctx: LoadContext) -> None:
        load_manifests(section, ctx)

    def check(self, items: Sequence[NemoManifest], ctx: CheckContext) -> None:
        check_manifests(items, ctx)

    def read(self, items: Sequence[NemoManifest], ctx: ReadContext) -> None:
        read_submissions(items, ctx)

    def verify(self, items: Sequence[NemoManifest], ctx: ReadContext) -> None:
        """Nothing to verify: NeMO validates a manifest only by submitting it."""

    def plan(self, item: NemoManifest, ctx: PlanContext) -> Change:
        return plan_manifest(item, ctx)

    def arrange(self, changes: list[Change], ctx: PlanContext) -> list[Change]:
        return one_intent_at_a_time(changes, ctx.state)

    def apply(self, change: Change, ctx: ApplyContext) -> Outcome:
        return carry_out_manifest(change, ctx)

    def decode(self, detail: dict[str, Any]) -> Payload:
        return Manifest.from_json(detail)

    def adopt(self, key: str, remote_id: str | None, ctx: AdoptContext) -> ResourceState:
        return adopt_submission(key, remote_id, ctx)

    def dump(
        self, query: Mapping[str, Any] | None, connections: Connections
    ) -> dict[str, dict[str, Any]]:
        raise not_dumpable(NAME)

    def status(self, resource: ResourceState, connections: Connections) -> RenderableType | None:
        """The submission's six steps, as NeMO reports them now, and what to do next."""
        if not resource.submission:
            return None
        found = connections.nemo.get_submission(str(resource.submission["id"]))
        return steps_with_guidance(resource.address, found)


KIND = NemoManifests()
