"""`omicform validate --remote` for NeMO manifests: NeMO's own check, creating nothing.

A dry run (`POST /submission?dryrun=y`) has NeMO check a manifest and mail the result to
the submitter; it answers an id, but that id never appears in history, so it cannot be
polled: the verdict is in the mail. Only manifests a plan would submit are sent: a
manifest whose content state records as submitted is NeMO's already.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from omicform.connections import Connections
from omicform.errors import ConfigError, MissingCredentials, ServiceError
from omicform.kinds.base import LocalFiles
from omicform.kinds.nemo_manifests.declared import NemoManifest
from omicform.kinds.nemo_manifests.files import ManifestFile
from omicform.kinds.nemo_manifests.notification import (
    REFUSED,
    notification_of,
    refusal_hint,
    resolve,
)
from omicform.kinds.nemo_manifests.record import ManifestRecord
from omicform.state.model import State


@dataclass(frozen=True)
class DryRun:
    """A manifest NeMO would accept, with the id of its dry run."""

    address: str
    file: str
    dry_run_id: str


def would_submit(
    items: Sequence[NemoManifest], state: State, files: LocalFiles
) -> list[ManifestFile]:
    """The manifests a plan would (or, with an intent to settle, might) submit."""
    chosen = []
    for item in items:
        manifest = files.get(item.address, ManifestFile)
        record = ManifestRecord.from_state(state.get(item.address))
        submitted = record is not None and record.submission and not record.pending
        if submitted and record is not None and record.content_hash == manifest.content_hash:
            continue
        chosen.append(manifest)
    return chosen


def require_nemo_credentials(
    connections: Connections, manifests: Sequence[ManifestFile] = ()
) -> None:
    """Before any request: a dry run is a submission call, so it needs a NeMO login (and
    the credential of each manifest's notification)."""
    for manifest in manifests:
        item = manifest.item
        resolve(
            notification_of(item),
            connections.env,
            item.address,
        )
    if connections.nemo_settings().credentials is not None:
        return
    cfg = connections.config.nemo
    raise MissingCredentials(
        f"validate --remote needs NeMO credentials for its dry runs: "
        f"{cfg.username_env} and {cfg.password_env} are not set",
        field="NeMO credentials",
        hint=f"export {cfg.username_env} and {cfg.password_env} (your NeMO/Aspera login), "
        "or run `omicform validate` without --remote (offline checks only).",
    )


def dry_run(manifests: Sequence[ManifestFile], connections: Connections) -> list[DryRun]:
    """One dry run per manifest; a refusal names the manifest's file."""
    done = []
    for manifest in manifests:
        item = manifest.item
        planned = notification_of(item)
        # Sent too, so NeMO checks the webhook document as a submission would send it.
        note = resolve(planned, connections.env, item.address)
        try:
            dry_run_id = connections.nemo.submit(
                manifest.content, item.path.name, dry_run=True, notification=note
            )
        except ServiceError as exc:
            if exc.status is None or not 400 <= exc.status < 500:
                raise
            refused = exc.status == 422 and planned is not None
            raise ConfigError(
                REFUSED if refused else f"NeMO refused the dry run: {exc.message}",
                file=str(item.path),
                field=item.address,
                hint=refusal_hint(item.address, planned)
                if refused and planned is not None
                else "Nothing was created. Fix what NeMO names and validate again.",
            ) from None
        done.append(DryRun(item.address, str(item.path), dry_run_id))
    return done
