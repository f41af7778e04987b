"""`omicform state list|show|forget|mv`: look at and edit the state by hand."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from omicform.cli.common import F, config_option, console, handles_errors, state_option, workspace
from omicform.cli.state_transfer import pull_command, push_command
from omicform.desired.moved import check_move
from omicform.engine.moves import renamed
from omicform.errors import ConfigError
from omicform.state.backends import StateBackend


def _store(state_path: Path | str | None, config: Path) -> StateBackend:
    return workspace(config, state_path).store()


def _state_option(func: F) -> F:
    return config_option(state_option(func))


@click.group("state")
def state_group() -> None:
    """Inspect or edit the state file.

    \b
    Examples:
      omicform state list
      omicform state show jgi_samples.6011bc6e117e5d4b9d2b2073
      omicform state forget nemo_manifests.old_run
      omicform state mv identifiers.reads identifiers.sequencing_reads
      omicform state adopt --state restored.state.json
    """


@state_group.command("list")
@_state_option
@handles_errors
def state_list(state_path: Path | str | None, config: Path) -> None:
    """List the addresses in state.

    \b
    Example:
      omicform state list -f omicform.yaml
    """
    for address in sorted(_store(state_path, config).load().resources):
        click.echo(address)


@state_group.command("show")
@click.argument("address")
@_state_option
@handles_errors
def state_show(address: str, state_path: Path | str | None, config: Path) -> None:
    """Show one address's state as JSON.

    \b
    Example:
      omicform state show identifiers.reads
    """
    resource = _store(state_path, config).load().get(address)
    if resource is None:
        raise ConfigError(f"{address} is not in state", hint="`omicform state list` shows what is.")
    sys.stdout.write(json.dumps(resource.to_json(), indent=2) + "\n")


@state_group.command("forget")
@click.argument("address")
@_state_option
@handles_errors
def state_forget(address: str, state_path: Path | str | None, config: Path) -> None:
    """Drop ADDRESS from state; nothing remote changes.

    \b
    Example:
      omicform state forget nemo_manifests.old_run
    """
    store = _store(state_path, config)
    with store.lock("state forget"):
        state = store.load()
        if state.get(address) is None:
            raise ConfigError(
                f"{address} is not in state", hint="`omicform state list` shows what is."
            )
        store.save(state.without(address))
    console().print(f"Forgot {address}; the remote object is untouched.")


@state_group.command("mv")
@click.argument("source", metavar="OLD")
@click.argument("target", metavar="NEW")
@_state_option
@handles_errors
def state_mv(source: str, target: str, state_path: Path | str | None, config: Path) -> None:
    """Record OLD under the address NEW (after renaming it in the file); nothing remote
    changes, and nothing is minted or submitted again. `moved:` in the file does the same
    at the next apply.

    \b
    Example:
      omicform state mv identifiers.reads identifiers.sequencing_reads
    """
    check_move(source, target, field="state mv")
    store = _store(state_path, config)
    with store.lock("state mv"):
        state = store.load()
        old = state.get(source)
        if old is None:
            raise ConfigError(
                f"{source} is not in state", hint="`omicform state list` shows what is."
            )
        if state.get(target) is not None:
            raise ConfigError(
                f"{target} is in state already",
                hint=f"`omicform state forget {target}` first, if it is the stale one.",
            )
        store.save(state.without(source).with_resource(renamed(old, target)))
    console().print(f"Moved {source} to {target}; nothing remote changed.")


@state_group.command("adopt")
@_state_option
@handles_errors
def state_adopt(state_path: Path | str | None, config: Path) -> None:
    """Make this state file the one this config's state is (pins its lineage).

    omicform refuses a state file whose lineage differs from the one recorded beside the
    config (omicform.lineage), so another workspace's state is never applied by mistake.
    Run this only when the state file is deliberately the right one, such as a restored
    backup; commit omicform.lineage with it.

    \b
    Example:
      omicform state adopt --state restored.state.json
    """
    store = _store(state_path, config)
    with store.lock("state adopt"):
        if not store.exists():
            raise ConfigError(
                f"there is no state to adopt: {store.describe()} does not exist",
                hint="Pass --state PATH or URL.",
            )
        state = store.load(check_pin=False)
        before = store.adopt(state)
    if before is None or before == state.lineage:
        console().print(f"This config's state is lineage {state.lineage}.")
    else:
        console().print(
            f"This config's state is now lineage {state.lineage} (was {before}); "
            f"commit {store.pin} with the state."
        )


state_group.add_command(pull_command)
state_group.add_command(push_command)
