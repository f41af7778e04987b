"""State in PostgreSQL, against a real server (tests/pg.py starts one per session).

The same promises as the state file: lineage and serial, each change durable in its own
transaction (a kill -9 loses nothing acknowledged and leaves nothing half), the lineage
pin, one writer at a time under a lock that dies with its holder, and no password shown.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from click.testing import CliRunner
from pg import PgServer

from omicform.cli.state_transfer import pull_command, push_command
from omicform.errors import ConfigError, OmicformError
from omicform.state import (
    LineageMismatch,
    ResourceState,
    State,
    StateBackend,
    StateBehind,
    StateStore,
    open_state,
    pull,
    push,
)
from omicform.state.lock import HolderAlive, StateLock, StateLocked
from omicform.state.postgres import (
    _SCHEMA,
    _SCHEMA_KEY,
    SCHEMA_VERSION,
    PostgresState,
    StateConflict,
    StateDatabaseError,
    redacted_url,
)
from omicform.state.store import default_pin_path

TASK_A = ResourceState("globus_tasks.a", "globus_tasks", "a", fields={"task_status": "A"})
TASK_B = ResourceState("globus_tasks.b", "globus_tasks", "b", fields={"task_status": "B"})
BATCH = ResourceState("identifiers.reads", "identifiers", "reads", minted=("nmdc:a", "nmdc:b"))


def spawn(code: str, url: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", code],
        env={**os.environ, "URL": url, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_line(process: subprocess.Popen[str], expected: str) -> None:
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if line != expected:
        process.kill()
        pytest.fail(f"the child said {line!r}: {process.communicate()[1][-2000:]}")


HOLDER = """
import os, time
from omicform.state.postgres import PostgresState
with PostgresState(os.environ["URL"], name=os.environ["NAME"]).lock("apply"):
    print("locked", flush=True)
    time.sleep(float(os.environ["HOLD"]))
"""


# -- the backend ------------------------------------------------------------------------------


def test_changes_round_trip_with_one_serial_step_each(pg_url: str) -> None:
    store = PostgresState(pg_url)
    state = store.begin(State())
    assert state.serial == 1  # a new state is written before any change, as the file is
    state = store.record(state, TASK_A)
    state = store.record(state, BATCH)
    state = store.update(state, TASK_B)
    state = store.forget(state, TASK_A.address)
    store.close()
    assert not store.has_journal()
    loaded = PostgresState(pg_url).load()
    assert loaded == state
    assert (loaded.serial, sorted(loaded.resources)) == (5, [TASK_B.address, BATCH.address])
    assert loaded.get(BATCH.address) == BATCH  # tuples, nested fields: exactly as recorded
    saved = PostgresState(pg_url).save(loaded.without(BATCH.address))
    assert PostgresState(pg_url).load() == saved and saved.serial == 6


def test_an_absent_state_loads_empty_and_begin_writes_it_before_any_change(pg_url: str) -> None:
    store = PostgresState(pg_url)
    assert not store.exists()
    fresh = store.load()
    assert (fresh.serial, fresh.resources) == (0, {})
    assert not store.exists()  # loading writes nothing
    begun = store.begin(fresh)
    store.close()
    assert store.exists() and store.load() == begun


def test_a_change_to_a_state_not_yet_written_writes_it_whole(pg_url: str) -> None:
    state = State().with_resource(TASK_A)
    recorded = PostgresState(pg_url).record(state, TASK_B)  # no begin: as the file's journal
    assert PostgresState(pg_url).load() == recorded
    assert sorted(recorded.resources) == [TASK_A.address, TASK_B.address]


def test_names_keep_separate_states_in_one_database(pg_url: str) -> None:
    one = PostgresState(pg_url, name="team-a").save(State().with_resource(TASK_A))
    two = PostgresState(pg_url, name="team-b").save(State().with_resource(TASK_B))
    assert PostgresState(pg_url, name="team-a").load() == one
    assert PostgresState(pg_url, name="team-b").load() == two
    assert one.lineage != two.lineage


def test_a_writer_holding_an_old_serial_is_refused_and_writes_nothing(pg_url: str) -> None:
    first, second = PostgresState(pg_url), PostgresState(pg_url)
    base = first.save(State())
    stale = second.load()
    first.record(base, TASK_A)
    with pytest.raises(StateConflict, match=r"serial 1, and the database now holds .* serial 2"):
        second.record(stale, TASK_B)
    assert sorted(PostgresState(pg_url).load().resources) == [TASK_A.address]


def test_the_schema_is_created_on_first_use_with_its_version(pg_url: str) -> None:
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT to_regclass('omicform_state')").fetchone() == (None,)
    PostgresState(pg_url).load()
    PostgresState(pg_url).load()  # a second use finds the tables and creates nothing
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert conn.execute("SELECT version FROM omicform_schema").fetchall() == [(SCHEMA_VERSION,)]
        tables = conn.execute(
            "SELECT tablename FROM pg_tables WHERE tablename LIKE 'omicform%' ORDER BY 1"
        ).fetchall()
        assert [t for (t,) in tables] == [
            "omicform_locks",
            "omicform_resources",
            "omicform_schema",
            "omicform_state",
        ]
        conn.execute("UPDATE omicform_schema SET version = %s", (SCHEMA_VERSION + 1,))
    with pytest.raises(ConfigError, match=f"version {SCHEMA_VERSION + 1}"):
        PostgresState(pg_url).load()


def test_a_first_use_waiting_on_anothers_creation_uses_the_tables_it_made(pg_url: str) -> None:
    # Two first uses at once (two applies on a fresh database): the second waits on the
    # schema lock while the first creates the tables, then must see them. PostgreSQL keeps a
    # session's "no such table" answer until the session next takes a table lock, so a check
    # by name alone (to_regclass) said "absent" again, and CREATE TABLE failed: "relation
    # omicform_schema already exists".
    late = PostgresState(pg_url).connect(settings=())  # creates the tables: drop them again
    late.execute("DROP TABLE omicform_locks, omicform_resources, omicform_state, omicform_schema")
    late.execute("SELECT to_regclass('omicform_schema')")  # the session now knows "absent"
    with psycopg.connect(pg_url) as first:
        first.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_KEY,))
        for statement in _SCHEMA:
            first.execute(statement)
        first.execute("INSERT INTO omicform_schema (version) VALUES (%s)", (SCHEMA_VERSION,))
        waiting: list[BaseException | None] = []
        second = threading.Thread(target=_ensure_schema_into, args=(pg_url, late, waiting))
        second.start()
        _until_waiting_on_a_lock(pg_url, late.info.backend_pid)
        first.commit()
    second.join(timeout=30)
    late.close()
    assert waiting == [None]


def _ensure_schema_into(
    url: str, conn: psycopg.Connection, out: list[BaseException | None]
) -> None:
    try:
        PostgresState(url)._ensure_schema(conn)
        out.append(None)
    except BaseException as exc:  # reported by the test's assertion
        out.append(exc)


def _until_waiting_on_a_lock(url: str, pid: int) -> None:
    with psycopg.connect(url, autocommit=True) as watcher:
        for _ in range(300):
            row = watcher.execute(
                "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", (pid,)
            ).fetchone()
            if row is not None and row[0] == "Lock":
                return
            time.sleep(0.01)
    raise AssertionError("the second first use never waited on the schema lock")


WRITER = """
import os
from omicform.state.model import ResourceState
from omicform.state.postgres import PostgresState
store = PostgresState(os.environ["URL"], name="killed")
state = store.begin(store.load())
print(state.serial, flush=True)
for i in range(100000):
    fields = {"n": i, "pad": "x" * 4000}
    state = store.record(state, ResourceState(f"globus_tasks.t{i:05d}", "globus_tasks", f"t{i:05d}", fields=fields))
    print(i, flush=True)
"""


@pytest.mark.parametrize("delay", [0.0, 0.003, 0.011])
def test_kill_9_mid_records_loses_nothing_acknowledged_and_leaves_nothing_half(
    pg_url: str, delay: float
) -> None:
    writer = spawn(WRITER, pg_url)
    assert writer.stdout is not None
    line = writer.stdout.readline()
    base = int(line) if line.strip() else pytest.fail(writer.communicate()[1][-2000:])
    while int(writer.stdout.readline() or "-1") < 30:
        assert writer.poll() is None, writer.communicate()[1][-2000:]
    time.sleep(delay)  # a different instant of the next transaction each time
    writer.send_signal(signal.SIGKILL)
    rest = writer.communicate()[0].split()
    writer.wait()
    acknowledged = int(rest[-1]) + 1 if rest else 31
    state = PostgresState(pg_url, name="killed").load()
    found = len(state.resources)
    # Every acknowledged record is there; at most the one in flight committed unacknowledged.
    assert acknowledged <= found <= acknowledged + 1
    assert state.serial == base + found  # the serial and the rows moved together
    for i in range(found):
        resource = state.get(f"globus_tasks.t{i:05d}")
        assert resource is not None and resource.fields == {"n": i, "pad": "x" * 4000}


def test_sessions_are_durable_and_notice_a_dead_peer_unless_the_url_says_otherwise(
    pg_url: str,
) -> None:
    writer = PostgresState(pg_url).connect()
    params = writer.info.get_parameters()
    assert (params["keepalives_idle"], params["application_name"]) == ("30", "omicform")
    assert writer.execute("SHOW synchronous_commit").fetchone() == ("on",)
    writer.close()
    with PostgresState(pg_url, name="k").lock("apply") as lock:
        assert lock._conn is not None
        assert lock._conn.execute("SHOW tcp_keepalives_idle").fetchone() == ("30",)
    own = PostgresState(pg_url + "?application_name=mine&keepalives_idle=5").connect()
    assert own.info.get_parameters()["application_name"] == "mine"
    assert own.info.get_parameters()["keepalives_idle"] == "5"
    own.close()


# -- the lock ---------------------------------------------------------------------------------


def test_a_second_lock_is_refused_at_once_naming_the_holder(pg_url: str) -> None:
    store = PostgresState(pg_url, name="locked")
    with store.lock("apply"):
        started = time.monotonic()
        with pytest.raises(StateLocked) as caught:
            PostgresState(pg_url, name="locked").lock("plan").acquire()
        assert time.monotonic() - started < 1
        message = str(caught.value)
        assert f"pid {os.getpid()} on {socket.gethostname()}" in message
        assert "`omicform apply`" in message and "since 20" in message
        assert "nothing to remove" in caught.value.hint
        with PostgresState(pg_url, name="another").lock("apply"):
            pass  # another name's lock is another lock
    with PostgresState(pg_url, name="locked").lock("plan"):
        pass  # released on leaving


def test_a_lock_waits_for_its_holder_up_to_the_timeout(pg_url: str) -> None:
    holder = spawn(HOLDER, pg_url, NAME="waited", HOLD="1.5")
    wait_for_line(holder, "locked")
    started = time.monotonic()
    with pytest.raises(StateLocked, match=f"pid {holder.pid}"):
        PostgresState(pg_url, name="waited").lock("apply", wait=0.4).acquire()
    assert 0.4 <= time.monotonic() - started < 1.5
    with PostgresState(pg_url, name="waited").lock("apply", wait=10):
        assert time.monotonic() - started < 5
    holder.wait(timeout=10)


def test_a_holder_killed_with_9_frees_the_lock_at_once(pg_url: str) -> None:
    holder = spawn(HOLDER, pg_url, NAME="killed", HOLD="60")
    try:
        wait_for_line(holder, "locked")
        with pytest.raises(StateLocked, match=f"pid {holder.pid}"):
            PostgresState(pg_url, name="killed").lock("apply").acquire()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    started = time.monotonic()
    store = PostgresState(pg_url, name="killed")
    with store.lock("apply", wait=5):  # no force-unlock: the server ended the holder's session
        assert time.monotonic() - started < 2  # typically 0.05 s: the time to connect
        taken = store.holder()
        assert taken is not None and taken["pid"] == os.getpid()


def test_force_unlock_refuses_a_live_holder_and_force_ends_its_session(pg_url: str) -> None:
    store = PostgresState(pg_url, name="stuck")
    assert store.force_unlock() is None
    holder = spawn(HOLDER, pg_url, NAME="stuck", HOLD="60")
    try:
        wait_for_line(holder, "locked")
        with pytest.raises(HolderAlive, match=f"pid {holder.pid}.*still open"):
            store.force_unlock()
        removed = store.force_unlock(force=True)
        assert removed is not None and removed["pid"] == holder.pid
        with store.lock("apply"):
            pass
    finally:
        holder.kill()
        holder.wait()


# -- the lineage pin --------------------------------------------------------------------------


def test_the_pin_is_written_first_and_another_lineage_is_refused_until_adopted(
    pg_url: str, tmp_path: Path
) -> None:
    pin = default_pin_path(tmp_path)
    mine = PostgresState(pg_url, name="mine", pin=pin).save(State())
    assert pin.read_text().strip() == mine.lineage
    theirs = PostgresState(pg_url, name="theirs").save(State().with_resource(TASK_A))
    wrong = PostgresState(pg_url, name="theirs", pin=pin)
    with pytest.raises(LineageMismatch, match="another workspace's state") as caught:
        wrong.load()
    assert "omicform state adopt" in caught.value.hint
    with pytest.raises(LineageMismatch, match="is not in state 'nobody'"):
        PostgresState(pg_url, name="nobody", pin=pin).load()
    assert wrong.adopt(wrong.load(check_pin=False)) == mine.lineage
    assert wrong.load() == theirs


# -- moving state -----------------------------------------------------------------------------


def test_push_and_pull_keep_lineage_and_serial(pg_url: str, tmp_path: Path) -> None:
    pin = default_pin_path(tmp_path)
    local = StateStore(tmp_path / "omicform.state.json", pin=pin)
    state = local.record(local.save(State()), TASK_A)  # a journal not yet folded in
    local.close()
    shared = PostgresState(pg_url, pin=pin)
    assert push(local, shared) == state
    assert shared.load() == state
    shared.record(state, TASK_B)
    back = StateStore(tmp_path / "back.state.json", pin=pin)
    pulled = pull(shared, back)
    assert back.load() == pulled and pulled.serial == state.serial + 1
    assert not back.has_journal()
    assert push(back, shared) == pulled  # already there: nothing written


def test_a_copy_that_would_lose_history_is_refused_unless_forced(
    pg_url: str, tmp_path: Path
) -> None:
    local = StateStore(tmp_path / "s.json")
    older = local.save(State())
    shared = PostgresState(pg_url)
    newer = shared.record(push(local, shared), TASK_A)
    with pytest.raises(StateBehind, match=f"serial {newer.serial}, newer than .* {older.serial}"):
        push(local, shared)
    diverged = local.record(older, TASK_B)
    with pytest.raises(StateBehind, match="diverged"):
        push(local, shared)
    other = StateStore(tmp_path / "other.json")
    other.save(State())
    with pytest.raises(LineageMismatch, match="different workspaces"):
        push(other, shared)
    with pytest.raises(LineageMismatch, match="different workspaces"):
        pull(shared, other)
    assert shared.load() == newer  # nothing was written
    assert push(local, shared, force=True) == diverged
    assert shared.load() == diverged


def test_a_copy_needs_a_source_and_both_locks(pg_url: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nothing to copy: .* does not exist"):
        push(StateStore(tmp_path / "missing.json"), PostgresState(pg_url))
    local = StateStore(tmp_path / "s.json")
    local.save(State())
    with StateLock(local.path, operation="apply"), pytest.raises(StateLocked):
        push(local, PostgresState(pg_url))
    with PostgresState(pg_url).lock("apply"), pytest.raises(StateLocked):
        push(local, PostgresState(pg_url))


def test_the_state_commands_move_state_and_never_print_the_password(
    pg_server: PgServer, pg_url: str, tmp_path: Path
) -> None:
    config = tmp_path / "omicform.yaml"
    config.write_text("omicform: 1\n")
    StateStore(tmp_path / "omicform.state.json", pin=default_pin_path(tmp_path)).save(
        State().with_resource(TASK_A)
    )
    runner = CliRunner(env={"OMICFORM_STATE_URL": pg_url})
    pushed = runner.invoke(push_command, ["-f", str(config), "--name", "cli"])
    assert pushed.exit_code == 0, pushed.output
    assert "serial 1 (1 object(s))" in pushed.output and "state 'cli' in postgresql://" in (
        pushed.output
    )
    pulled = runner.invoke(
        pull_command, ["-f", str(config), "--name", "cli", "--to", str(tmp_path / "p.json")]
    )
    assert pulled.exit_code == 0, pulled.output
    assert StateStore(tmp_path / "p.json").load().get(TASK_A.address) == TASK_A
    refused = runner.invoke(pull_command, ["-f", str(config), "--name", "nobody"])
    assert (
        refused.exit_code == 1 and "state 'nobody' in postgresql://omicform:***@" in refused.output
    )
    for output in (pushed.output, pulled.output, refused.output):
        assert_no_password(output, pg_server.password)


# -- no secret in any output ------------------------------------------------------------------


def assert_no_password(text: str, password: str) -> None:
    for form in (password, quote(password, safe=""), quote(password)):
        assert form not in text


def test_the_password_is_in_no_error_repr_or_description(pg_server: PgServer, pg_url: str) -> None:
    wrong = pg_server.url(pg_url.rsplit("/", 1)[1], password=pg_server.password + "-wrong")
    closed = wrong.replace(f":{pg_server.port}/", f":{free_port()}/")
    in_query = f"postgresql://omicform@127.0.0.1:{pg_server.port}/x?password={quote(pg_server.password + '-wrong', safe='')}"
    texts: list[str] = []
    for url in (wrong, closed, in_query):
        store = PostgresState(url, name="secret")
        texts += [repr(store), store.describe()]
        for attempt in (store.load, store.exists, lambda s=store: s.lock("apply").acquire()):
            with pytest.raises(StateDatabaseError) as caught:
                attempt()
            texts += [str(caught.value), repr(caught.value), caught.value.hint]
    good = PostgresState(pg_url, name="secret")
    with good.lock("apply"), pytest.raises(StateLocked) as locked:
        PostgresState(pg_url, name="secret").lock("apply").acquire()
    texts += [str(locked.value), repr(good), repr(good.lock("plan"))]
    assert "password authentication failed" in " ".join(texts)
    assert "postgresql://omicform:***@127.0.0.1" in " ".join(texts)
    for text in texts:
        assert_no_password(text, pg_server.password)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u:p%40ss@db:5432/x", "postgresql://u:***@db:5432/x"),
        (
            "postgresql://u@db/x?password=p&sslmode=require",
            "postgresql://u@db/x?password=***&sslmode=require",
        ),
        ("postgresql://db/x", "postgresql://db/x"),
        ("postgres://u:a:b@c@db/x", "postgres://u:***@db/x"),
    ],
)
def test_redacted_url(url: str, shown: str) -> None:
    assert redacted_url(url) == shown


# -- one protocol -----------------------------------------------------------------------------


def test_open_state_picks_the_backend_from_the_url(pg_url: str, tmp_path: Path) -> None:
    file_state = open_state(tmp_path / "s.json", pin=None)
    shared = open_state(pg_url, name="team", pin=tmp_path / "omicform.lineage")
    assert isinstance(file_state, StateStore) and isinstance(shared, PostgresState)
    assert shared.name == "team" and shared.pin == tmp_path / "omicform.lineage"
    assert isinstance(open_state(str(tmp_path / "s.json"), pin=None), StateStore)
    for backend in (file_state, shared):
        assert isinstance(backend, StateBackend)


def test_the_file_store_keeps_its_serial_when_written_whole(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "s.json")
    assert not store.exists() and not store.has_journal()
    state = store.record(State(), TASK_A)
    assert store.exists() and store.has_journal()
    written = store.write(state.with_resource(TASK_B))
    assert written.serial == state.serial and not store.has_journal()
    assert StateStore(tmp_path / "s.json").load() == written
    assert store.describe() == str(tmp_path / "s.json")
    assert isinstance(store.lock("apply"), StateLock)
    with store.lock("apply"):
        held = store.holder()
        assert held is not None and held["pid"] == os.getpid()
        with pytest.raises(HolderAlive):
            store.force_unlock()
    assert store.holder() is None and store.force_unlock() is None
    assert isinstance(StateDatabaseError("x"), OmicformError)
