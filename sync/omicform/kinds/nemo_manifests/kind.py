"""NeMO manifests: a TSV checked offline against NeMO's rules (`rules/`), submitted once
(every POST makes a new submission), then followed through NeMO's ingest steps."""

from __future__ import annotations

from collections.abc import Sequence

from omicform.desired.model import DesiredState, NemoManifest
from omicform.kinds.base import ApplyContext, Outcome, PlanContext, ReadContext
from omicform.kinds.nemo_manifests.apply import carry_out_manifest
from omicform.kinds.nemo_manifests.plan import NAME, one_intent_at_a_time, plan_manifest
from omicform.kinds.nemo_manifests.read import read_submissions
from omicform.model.plan import Change


class NemoManifests:
    name = NAME
    service = "nemo"
    service_title = "NeMO"
    # A submission's steps advance by themselves: that must not make a saved plan stale.
    pins_remote = False

    def declared(self, desired: DesiredState) -> Sequence[NemoManifest]:
        return desired.manifests

    def address(self, item: NemoManifest) -> str:
        return item.address

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


KIND = NemoManifests()
