"""The state keeps one workspace's history whole: torn or damaged journals, other lineages,
lost snapshots, unwritable folders and live locks are caught, never papered over."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from omicform.cli import main
from omicform.errors import ConfigError
from omicform.state import LineageMismatch, ResourceState, State, StateStore, StateWriteFailed
from omicform.state.lock import HolderAlive, StateLock, StateLocked, force_unlock, lock_path
from omicform.state.store import default_pin_path

TASK_A = ResourceState("globus_tasks.a", "globus_tasks", "a", fields={"task_status": "A"})
TASK_B = ResourceState("globus_tasks.b", "globus_tasks", "b", fields={"task_status": "B"})


def two_records(path: Path) -> tuple[StateStore, State]:
    store = StateStore(path)
    state = store.begin(State())
    state = store.record(state, TASK_A)
    state = store.record(state, TASK_B)
    store.close()
    return store, state


# -- the journal ------------------------------------------------------------------------------


def test_a_torn_last_line_is_cut_before_the_next_append_so_later_records_survive(
    tmp_path: Path,
) -> None:
    store, state = two_records(tmp_path / "s.json")
    with open(store.journal_path, "ab") as journal:
        journal.write(b'{"serial": 4, "lineage": "x", "put": {"addr')  # killed mid-write
    again = StateStore(tmp_path / "s.json")
    loaded = again.load()
    later = ResourceState("globus_tasks.c", "globus_tasks", "c")
    again.record(loaded, later)
    again.close()  # and the next run crashes before any snapshot
    reloaded = StateStore(tmp_path / "s.json").load()
    assert sorted(reloaded.resources) == ["globus_tasks.a", "globus_tasks.b", "globus_tasks.c"]
    assert reloaded.serial == state.serial + 1


def test_a_damaged_line_that_is_not_the_last_is_an_error_naming_its_line(tmp_path: Path) -> None:
    store, _ = two_records(tmp_path / "s.json")
    lines = store.journal_path.read_bytes().splitlines(keepends=True)
    store.journal_path.write_bytes(lines[0] + b"garbage\n" + lines[1])
    with pytest.raises(ConfigError) as caught:
        StateStore(tmp_path / "s.json").load()
    assert caught.value.line == 2
    assert "damaged" in caught.value.message


def test_a_journal_of_another_lineage_is_refused(tmp_path: Path) -> None:
    store, _ = two_records(tmp_path / "s.json")
    other, _ = two_records(tmp_path / "other.json")
    store.journal_path.write_bytes(other.journal_path.read_bytes())
    with pytest.raises(ConfigError, match="belongs to lineage"):
        StateStore(tmp_path / "s.json").load()


def test_a_journal_with_a_gap_in_its_serials_is_refused(tmp_path: Path) -> None:
    store, _ = two_records(tmp_path / "s.json")
    lines = store.journal_path.read_bytes().splitlines(keepends=True)
    store.journal_path.write_bytes(lines[1])
    with pytest.raises(ConfigError, match="records are missing"):
        StateStore(tmp_path / "s.json").load()


def test_a_journal_without_its_snapshot_is_an_error_not_a_rebuild(tmp_path: Path) -> None:
    store, _ = two_records(tmp_path / "s.json")
    store.path.unlink()
    with pytest.raises(ConfigError, match="state file it belongs to is missing"):
        StateStore(tmp_path / "s.json").load()


def test_the_snapshot_is_written_before_the_first_journal_line(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "s.json")
    store.record(State(), TASK_A)
    store.close()
    assert store.path.exists() and store.journal_path.exists()


@pytest.mark.parametrize(
    "document",
    [
        "[]",
        '{"format_version": 1}',
        '{"format_version": 1, "lineage": "x", "serial": "3"}',
        '{"format_version": 1, "lineage": "x", "serial": 3, "resources": {}}',
        '{"format_version": 1, "lineage": "x", "serial": 3, "resources": [7]}',
        '{"format_version": 1, "lineage": "x", "serial": 3, "resources": [{"address": 1}]}',
        '{"format_version": 1, "lineage": "x", "serial": 3, '
        '"resources": [{"address": "a", "kind": "k", "key": "a", "minted": [1]}]}',
    ],
)
def test_valid_json_of_the_wrong_structure_is_a_clear_error(tmp_path: Path, document: str) -> None:
    (tmp_path / "s.json").write_text(document)
    with pytest.raises(ConfigError) as caught:
        StateStore(tmp_path / "s.json").load()
    assert caught.value.file == str(tmp_path / "s.json")


def test_an_unwritable_state_fails_before_anything_is_sent(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    store = StateStore(blocker / "s.json")
    with pytest.raises(StateWriteFailed, match="cannot write"):
        store.begin(State())


# -- lineage beside the config ----------------------------------------------------------------


def pinned_store(folder: Path) -> StateStore:
    return StateStore(folder / "omicform.state.json", pin=default_pin_path(folder))


def test_the_first_write_pins_the_lineage_beside_the_config(tmp_path: Path) -> None:
    store = pinned_store(tmp_path)
    state = store.save(State())
    assert default_pin_path(tmp_path).read_text().strip() == state.lineage
    assert pinned_store(tmp_path).load().lineage == state.lineage


def test_another_workspaces_state_is_refused_until_adopted(tmp_path: Path) -> None:
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    mine.mkdir()
    theirs.mkdir()
    pinned_store(mine).save(State())
    foreign = pinned_store(theirs).save(State().with_resource(TASK_A))
    (mine / "omicform.state.json").write_bytes((theirs / "omicform.state.json").read_bytes())
    with pytest.raises(LineageMismatch, match="another workspace's state") as caught:
        pinned_store(mine).load()
    assert "omicform state adopt" in caught.value.hint
    (mine / "omicform.yaml").write_text("omicform: 1\n")
    result = CliRunner().invoke(main, ["state", "adopt", "-f", str(mine / "omicform.yaml")])
    assert result.exit_code == 0, result.output
    assert pinned_store(mine).load().lineage == foreign.lineage


def test_a_lost_state_file_is_an_error_while_the_lineage_is_pinned(tmp_path: Path) -> None:
    pinned_store(tmp_path).save(State().with_resource(TASK_A))
    (tmp_path / "omicform.state.json").unlink()
    with pytest.raises(LineageMismatch, match="is missing") as caught:
        pinned_store(tmp_path).load()
    assert "version control" in caught.value.hint


# -- locks ------------------------------------------------------------------------------------


def test_force_unlock_refuses_a_holder_that_is_alive_on_this_host(tmp_path: Path) -> None:
    state = tmp_path / "s.json"
    with StateLock(state, operation="apply"):
        with pytest.raises(HolderAlive, match=f"pid {os.getpid()}"):
            force_unlock(state)
        assert lock_path(state).exists()


def test_force_unlock_cli_names_the_live_holder_and_force_yes_overrides(tmp_path: Path) -> None:
    config = tmp_path / "omicform.yaml"
    config.write_text("omicform: 1\n")
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        lock_path(tmp_path / "omicform.state.json").write_text(
            json.dumps({"pid": holder.pid, "host": socket.gethostname(), "operation": "apply"})
        )
        refused = CliRunner().invoke(main, ["force-unlock", "-f", str(config)])
        assert refused.exit_code == 1
        assert f"pid {holder.pid}" in refused.output and "still running" in refused.output
        forced = CliRunner().invoke(main, ["force-unlock", "-f", str(config), "--force", "--yes"])
        assert forced.exit_code == 0, forced.output
        assert not lock_path(tmp_path / "omicform.state.json").exists()
    finally:
        holder.kill()
        holder.wait()


def test_taking_over_a_stale_lock_never_removes_a_lock_made_meanwhile(tmp_path: Path) -> None:
    state = tmp_path / "s.json"
    stale = {"pid": 1, "host": socket.gethostname(), "operation": "apply", "nonce": "old"}
    live = StateLock(state, operation="apply")
    live.acquire()  # another run replaced the stale lock between our read and our removal
    try:
        assert not StateLock(state, operation="apply")._take_over(stale)
        assert live.holder() is not None and live.holder()["pid"] == os.getpid()  # type: ignore[index]
    finally:
        live.release()
    assert not list(tmp_path.glob("*.stale"))


def test_a_lock_released_by_its_holder_lets_the_next_run_in(tmp_path: Path) -> None:
    state = tmp_path / "s.json"
    with StateLock(state, operation="apply"):
        pass
    started = time.monotonic()
    with StateLock(state, operation="apply"):
        assert time.monotonic() - started < 1


def test_a_lock_that_cannot_be_created_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(StateLocked, match="cannot create the lock"):
        StateLock(blocker / "s.json", operation="apply").acquire()
