"""The state file and its lock."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from omicform.state import ResourceState, State, StateLock, StateStore, force_unlock
from omicform.state.lock import StateLocked, lock_path


def test_each_save_bumps_the_serial_and_keeps_the_lineage(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "s.json")
    first = store.save(State())
    second = store.update(
        first, ResourceState("globus_tasks.t1", "globus_tasks", "t1", fields={"task_status": "A"})
    )
    loaded = store.load()
    assert (first.serial, second.serial, loaded.serial) == (1, 2, 2)
    assert loaded.lineage == first.lineage
    assert loaded.get("globus_tasks.t1") == second.get("globus_tasks.t1")


def test_no_temporary_file_is_left_behind(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "s.json")
    for _ in range(5):
        store.save(store.load())
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]


def test_a_second_holder_is_refused_with_the_holder_named(tmp_path: Path) -> None:
    state = tmp_path / "s.json"
    with StateLock(state, operation="apply"), pytest.raises(StateLocked) as caught:
        StateLock(state, operation="plan").acquire()
    assert f"pid {os.getpid()}" in str(caught.value)
    assert "force-unlock" in str(caught.value)
    assert not lock_path(state).exists()


def test_a_lock_left_by_a_dead_process_on_this_host_is_taken_over(tmp_path: Path) -> None:
    state = tmp_path / "s.json"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    lock_path(state).write_text(
        json.dumps({"pid": int(dead.stdout), "host": socket.gethostname(), "operation": "apply"})
    )
    lock = StateLock(state, operation="apply")
    with lock:
        assert lock.took_over is not None and lock.took_over["pid"] == int(dead.stdout)


def test_another_hosts_lock_is_never_assumed_dead(tmp_path: Path) -> None:
    state = tmp_path / "s.json"
    lock_path(state).write_text(json.dumps({"pid": 1, "host": "elsewhere", "operation": "apply"}))
    with pytest.raises(StateLocked):
        StateLock(state, operation="apply").acquire()
    assert force_unlock(state) == {"pid": 1, "host": "elsewhere", "operation": "apply"}
    StateLock(state, operation="apply").acquire()


def test_the_state_holds_no_secret_shaped_fields(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "s.json")
    store.save(
        State().with_resource(
            ResourceState("identifiers.x", "identifiers", "x", minted=("nmdc:a",))
        )
    )
    text = (tmp_path / "s.json").read_text()
    for word in ("secret", "password", "token", "jwt"):
        assert word not in text


def test_changes_are_journalled_and_replayed_over_the_snapshot(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "s.json")
    state = store.save(State())
    state = store.record(state, ResourceState("globus_tasks.a", "globus_tasks", "a"))
    state = store.record(state, ResourceState("globus_tasks.b", "globus_tasks", "b"))
    state = store.forget(state, "globus_tasks.a")
    store.close()
    loaded = StateStore(tmp_path / "s.json").load()
    assert sorted(loaded.resources) == ["globus_tasks.b"]
    assert (loaded.serial, loaded.lineage) == (state.serial, state.lineage)


def test_a_torn_last_journal_line_is_skipped(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "s.json")
    state = store.record(State(), ResourceState("globus_tasks.a", "globus_tasks", "a"))
    store.close()
    with open(store.journal_path, "ab") as journal:
        journal.write(b'{"serial": 2, "put": {"address": "globus_ta')  # killed mid-write
    loaded = StateStore(tmp_path / "s.json").load()
    assert sorted(loaded.resources) == ["globus_tasks.a"]
    assert loaded.lineage == state.lineage


def test_a_snapshot_absorbs_the_journal(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "s.json")
    state = store.record(State(), ResourceState("globus_tasks.a", "globus_tasks", "a"))
    saved = store.save(state)
    assert not store.journal_path.exists()
    assert StateStore(tmp_path / "s.json").load() == saved
