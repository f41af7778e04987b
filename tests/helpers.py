"""Builders the test modules share: test modules import these, never each other.

- A scripted HTTP peer for the service layer (`Peer`, `reply`, `drop`, `refuse`) and the
  services wired to it (`nmdc`, `nemo`), with the secret they hold (`SECRET`).
- Every encoded form of a secret that must never be shown (`forms`), computed here
  independently of omicform's redaction.
- A desired state of every kind for round trips against the sandbox (`config`).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, quote_plus

import httpx

from omicform.kinds.nemo_manifests.rules import HEADER
from omicform.kinds.staging_rows import ROWS
from omicform.sandbox.testing import manifest_tsv
from omicform.services import (
    NemoCredentials,
    NemoService,
    NemoSettings,
    NmdcCredentials,
    NmdcService,
    NmdcSettings,
    Secret,
)
from omicform.services.retry import RetryPolicy
from omicform.services.settings import HttpSettings

# The service layer against a scripted peer (test_service_*.py, test_redaction.py).

SECRET = "s3cr3t-value-never-shown"
FAST = HttpSettings(retry=RetryPolicy(max_attempts=4, base_delay=0.0, jitter=False))

Handler = Callable[[httpx.Request], httpx.Response]


def fake_jwt(exp: float) -> str:
    def part(obj: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'HS256'})}.{part({'sub': 'x', 'exp': exp})}.sig"


class Peer:
    """A scripted server: routes by (method, path) and records every request it saw."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], list[Handler]] = {}
        self.seen: list[httpx.Request] = []
        self.tokens_issued = 0

    def on(self, method: str, path: str, *handlers: Handler) -> None:
        self.routes.setdefault((method, path), []).extend(handlers)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        if request.url.path == "/token":
            self.tokens_issued += 1
            return httpx.Response(
                200,
                json={
                    "access_token": f"tok{self.tokens_issued}",
                    "token_type": "bearer",
                    "expires": {"days": 1, "hours": 0, "minutes": 0},
                },
            )
        handlers = self.routes[(request.method, request.url.path)]
        handler = handlers.pop(0) if len(handlers) > 1 else handlers[0]
        return handler(request)

    def count(self, method: str, path: str) -> int:
        return sum(1 for r in self.seen if r.method == method and r.url.path == path)


def nmdc(peer: Peer, http: HttpSettings = FAST) -> NmdcService:
    creds = NmdcCredentials(client_id="site-client", client_secret=Secret(SECRET))
    settings = NmdcSettings(base_url="http://nmdc.test", credentials=creds, http=http)
    service = NmdcService(settings, transport=httpx.MockTransport(peer))
    service.transport.sleep = lambda seconds: None
    return service


def reply(status: int, body: object = None, **headers: str) -> Handler:
    return lambda request: httpx.Response(status, json=body, headers=headers)


def drop(request: httpx.Request) -> httpx.Response:
    raise httpx.RemoteProtocolError("Server disconnected without sending a response.")


def refuse(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused")


PROJECT = {
    "sequencing_project_name": "p1",
    "sequencing_project_description": "d",
    "jgi_proposal_id": "503568",
    "nmdc_study_id": "nmdc:sty-11-28tm5d36",
}


def nemo(peer: Peer, *, exp: float | None = None) -> tuple[NemoService, list[str]]:
    logins: list[str] = []
    expiry = time.time() + 86400 if exp is None else exp

    def login(request: httpx.Request) -> httpx.Response:
        token = fake_jwt(expiry)
        logins.append(token)
        return httpx.Response(200, json={"message": "Successful login.", "jwt": token})

    peer.on("POST", "/v1/login", login)
    settings = NemoSettings(
        base_url="http://nemo.test/api",
        login_url="http://login.nemo.test",
        credentials=NemoCredentials(username="alice", password=Secret(SECRET)),
        http=HttpSettings(rate_limit=None, retry=FAST.retry),
    )
    service = NemoService(settings, transport=httpx.MockTransport(peer))
    service.transport.sleep = lambda seconds: None
    return service, logins


# Redaction (test_redaction.py, test_no_secrets.py).


def forms(secret: str, login: str | None = None) -> list[str]:
    """Every form of `secret` that must never be shown, computed independently of omicform."""
    raw = secret.encode()
    out = [
        secret,
        quote(secret),
        quote(secret, safe=""),
        quote_plus(secret),
        str(httpx.QueryParams({"x": secret}))[2:],  # httpx's own query/form encoding
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        html.escape(secret),
    ]
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        out += [encode(raw).decode(), encode(raw).decode().rstrip("=")]
        if login is not None:
            basic = encode(f"{login}:{secret}".encode()).decode()
            out += [basic, basic.rstrip("=")]
    return out


# Round trips against the sandbox (test_reconcile_sandbox.py and the suites built on it).


def manifest(rows: int, tag: str) -> str:
    return manifest_tsv(rows, prefix=tag, first=0).decode()


def sample_yaml(key: str, project: str = "p1", status: str = "PENDING") -> str:
    return f"""\
  {key}:
    sequencing_project_name: {project}
    ap_gold_id: Ga0307276
    gold_study_id: Gs0135149
    its_ap_id: "1196479.0"
    gold_biosample_id: Gb0191643
    gold_seq_id: "1196479"
    file_name: {key}.fastq.gz
    jdp_file_status: RESTORED
    globus_file_status: {status}
    jdp_file_size: 1000
    jgi_ap_id: "1196479"
    create_date: "2024-03-01T12:00:00Z"
"""


def config(folder: Path, samples: int = 3, manifests: int = 1, tasks: int = 2) -> Path:
    for m in range(manifests):
        (folder / f"m{m}_manifest.tsv").write_text(manifest(3, f"m{m}s"))
    (folder / "objects.json").write_text(
        json.dumps(
            {
                "data_object_set": [
                    {
                        "id": f"${{identifiers.objs[{i}]}}",
                        "type": "nmdc:DataObject",
                        "name": f"object-{i}.fastq.gz",
                        "description": "sandbox round trip",
                        "data_category": "instrument_data",
                        "data_object_type": "Metagenome Raw Reads",
                    }
                    for i in range(2)
                ]
            }
        )
    )
    text = textwrap.dedent("""\
        omicform: 1
        identifiers:
          objs: {type: "nmdc:DataObject", count: 2}
        jgi_sequencing_projects:
          p1:
            sequencing_project_description: sandbox
            jgi_proposal_id: "503568"
            nmdc_study_id: "nmdc:sty-11-28tm5d36"
        metadata_submissions:
          objects: objects.json
        """)
    if tasks:
        text += "globus_tasks:\n" + "".join(
            f"  t{i}: {{task_status: ACTIVE}}\n" for i in range(tasks)
        )
    if samples:
        text += "jgi_samples:\n" + "".join(sample_yaml(f"f{i}") for i in range(samples))
    if manifests:
        text += "nemo_manifests:\n" + "".join(
            f"  m{m}: m{m}_manifest.tsv\n" for m in range(manifests)
        )
    path = folder / "omicform.yaml"
    path.write_text(text)
    return path


# The staging collections, as their rows declare them, for specs that call the service layer.
STAGING = {row.name: row.collection for row in ROWS}
STAGING_PROJECTS = STAGING["jgi_sequencing_projects"]
STAGING_SAMPLES = STAGING["jgi_samples"]
STAGING_TASKS = STAGING["globus_tasks"]
ALL_STAGING = tuple(STAGING.values())


# A manifest row NeMO's rules accept; tests change one cell at a time.
MANIFEST_BASE: dict[str, str] = {
    "Sample_ID": "S1",
    "Program": "biccn",
    "Sub-program": "U19_zeng",
    "Lab": "zeng",
    "Species": "mouse",
    "Modality": "transcriptome",
    "Technique": "10x Chromium 3' v3 sequencing",
    "Subspecimen_type": "nuclei",
    "Data_type": "align",
    "File_type": "bam",
    "Access": "open",
}


def manifest_row(name: str = "S1.bam", **values: str) -> list[str]:
    """One manifest row's cells; keyword names use "_" for "-" (Sub_program)."""
    cells = dict(MANIFEST_BASE, File_name=name, Checksum=hashlib.md5(name.encode()).hexdigest())
    cells.update(
        {key.replace("Sub_program", "Sub-program"): value for key, value in values.items()}
    )
    return [cells.get(column, "") for column in HEADER]
