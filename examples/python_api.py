"""omicform from Python: desired state computed from records, planned and applied.

People compute their records in Python (a pandas script, a Dagster job). This example takes
such records (a list of dicts, as `DataFrame.to_dict("records")` gives) and the rest of the
config as a mapping, builds the desired state from them with `workspace_from_records` (the
same checks as omicform's files, a problem named by record index and field), then plans,
applies, and prints the summary. Run it twice: the second run changes nothing.

Against the sandbox (see docs/sandbox.md and docs/python-api.md): start it in one shell
with `omicform sandbox --step-seconds 0`, paste the `export` lines it prints in another, then::

    python examples/python_api.py --workdir /tmp/omicform-example
    python examples/python_api.py --workdir /tmp/omicform-example   # "No changes."

The services' URLs and credentials come from the environment (NMDC_API_URL,
NMDC_CLIENT_ID, NMDC_CLIENT_SECRET, NEMO_...), as for the command line. The work folder
keeps the config and the state file: keep it between runs, as you keep omicform.state.json.
Exit status: 0 when everything planned was applied (or nothing was to do), 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from omicform import (
    ApplyOptions,
    Connections,
    OmicformError,
    Workspace,
    apply_plan,
    workspace_from_records,
)

PROJECT = "soil-metagenomes-2024"


def sample_records() -> list[dict[str, Any]]:
    """What a pipeline computes: one record per sequencing file (here, made up)."""
    return [
        {
            "jdp_file_id": f"6011bc6e117e5d4b9d2b20{73 + n:02d}",
            "ap_gold_id": f"Ga030727{6 + n}",
            "gold_study_id": "Gs0135149",
            "its_ap_id": f"{1196479 + n}.0",
            "gold_biosample_id": f"Gb019164{3 + n}",
            "gold_seq_id": str(1196479 + n),
            "file_name": f"52614.1.39470{2 + n}.GCACTAAC-CCAAGACT.filter-METAGENOME.fastq.gz",
            "jdp_file_status": "RESTORED",
            "globus_file_status": "PENDING",
            "jdp_file_size": 1_000_000 + 7919 * n,
            "jgi_ap_id": str(1196479 + n),
            "create_date": f"2024-03-0{1 + n}T12:00:00Z",
        }
        for n in range(4)
    ]


def globus_task_records() -> list[dict[str, Any]]:
    return [
        {"task_id": "5f8e2a3c-6b4e-11ee-be56-0242ac120002", "task_status": "ACTIVE"},
        {"task_id": "6a1d9c20-6b4e-11ee-be56-0242ac120002", "task_status": "PENDING"},
    ]


def workspace(workdir: Path) -> Workspace:
    """The desired state: the config as a mapping, the samples as records. The work folder
    keeps what the loader reads (omicform.yaml, jgi_samples.records.tsv) and the state."""
    document = {
        "services": {
            "nmdc": {"client_id_env": "NMDC_CLIENT_ID", "client_secret_env": "NMDC_CLIENT_SECRET"}
        },
        "jgi_sequencing_projects": {
            PROJECT: {
                "sequencing_project_description": "Soil metagenomes from the 2024 campaign",
                "jgi_proposal_id": "503568",
                "nmdc_study_id": "nmdc:sty-11-28tm5d36",
            }
        },
        "jgi_samples": {"defaults": {"sequencing_project_name": PROJECT}},
    }
    tasks = globus_task_records()
    return workspace_from_records(
        workdir,
        document=document,
        tables={"jgi_samples": sample_records(), "globus_tasks": tasks},
    )


def run(workdir: Path) -> int:
    ws = workspace(workdir)
    desired = ws.desired()
    with Connections(desired.services) as connections:
        _, state, plan = ws.plan(connections, desired=desired)
        counts = plan.counts()
        print("Plan:", ", ".join(f"{n} {action}" for action, n in counts.items()) or "empty")
        if not plan.has_changes:
            print("No changes. The services match the records.")
            return 0
        for change in plan.changes:
            if change.changing:
                print(f"  {change.action.value:8} {change.address}")
        result = apply_plan(plan, state, ws.store(desired), connections, ApplyOptions())
    done = result.counts()
    print("Apply:", ", ".join(f"{n} {name}" for name, n in done.items()))
    if not result.complete:
        print("Apply incomplete: run it again, or see `omicform show`.", file=sys.stderr)
        return 1
    print("Apply complete!")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path("omicform-python-example"),
        help="Folder for the generated config and the state file (kept between runs).",
    )
    args = parser.parse_args(argv)
    try:
        return run(args.workdir)
    except OmicformError as exc:  # every error a user can meet: message and hint, no traceback
        print(f"Error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
