"""`--data DIR` keeps records across restarts, `--fresh` starts empty, `--seed` loads."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from omicform.sandbox import run_sandbox
from omicform.sandbox.seed import SeedError
from omicform.sandbox.testing import (
    bearer,
    manifest_tsv,
    nemo_jwt,
    nmdc_token,
    sample_record,
    task_record,
)

SEED = """
nmdc:
  jgi_sequencing_projects:
    - sequencing_project_name: seed-project
      sequencing_project_description: A seeded project
      jgi_proposal_id: "503568"
      nmdc_study_id: nmdc:sty-11-28tm5d36
  jgi_samples:
    - jdp_file_id: seed-file
      ap_gold_id: Ga0307276
      gold_study_id: Gs0135149
      its_ap_id: "1196479.0"
      sequencing_project_name: seed-project
      gold_biosample_id: Gb0191643
      gold_seq_id: "1196479"
      file_name: seed.tar.gz
      jdp_file_status: RESTORED
      globus_file_status: ACTIVE
      jdp_file_size: 42
      jgi_ap_id: "1196479"
      create_date: "2023-05-01T12:00:00Z"
  globus_tasks:
    - {task_id: seed-task, task_status: SUCCEEDED}
nemo:
  submissions:
    - {id: seed001, steps: 6, policy: open}
    - {id: seed002, steps: 2}
    - {id: seed003, fail_at: qc_complete, msg: Checksum mismatch}
"""


def _get(url: str, token: str, path: str, **params: str) -> httpx.Response:
    return httpx.get(url + path, headers=bearer(token), params=params)


def test_records_survive_a_restart(tmp_path: Path) -> None:
    with run_sandbox(data_dir=tmp_path, step_seconds=0, validation_seconds=0) as sandbox:
        token = nmdc_token(sandbox)
        with httpx.Client(base_url=sandbox.nmdc_url, headers=bearer(token)) as api:
            assert (
                api.post("/wf_file_staging/globus_tasks", json=task_record("keep")).status_code
                == 201
            )
            assert (
                api.post("/wf_file_staging/jgi_samples", json=sample_record("keep")).status_code
                == 201
            )
            first_page = api.get("/wf_file_staging/globus_tasks", params={"max_page_size": 0})
        jwt = nemo_jwt(sandbox)
        created = httpx.post(
            sandbox.nemo_url + "/submission",
            headers=bearer(jwt),
            files={"manifest": ("keep_manifest.tsv", manifest_tsv(1))},
        )
        sub_id = created.json()["id"]
    with run_sandbox(data_dir=tmp_path, step_seconds=0, validation_seconds=0) as sandbox:
        # Tokens from before the restart still work: the signing key is kept with the data.
        tasks = _get(sandbox.nmdc_url, token, "/wf_file_staging/globus_tasks", max_page_size="0")
        assert tasks.json() == first_page.json()
        samples = _get(sandbox.nmdc_url, token, "/wf_file_staging/jgi_samples").json()
        assert samples["resources"][0]["create_date"] == "2023-01-01T00:00:00"
        sub = _get(sandbox.nemo_url, jwt, f"/submission/{sub_id}").json()
        assert sub["steps"][0]["msg"] == "Manifest validated successfully."


def test_fresh_starts_empty(tmp_path: Path) -> None:
    with run_sandbox(data_dir=tmp_path) as sandbox:
        token = nmdc_token(sandbox)
        httpx.post(
            sandbox.nmdc_url + "/wf_file_staging/globus_tasks",
            json=task_record("gone"),
            headers=bearer(token),
        )
    with run_sandbox(data_dir=tmp_path, fresh=True) as sandbox:
        listed = _get(sandbox.nmdc_url, nmdc_token(sandbox), "/wf_file_staging/globus_tasks")
        assert listed.json() == {"resources": []}


def test_without_data_nothing_is_kept() -> None:
    with run_sandbox() as sandbox:
        token = nmdc_token(sandbox)
        httpx.post(
            sandbox.nmdc_url + "/wf_file_staging/globus_tasks",
            json=task_record("mem"),
            headers=bearer(token),
        )
    with run_sandbox() as sandbox:
        listed = _get(sandbox.nmdc_url, nmdc_token(sandbox), "/wf_file_staging/globus_tasks")
        assert listed.json() == {"resources": []}


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_seed_loads_records_of_every_kind(tmp_path: Path, fmt: str) -> None:
    import yaml

    seed = tmp_path / f"seed.{fmt}"
    data = yaml.safe_load(SEED)
    seed.write_text(SEED if fmt == "yaml" else json.dumps(data))
    with run_sandbox(seed=seed, step_seconds=3600) as sandbox:
        token = nmdc_token(sandbox)
        url = sandbox.nmdc_url
        project = _get(url, token, "/wf_file_staging/jgi_sequencing_projects/seed-project")
        assert project.json()["sequencing_project_description"] == "A seeded project"
        samples = _get(url, token, "/wf_file_staging/jgi_samples").json()["resources"]
        assert samples[0]["create_date"] == "2023-05-01T12:00:00"
        task = _get(url, token, "/wf_file_staging/globus_tasks/seed-task").json()
        assert task == {"task_id": "seed-task", "task_status": "SUCCEEDED"}
        jwt = nemo_jwt(sandbox)
        done = _get(sandbox.nemo_url, jwt, "/submission/seed001").json()
        assert done["complete"] and done["success"] and len(done["steps"]) == 6
        going = _get(sandbox.nemo_url, jwt, "/submission/seed002").json()
        assert not going["complete"] and len(going["steps"]) == 2
        failed = _get(sandbox.nemo_url, jwt, "/submission/seed003").json()
        assert failed["complete"] and not failed["success"]
        assert failed["steps"][-1] == {
            "name": "qc_complete",
            "success": False,
            "date": failed["steps"][-1]["date"],
            "msg": "Checksum mismatch",
        }


def test_seeding_twice_into_kept_data_adds_nothing(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text(SEED)
    data = tmp_path / "data"
    for _ in range(2):
        with run_sandbox(data_dir=data, seed=seed) as sandbox:
            listed = _get(sandbox.nmdc_url, nmdc_token(sandbox), "/wf_file_staging/globus_tasks")
            assert len(listed.json()["resources"]) == 1


def test_a_bad_seed_says_where(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text("nmdc:\n  globus_tasks:\n    - {task_id: 5}\n")
    expected = r"nmdc.globus_tasks\[0\]: task_id: Input should be"
    with pytest.raises(SeedError, match=expected), run_sandbox(seed=seed):
        pass
