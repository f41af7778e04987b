"""`omicform validate --remote`: the checks the services themselves offer, creating nothing.

NMDC's `json:validate` for every metadata document (ids not minted yet are stood in for by
ids of the right shape), and a NeMO dry run for every manifest a plan would submit. Runs
only once the offline checks pass; NeMO credentials are checked before the first request.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from omicform.connections import Connections
from omicform.desired.documents import MetadataDocument
from omicform.desired.files import decode_utf8, read_user_file
from omicform.desired.model import DesiredState
from omicform.desired.problems import Problems
from omicform.desired.references import resolver
from omicform.engine.preflight import preflight
from omicform.engine.registry import kind_named
from omicform.engine.workspace import Workspace
from omicform.errors import ConfigError
from omicform.kinds.nemo_manifests.remote import dry_run, require_nemo_credentials, would_submit
from omicform.model.render import printable

_INDEX = re.compile(r" in /(?:[A-Za-z_]+/)?(\d+)(?:/|$)")


def remote_checks(ws: Workspace, desired: DesiredState, problems: Problems, out: Console) -> None:
    """Adds what the services find to `problems`; prints each dry run's id to `out`."""
    state = ws.store(desired).load()
    files = preflight(desired, state.minted())
    manifests = kind_named("nemo_manifests")
    items = manifests.declared(desired) if manifests is not None else ()
    to_send = would_submit(items, state, files)
    with Connections(desired.services) as connections:
        if to_send:
            require_nemo_credentials(connections, to_send)
        documents = files.of_type(MetadataDocument)
        for document in documents.values():
            _json_validate(document, _stand_ins(desired, state.minted()), connections, problems)
        if problems:
            return  # a dry run of a config NMDC refused is not worth a mail
        for done in dry_run(to_send, connections):
            out.print(
                Text.assemble(
                    (f"{printable(done.address)}: ", "bold"),
                    f"NeMO dry run {printable(done.dry_run_id)} accepted {done.file} for "
                    "checking. NeMO mails the result to you and keeps dry runs out of "
                    "history (the id cannot be looked up).",
                )
            )
        skipped = len(items) - len(to_send)
        if skipped:
            out.print(f"{skipped} manifest(s) already submitted as they are: no dry run.")


def _stand_ins(desired: DesiredState, minted: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Minted ids, and ids of the right shape for those not minted yet."""
    from omicform.checks.nmdc_metadata import placeholder_id

    batches = kind_named("identifiers")
    out: dict[str, list[str]] = {}
    for batch in batches.declared(desired) if batches is not None else ():
        have = list(minted.get(batch.name, ()))
        for i in range(len(have), batch.count):
            have.append(placeholder_id(batch.schema_class, i) or f"nmdc:x-00-placeholder{i}")
        out[batch.name] = have
    return out


def _json_validate(
    document: MetadataDocument,
    stand_ins: dict[str, list[str]],
    connections: Connections,
    problems: Problems,
) -> None:
    item = document.item
    resolved: Any = document.resolved
    if resolved is None:
        resolved = resolver(stand_ins)(document.template)
    outcome = connections.nmdc.validate_metadata(resolved)
    for collection, messages in outcome.errors.items():
        for message in messages:
            problems.add(
                ConfigError(
                    f"json:validate: {message}",
                    file=str(item.path),
                    line=_line(item.path, document, collection, message),
                    field=f"{item.address}: {collection}",
                )
            )


def _line(path: Path, document: MetadataDocument, collection: str, message: str) -> int:
    """Where the record the server names starts (its index in `... in /N/...`)."""
    from omicform.checks.nmdc_metadata import SchemaIssue, line_of

    found = _INDEX.search(message)
    issue = SchemaIssue(collection, int(found.group(1)) if found else None, message)
    text = decode_utf8(read_user_file(path), str(path))
    return line_of(text, document.template_json, issue)
