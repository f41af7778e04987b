"""`omicform status` beyond state (`--history`, `--all`, NeMO's search filters) and the
guidance plan and status give where the next step is the user's (the upload and DONE at
`upload_complete`; an edited manifest after a failed step)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers import Peer, config, nemo, reply

from omicform.cli import main
from omicform.connections import Connections
from omicform.engine.executor import apply_plan
from omicform.engine.workspace import Workspace
from omicform.kinds.nemo_manifests.guidance import upload_guidance
from omicform.kinds.nemo_manifests.history import HistoryQuery, submissions
from omicform.kinds.nemo_manifests.intents import submission_data
from omicform.sandbox import Sandbox, run_sandbox
from omicform.sandbox.testing import NEMO_COLLEAGUE, manifest_tsv
from omicform.services.nemo import NemoService
from omicform.services.nemo_settings import NemoSettings
from omicform.services.settings import HttpSettings


@pytest.fixture()
def sandbox() -> Iterator[Sandbox]:
    with run_sandbox(validation_seconds=0, step_seconds=0, run_seconds=0) as running:
        yield running


def fast_nemo(env: dict[str, str]) -> NemoService:
    return NemoService(NemoSettings.from_env(env, http=HttpSettings(rate_limit=None)))


def status(folder: Path, env: dict[str, str], *args: str) -> Result:
    cfg = folder / "omicform.yaml"
    if not cfg.exists():
        cfg.write_text("omicform: 1\nservices:\n  nemo: {rate_limit: null}\n")
    return CliRunner().invoke(main, ["status", "-f", str(cfg), *args], env=env)


def test_history_lists_every_submission_of_250_in_nemos_order(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    content = manifest_tsv(1, prefix="h", first=0)
    with fast_nemo(sandbox.env) as service:
        made = [service.submit(content, "h_manifest.tsv") for _ in range(250)]
    result = status(tmp_path, sandbox.env, "--history", "--json")
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert listed["total"] == 250
    assert [s["id"] for s in listed["submissions"]] == made  # all three pages, in order
    counts = sandbox.admin.request_counts("nemo")
    assert counts[("nemo", "GET /submission")] == 3
    table = status(tmp_path, sandbox.env, "--history")
    assert table.exit_code == 0 and "250 of your submissions" in table.stdout
    assert made[0] in table.stdout and made[-1] in table.stdout


def test_all_adds_the_groups_submissions_and_filters_use_nemos_search(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    content = manifest_tsv(1, prefix="g", first=0)
    colleague = {**sandbox.env, "NEMO_USERNAME": NEMO_COLLEAGUE[0]}
    colleague["NEMO_PASSWORD"] = NEMO_COLLEAGUE[1]
    with fast_nemo(sandbox.env) as mine, fast_nemo(colleague) as theirs:
        own = [mine.submit(content, "g_manifest.tsv") for _ in range(2)]
        other = theirs.submit(content, "g_manifest.tsv")
    sandbox.admin.fail_submission(own[1], "manifest_validated", "Bad row.")

    def ids(*args: str) -> list[str]:
        result = status(tmp_path, sandbox.env, *args, "--json")
        assert result.exit_code == 0, result.output
        return [s["id"] for s in json.loads(result.stdout)["submissions"]]

    assert ids("--history") == own
    assert ids("--all") == [*own, other]
    assert ids("--submitter", "colleague") == [other]
    assert ids("--id", own[0][2:6]) == [own[0]]
    assert ids("--status", "error") == [own[1]]
    assert ids("--status", "complete", "--status", "in-progress") == [own[0], other]
    today = dt.date.today()
    assert ids("--since", (today + dt.timedelta(days=2)).isoformat()) == []
    assert ids("--until", (today + dt.timedelta(days=2)).isoformat()) == [*own, other]
    assert ids("--policy", "open") == [own[0], other]
    bad = status(tmp_path, sandbox.env, "--since", "2025-1-1")
    assert bad.exit_code == 1 and "YYYY-MM-DD" in bad.output


def test_each_filter_is_the_search_documents_field() -> None:
    query = HistoryQuery(
        id="ab", submitter="al", since="2025-01-01", until="2025-02-01", policy="open",
        states=("error", "complete"),
    )  # fmt: skip
    peer = Peer()
    peer.on("POST", "/api/submission/search", reply(200, {"total": 0, "results": []}))
    service, _ = nemo(peer)
    assert list(submissions(service, query)) == []
    [sent] = [r for r in peer.seen if r.url.path == "/api/submission/search"]
    assert json.loads(sent.content) == {
        "id": "ab", "submitter": "al", "start-date": "2025-01-01", "end-date": "2025-02-01",
        "policy": "open", "status": ["error", "complete"],
    }  # fmt: skip
    assert query.search_body() == json.loads(sent.content)
    peer.on("GET", "/api/submission", reply(200, {"total": 0, "results": []}))
    assert list(submissions(service, HistoryQuery(include_group=True))) == []
    listed = [r for r in peer.seen if r.url.path == "/api/submission"]
    assert listed and listed[0].url.params.get("all") == "y"


def test_json_alone_is_a_usage_error(tmp_path: Path) -> None:
    result = status(tmp_path, {}, "--json")
    assert result.exit_code == 1 and "--history" in result.output


def _submitted(sandbox: Sandbox, tmp_path: Path) -> tuple[Workspace, str]:
    ws = Workspace(config=config(tmp_path, samples=0, tasks=0))
    with Connections(ws.desired().services, env=sandbox.env) as connections:
        desired, state, plan = ws.plan(connections)
        assert apply_plan(plan, state, ws.store(desired), connections).ok
    resource = ws.store().load().get("nemo_manifests.m0")
    assert resource is not None and resource.submission is not None
    return ws, str(resource.submission["id"])


def test_at_upload_complete_plan_and_status_say_what_to_upload_where(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    sandbox.admin.set_clock(step_seconds=3600.0, validation_seconds=0.0)
    ws, sid = _submitted(sandbox, tmp_path)
    with Connections(ws.desired().services, env=sandbox.env) as connections:
        _, _, plan = ws.plan(connections)
    change = plan.get("nemo_manifests.m0")
    assert change is not None and change.action == "wait"
    assert "is at step upload_complete" in change.reason
    for words in ("Aspera", f"folder named {sid}", "DONE", "0 days ago", "15 days", "30"):
        assert words in change.reason, change.reason
    shown = status(tmp_path, sandbox.env)
    assert shown.exit_code == 0, shown.output
    assert f"folder named {sid}" in shown.stdout and "DONE" in shown.stdout


def test_upload_guidance_counts_days_and_names_the_limits() -> None:
    made = "2025-01-01T10:00:00Z"
    at = dt.datetime(2025, 1, 17, 11, tzinfo=dt.timezone.utc)
    assert "made 16 days ago" in upload_guidance("abc1234", made, at)
    late = upload_guidance("abc1234", made, at + dt.timedelta(days=20))
    assert "past NeMO's 30-day limit" in late


def test_a_failed_step_says_an_edited_manifest_is_a_new_submission_not_apply_again(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    sandbox.admin.set_nemo_fail_step("qc_complete")
    ws, sid = _submitted(sandbox, tmp_path)
    sandbox.admin.advance_submission(sid, steps=3)
    with Connections(ws.desired().services, env=sandbox.env) as connections:
        _, _, plan = ws.plan(connections)
    change = plan.get("nemo_manifests.m0")
    assert change is not None and change.action == "blocked"
    assert "failed at qc_complete" in change.reason
    assert f"editing the manifest submits it anew (a new submission; {sid} stays" in change.reason
    assert "apply` again" not in change.reason
    shown = status(tmp_path, sandbox.env)
    assert "submits it anew" in shown.stdout


def test_status_needs_no_state_for_history(sandbox: Sandbox, tmp_path: Path) -> None:
    result = status(tmp_path, sandbox.env, "--history")
    assert result.exit_code == 0, result.output
    assert "0 of your submissions" in result.stdout


@pytest.mark.parametrize(
    ("creation", "utc"),
    [
        ("2025-03-01T10:00:00+02:00", "2025-03-01T08:00:00+00:00"),
        ("2025-03-01T10:00:00", "2025-03-01T10:00:00+00:00"),  # naive: UTC
        ("0001-01-01T00:00:00+01:00", "0001-01-01T00:00:00+00:00"),  # before year 1 in UTC
        ("9999-12-31T23:59:59-01:00", "9999-12-31T23:59:59.999999+00:00"),  # after 9999
    ],
)
def test_a_submissions_creation_is_read_in_utc_whatever_its_offset(creation: str, utc: str) -> None:
    wire = {"id": "abc", "submitter": "alice", "creation": creation, "complete": False}
    peer = Peer()
    peer.on("GET", "/api/submission/abc", reply(200, {**wire, "success": False, "steps": []}))
    service, _ = nemo(peer)
    assert submission_data(service.get_submission("abc"))["creation"] == utc
