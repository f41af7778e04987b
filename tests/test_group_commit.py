"""Group commit: lines written meanwhile share one fsync; none is reported done before it."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from omicform.engine.recorder import StateRecorder
from omicform.state import State
from omicform.state.model import ResourceState
from omicform.state.store import StateStore, StateWriteFailed


def test_concurrent_changes_all_land_with_fewer_fsyncs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = StateStore(tmp_path / "s.json")
    recorder = StateRecorder(store, State())
    calls = []
    real = os.fsync

    def slow_fsync(fd: int) -> None:
        calls.append(fd)
        threading.Event().wait(0.01)
        real(fd)

    monkeypatch.setattr(os, "fsync", slow_fsync)
    threads = [
        threading.Thread(target=recorder.put, args=(ResourceState(f"k.{i}", "k", str(i)),))
        for i in range(40)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    monkeypatch.setattr(os, "fsync", real)
    assert len(StateStore(tmp_path / "s.json").load().resources) == 40
    assert len(calls) < 40


def test_a_failed_fsync_fails_the_change_and_every_later_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = StateStore(tmp_path / "s.json")
    recorder = StateRecorder(store, State())

    def broken(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(StateWriteFailed):
        recorder.put(ResourceState("k.1", "k", "1"))
    monkeypatch.undo()
    with pytest.raises(StateWriteFailed):
        recorder.put(ResourceState("k.2", "k", "2"))
