"""`omicform import` and `omicform dump`: adopting records made before omicform."""

from __future__ import annotations

import json
import sys
from pathlib import Path

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
from omicform.engine.registry import KINDS, kind_named
from omicform.errors import ConfigError
from omicform.kinds.base import AdoptContext


@click.command("import")
@click.argument("address")
@click.argument("remote_id", required=False)
@config_option
@state_option
@verbose_option
@handles_errors
def import_command(
    address: str, remote_id: str | None, config: Path, state_path: Path | str | None, verbose: int
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
    with store.lock("import"), Connections(desired.services) as connections:
        state = store.load()
        found = kind_named(kind)
        if found is None:
            raise ConfigError(f"unknown kind {kind!r}", field=address)
        resource = found.adopt(key, remote_id, AdoptContext(desired, state, connections))
        store.save(state.with_resource(resource))
    console().print(f"Imported {address}.")


@click.command("dump")
@click.argument("kind", type=click.Choice(sorted(k.name for k in KINDS if k.dumpable)))
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
    found = kind_named(kind)
    assert found is not None  # click allowed only the dumpable kinds' names
    try:
        query = json.loads(filter_text) if filter_text else None
    except (ValueError, RecursionError) as exc:
        raise ConfigError(f"not JSON: {exc}", field="--filter") from None
    services = workspace(config, None).desired().services if config.exists() else None
    with Connections(services) as connections:
        records = found.dump(query, connections)
    document = {"omicform": 1, kind: records}
    sys.stdout.write(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
