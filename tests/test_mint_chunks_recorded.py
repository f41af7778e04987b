"""Ids minted by the chunks of a mint that finished before one failed are kept in state."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from omicform.engine.executor import carry_out
from omicform.engine.recorder import StateRecorder
from omicform.errors import OutcomeUnknown
from omicform.kinds.base import ApplyContext as Context
from omicform.kinds.identifiers import Mint
from omicform.model.plan import Change
from omicform.state import State, StateStore


class Nmdc:
    """Mints 1,000 ids, then loses the answer to the next chunk, as a dropped line would."""

    def mint(self, schema_class: str, how_many: int) -> list[str]:
        done = tuple(f"nmdc:dobj-11-{i:05d}" for i in range(1000))
        raise OutcomeUnknown(
            "the connection failed before an answer",
            service="NMDC",
            method="POST",
            path="/pids/mint",
            completed=done,
        )


class Connections:
    nmdc = Nmdc()


def test_a_mint_that_fails_midway_keeps_the_ids_of_its_finished_chunks(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "s.json")
    recorder = StateRecorder(store, State())
    connections: Any = Connections()
    change = Change(
        "identifiers.reads",
        "identifiers",
        "reads",
        "mint",
        service="nmdc",
        detail=Mint("nmdc:DataObject", how_many=2500, count=2500),
    )
    outcome = carry_out(change, Context(connections=connections, recorder=recorder))
    assert outcome.result == "unknown"
    store.close()
    minted = StateStore(tmp_path / "s.json").load().minted()["reads"]
    assert len(minted) == 1000 and minted[0] == "nmdc:dobj-11-00000"
