"""Helpers for code that tests against a sandbox: valid records, manifests and logins.

Everything here only builds data or calls the sandbox over HTTP, as any client would.
"""

from __future__ import annotations

import hashlib
from typing import Any

import httpx

from omicform.kinds.nemo_manifests.rules import HEADER
from omicform.sandbox.options import default_nemo_users, default_nmdc_principals
from omicform.sandbox.server import Sandbox

_principals = default_nmdc_principals("unused", "unused")
RESTRICTED_CLIENT = (_principals[1].name, _principals[1].secret)  # no allowances
NMDC_USER = (_principals[2].name, _principals[2].secret)  # password grant, staging only
NEMO_COLLEAGUE = (
    default_nemo_users("u", "p")[1].username,
    default_nemo_users("u", "p")[1].password,
)

_ROW = {
    "Program": "biccn",
    "Sub-program": "U19_zeng",
    "Lab": "zeng",
    "Species": "mouse",
    "Modality": "transcriptome",
    "Technique": "10x Chromium 3' v3 sequencing",
    "Subspecimen_type": "nuclei",
    "Data_type": "align",
    "File_type": "bam",
}


def manifest_tsv(
    rows: int = 1,
    *,
    access: str = "open",
    prefix: str = "S",
    first: int = 1,
    checksum: str | None = None,
) -> bytes:
    """A manifest NeMO's rules accept: `rows` BAM files, one sample each, numbered from
    `first`; `checksum` replaces every file's MD5 (to make a broken one)."""
    lines = ["\t".join(HEADER)]
    for index in range(first, first + rows):
        name = f"{prefix}{index}.bam"
        cells = dict(
            _ROW,
            File_name=name,
            Sample_ID=f"{prefix}{index}",
            Access=access,
            Checksum=checksum or hashlib.md5(name.encode()).hexdigest(),
        )
        lines.append("\t".join(cells.get(column, "") for column in HEADER))
    return ("\n".join(lines) + "\n").encode()


def project_record(name: str = "proj-1", **fields: Any) -> dict[str, Any]:
    record = {
        "sequencing_project_name": name,
        "sequencing_project_description": f"Sequencing project {name}",
        "jgi_proposal_id": "503568",
        "nmdc_study_id": "nmdc:sty-11-28tm5d36",
    }
    return {**record, **fields}


def sample_record(jdp_file_id: str = "f-1", **fields: Any) -> dict[str, Any]:
    record = {
        "jdp_file_id": jdp_file_id,
        "ap_gold_id": "Ga0307276",
        "gold_study_id": "Gs0135149",
        "its_ap_id": "1196479.0",
        "sequencing_project_name": "proj-1",
        "gold_biosample_id": "Gb0191643",
        "gold_seq_id": "1196479",
        "file_name": f"{jdp_file_id}.tar.gz",
        "jdp_file_status": "RESTORED",
        "globus_file_status": "ACTIVE",
        "jdp_file_size": 123456,
        "jgi_ap_id": "1196479",
        "create_date": "2023-01-01T00:00:00Z",
    }
    return {**record, **fields}


def task_record(task_id: str = "task-1", status: str = "ACTIVE") -> dict[str, Any]:
    return {"task_id": task_id, "task_status": status}


def study(study_id: str = "nmdc:sty-11-abc123") -> dict[str, Any]:
    """A minimal schema-valid nmdc:Study."""
    return {"id": study_id, "type": "nmdc:Study", "study_category": "research_study"}


def nmdc_token(sandbox: Sandbox, client: tuple[str, str] | None = None) -> str:
    client_id, secret = client or (sandbox.env["NMDC_CLIENT_ID"], sandbox.env["NMDC_CLIENT_SECRET"])
    response = httpx.post(
        sandbox.nmdc_url + "/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def nmdc_user_token(sandbox: Sandbox) -> str:
    username, password = NMDC_USER
    response = httpx.post(
        sandbox.nmdc_url + "/token",
        data={"grant_type": "password", "username": username, "password": password},
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def nemo_jwt(sandbox: Sandbox, user: tuple[str, str] | None = None) -> str:
    username, password = user or (sandbox.env["NEMO_USERNAME"], sandbox.env["NEMO_PASSWORD"])
    response = httpx.post(
        sandbox.nemo_login_url + "/v1/login", json={"username": username, "password": password}
    )
    response.raise_for_status()
    return str(response.json()["jwt"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
