"""The baseline: the official NMDC client (`nmdc-client`) doing the same work naively.

List everything, insert what is missing, patch what differs, one request at a time, with
the client's defaults (20 records a page). The declared samples come from the same files
omicform reads: the table with `csv`, inline YAML with `yaml.safe_load` (what a script
would write; PyYAML's C loader is used when present, which flatters the baseline).
"""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Any

import yaml
from nmdc_client.auth import NMDCAuth
from nmdc_client.data_staging import JGISampleSearchAPI, JGISequencingProjectAPI

SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def declared_samples(config: Path) -> dict[str, dict[str, Any]]:
    data = yaml.load(config.read_text(), Loader=SafeLoader)
    section = dict(data["jgi_samples"])
    table = section.pop("from", None)
    declared: dict[str, dict[str, Any]] = {}
    if table is not None:
        with open(config.parent / table, newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                declared[row["jdp_file_id"]] = row
    for key, fields in section.items():
        declared[str(key)] = {"jdp_file_id": str(key), **fields}
    return declared


def _differs(want: dict[str, Any], have: dict[str, Any]) -> bool:
    return any(str(have.get(k)) != str(v) for k, v in want.items() if k != "create_date")


def official_sync(config: Path, env: dict[str, str], project: dict[str, Any]) -> dict[str, Any]:
    """Plans (and applies) the samples in `config`; returns seconds and requests."""
    started = time.perf_counter()
    url = env["NMDC_API_URL"]
    auth = NMDCAuth(env["NMDC_CLIENT_ID"], env["NMDC_CLIENT_SECRET"], api_base_url=url)
    projects = JGISequencingProjectAPI(auth=auth, api_base_url=url)
    samples = JGISampleSearchAPI(auth=auth, api_base_url=url)
    declared = declared_samples(config)
    existing_projects = projects.list_jgi_sequencing_projects(
        filter={"nmdc_study_id": project["nmdc_study_id"]},  # type: ignore[arg-type]
        all_pages=True,
    )
    if project["sequencing_project_name"] not in {
        p["sequencing_project_name"] for p in existing_projects
    }:
        projects.create_jgi_sequencing_project(project)
    remote = {
        s["jdp_file_id"]: s
        # Everything: with a filter, the client sends it wrongly from the second page on.
        for s in samples.list_jgi_samples(all_pages=True)
    }
    inserted = patched = 0
    for key, want in declared.items():
        record = {**want, "jdp_file_size": int(want["jdp_file_size"])}
        if key not in remote:
            samples.insert_jgi_sample(record)
            inserted += 1
        elif _differs(want, remote[key]):
            samples.update_jgi_sample(key, record)
            patched += 1
    return {
        "seconds": time.perf_counter() - started,
        "remote": len(remote),
        "inserted": inserted,
        "patched": patched,
    }
