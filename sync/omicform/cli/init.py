"""`omicform init`: write a commented example desired-state file."""

from __future__ import annotations

from pathlib import Path

import click

from omicform.cli.common import console, handles_errors
from omicform.errors import ConfigError

EXAMPLE = """\
# omicform desired state. `omicform validate` checks it offline; `omicform plan` shows
# what would change; `omicform apply` makes it so. Keep this file in git.
omicform: 1

# Where the services are and which environment variables hold the credentials.
# Secrets never go in this file. NMDC_API_URL, NEMO_API_URL and NEMO_LOGIN_URL in the
# environment override the URLs (the sandbox prints them).
services:
  nmdc:
    client_id_env: NMDC_CLIENT_ID          # or username_env / password_env
    client_secret_env: NMDC_CLIENT_SECRET
  nemo:
    username_env: NEMO_USERNAME
    password_env: NEMO_PASSWORD
    rate_limit: 3                          # requests per second, as NeMO documents

# Ids minted once at apply and kept in state forever; refer to them as
# ${identifiers.NAME[INDEX]} in fields and metadata files.
identifiers:
  data_objects: {type: "nmdc:DataObject", count: 2}

# NMDC workflow file staging, keyed by natural key. Quote ids: YAML reads 0123 as a number.
jgi_sequencing_projects:
  my-project:
    sequencing_project_description: Soil metagenomes, 2024 campaign
    jgi_proposal_id: "503568"
    nmdc_study_id: "nmdc:sty-11-28tm5d36"

jgi_samples:
  # NMDC's staging pipeline keeps writing these after the create: sent on create, then
  # never compared nor sent back (their changes are shown as drift, not undone).
  ignore_changes: [jdp_file_status, globus_file_status, request_id, update_date]
  # Rows can also come from a table: {from: samples.tsv}
  "6011bc6e117e5d4b9d2b2073":
    sequencing_project_name: my-project
    ap_gold_id: Ga0307276
    gold_study_id: Gs0135149
    its_ap_id: "1196479.0"
    gold_biosample_id: Gb0191643
    gold_seq_id: "1196479"
    file_name: 52614.1.394702.GCACTAAC-CCAAGACT.filter-METAGENOME.fastq.gz
    jdp_file_status: RESTORED
    globus_file_status: PENDING
    jdp_file_size: 123456
    jgi_ap_id: "1196479"
    create_date: "2024-01-01T00:00:00Z"

globus_tasks:
  ignore_changes: [task_status]          # the pipeline moves it on after the create
  "5f8e2a3c-0000-11ee-be56-0242ac120002":
    task_status: ACTIVE

# nmdc:Database JSON files to submit (json:submit), validated at plan time.
# metadata_submissions:
#   study: metadata/study.json

# NeMO manifests (TSV, file name ending in manifest.tsv), checked locally at plan time.
# nemo_manifests:
#   mouse_snrnaseq: {file: manifests/mouse_manifest.tsv, strict: false}
"""


@click.command("init")
@click.argument(
    "path", required=False, type=click.Path(path_type=Path), default=Path("omicform.yaml")
)
@handles_errors
def init_command(path: Path) -> None:
    """Write a commented example desired-state file (never overwrites).

    \b
    Example:
      omicform init && omicform validate
    """
    if path.exists():
        raise ConfigError("the file exists already", file=str(path), hint="Name another path.")
    path.write_text(EXAMPLE, encoding="utf-8")
    console().print(f"Wrote {path}. Next: edit it, then `omicform validate` and `omicform plan`.")
