"""`omicform import` and `omicform dump`: adopting records made before omicform."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
import yaml

from omicform.cli.common import (
    config_option,
    console,
    handles_errors,
    setup_logging,
    state_option,
    verbose_option,
    workspace,
)
from omicform.connections import Connections
from omicform.desired.documents import read_manifest, read_metadata
from omicform.errors import ConfigError
from omicform.refresh.intents import submission_data
from omicform.services.nmdc import StagingKind
from omicform.state.lock import StateLock
from omicform.state.model import ResourceState, State

KINDS = {k.value: k for k in StagingKind}


@click.command("import")
@click.argument("address")
@click.argument("remote_id", required=False)
@config_option
@state_option
@verbose_option
@handles_errors
def import_command(
    address: str, remote_id: str | None, config: Path, state_path: Path | None, verbose: int
) -> None:
    """Adopt an existing remote object into state under ADDRESS.

    \b
    Examples:
      omicform import jgi_samples.6011bc6e117e5d4b9d2b2073
      omicform import nemo_manifests.mouse AbC1234      # a submission id
      omicform import identifiers.data_objects nmdc:dobj-11-abc,nmdc:dobj-11-def
    """
    setup_logging(verbose)
    kind, _, key = address.partition(".")
    if not key:
        raise ConfigError(f"not an address: {address}", hint="Addresses look like KIND.KEY.")
    ws = workspace(config, state_path)
    desired = ws.desired()
    store = ws.store(desired)
    with StateLock(store.path, operation="import"), Connections(desired.services) as connections:
        state = store.load()
        if kind in KINDS:
            resource = _import_record(KINDS[kind], key, address, desired.objects, connections)
        elif kind == "nemo_manifests":
            _refuse_claimed(state, address, remote_id)
            resource = _import_submission(address, key, remote_id, desired.manifests, connections)
        elif kind == "identifiers":
            resource = _import_ids(address, key, remote_id, desired.identifiers)
        elif kind == "metadata_submissions":
            item = next((m for m in desired.metadata if m.address == address), None)
            if item is None:
                raise ConfigError(f"{address} is not declared", field=address)
            document = read_metadata(item, desired, state.minted())
            resource = ResourceState(
                address,
                kind,
                key,
                content_hash=document.content_hash,
                run={"id": remote_id, "status": "COMPLETE"},
            )
        else:
            raise ConfigError(f"unknown kind {kind!r}", field=address)
        store.save(state.with_resource(resource))
    console().print(f"Imported {address}.")


def _import_record(
    kind: StagingKind, key: str, address: str, objects: Any, connections: Connections
) -> ResourceState:
    record = connections.nmdc.get_record(kind, key)
    if record is None:
        raise ConfigError(f"no {kind.value} with {kind.key} {key!r} on the server", field=address)
    declared = next((o for o in objects if o.address == address), None)
    fields = {k: v for k, v in record.items() if declared is None or k in declared.fields}
    return ResourceState(address, kind.value, key, fields=fields)


def _refuse_claimed(state: State, address: str, remote_id: str | None) -> None:
    """One submission belongs to one manifest: adopting it twice hides a manifest never sent."""
    for other in state.resources.values():
        if other.address != address and (other.submission or {}).get("id") == remote_id:
            raise ConfigError(
                f"submission {remote_id} is already recorded for {other.address}",
                field=address,
                hint="Name the submission this manifest made (`omicform status --history`).",
            )


def _import_submission(
    address: str, key: str, remote_id: str | None, manifests: Any, connections: Connections
) -> ResourceState:
    if not remote_id:
        raise ConfigError(
            "name the submission id: omicform import nemo_manifests.NAME ID", field=address
        )
    submission = connections.nemo.get_submission(remote_id)
    item = next((m for m in manifests if m.address == address), None)
    content_hash = read_manifest(item).content_hash if item is not None else None
    return ResourceState(
        address,
        "nemo_manifests",
        key,
        content_hash=content_hash,
        submission=submission_data(submission),
    )


def _import_ids(address: str, key: str, remote_id: str | None, batches: Any) -> ResourceState:
    if not remote_id:
        raise ConfigError("name the ids: omicform import identifiers.NAME ID1,ID2", field=address)
    batch = next((b for b in batches if b.address == address), None)
    if batch is None:
        raise ConfigError(f"{address} is not declared", field=address)
    ids = tuple(i.strip() for i in remote_id.split(",") if i.strip())
    return ResourceState(address, "identifiers", key, schema_class=batch.schema_class, minted=ids)


@click.command("dump")
@click.argument("kind", type=click.Choice(sorted(KINDS)))
@click.option(
    "--filter",
    "filter_text",
    default=None,
    help='A JSON filter, e.g. \'{"sequencing_project_name": "p1"}\'.',
)
@config_option
@verbose_option
@handles_errors
def dump_command(kind: str, filter_text: str | None, config: Path, verbose: int) -> None:
    """Write remote records of KIND as desired-state YAML (to adopt them).

    \b
    Example:
      omicform dump jgi_samples --filter '{"sequencing_project_name": "p1"}' > samples.yaml
    """
    setup_logging(verbose)
    staging = KINDS[kind]
    try:
        query = json.loads(filter_text) if filter_text else None
    except ValueError as exc:
        raise ConfigError(f"not JSON: {exc}", field="--filter") from None
    services = workspace(config, None).desired().services if config.exists() else None
    with Connections(services) as connections:
        records = {
            str(r[staging.key]): {k: v for k, v in r.items() if k != staging.key and v is not None}
            for r in connections.nmdc.list_records(staging, filter=query)
        }
    document = {"omicform": 1, kind: records}
    sys.stdout.write(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
