"""The apply-time state recorder (engine/recorder.py) and the snapshot it folds into: the
shortcuts taken for speed (kept minted ids, the snapshot written without a deep copy) give
exactly what the slow way gave."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from omicform.engine.recorder import StateRecorder, now
from omicform.state.journal import plain, state_json
from omicform.state.model import ResourceState, State
from omicform.state.store import StateStore


@dataclass(frozen=True)
class Point:
    x: int


def batch(key: str, *ids: str) -> ResourceState:
    return ResourceState(f"identifiers.{key}", "identifiers", key, minted=ids)


def test_the_snapshot_document_is_the_states_own_json() -> None:
    state = State(lineage="l", serial=7)
    for resource in (
        batch("b", "nmdc:1", "nmdc:2"),
        ResourceState("jgi_samples.s", "jgi_samples", "s", fields={"n": [1, {"a": None}]}),
        ResourceState("m.x", "m", "x", content_hash="h", submission={"id": "1", "steps": []}),
        ResourceState("p.y", "p", "y", fields={"at": Point(3)}, updated_at="2026-01-01T00:00:00Z"),
    ):
        state = state.with_resource(resource)
    expected = json.dumps(state.to_json(), default=plain, indent=2)
    assert json.dumps(state_json(state), default=plain, indent=2) == expected


def test_a_saved_state_loads_back_equal(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "s.json")
    recorder = StateRecorder(store, State())
    recorder.put(batch("b", "nmdc:1"))
    recorder.put(ResourceState("k.a", "k", "a", fields={"v": 1}))
    recorder.checkpoint()
    assert StateStore(tmp_path / "s.json").load(check_pin=False) == recorder.state


def test_minted_ids_follow_every_change_to_a_batch(tmp_path: Path) -> None:
    recorder = StateRecorder(StateStore(tmp_path / "s.json"), State())
    assert recorder.minted() == {}
    recorder.put(batch("b", "nmdc:1"))
    assert recorder.minted() == {"b": ("nmdc:1",)}
    recorder.put(ResourceState("k.a", "k", "a", fields={"v": 1}))  # not a batch: same ids
    recorder.put(batch("b", "nmdc:1", "nmdc:2"))
    assert recorder.minted() == {"b": ("nmdc:1", "nmdc:2")}
    recorder.minted()["b"] = ()  # a caller's copy: the recorder's own stays
    assert recorder.minted() == {"b": ("nmdc:1", "nmdc:2")}
    recorder.remove("identifiers.b")
    assert recorder.minted() == {}


def test_an_unchanged_resource_is_not_written_again(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "s.json")
    recorder = StateRecorder(store, State())
    recorder.put(ResourceState("k.a", "k", "a", fields={"v": 1}))
    serial = recorder.state.serial
    recorder.put(ResourceState("k.a", "k", "a", fields={"v": 1}))
    assert recorder.state.serial == serial
    recorder.put(ResourceState("k.a", "k", "a", fields={"v": 2}))
    assert recorder.state.serial == serial + 1


def test_the_time_stamp_is_utc_to_the_second() -> None:
    stamp = now()
    assert len(stamp) == 20 and stamp.endswith("Z") and stamp[10] == "T"
