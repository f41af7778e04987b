"""`--seed FILE`: example records loaded at start (YAML or JSON, see docs/sandbox.md).

Records go through the same validation as the API, so a seed cannot hold what the real
services would refuse. Seeding twice is harmless: a record whose key exists is skipped.
"""

from __future__ import annotations

import base64
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from omicform.sandbox.ids import nemo_id
from omicform.sandbox.nemo.ingest import STEPS, finish_step, new_submission, plan_failure
from omicform.sandbox.nemo.submissions import MANIFESTS, SUBMISSIONS
from omicform.sandbox.nmdc.fields import Invalid, stored_datetime, validate_object
from omicform.sandbox.nmdc.kinds import KINDS
from omicform.sandbox.nmdc.validation import METADATA_PREFIX
from omicform.sandbox.state import SandboxState


class SeedError(ValueError):
    """The seed file cannot be loaded; the message says where."""


def load_seed(path: Path, state: SandboxState) -> dict[str, int]:
    """Loads the file; returns how many records of each kind were added."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise SeedError(f"{path}: {exc}") from None
    if not isinstance(data, dict):
        raise SeedError(f"{path}: the seed must be a mapping with `nmdc:` and/or `nemo:`")
    added: dict[str, int] = {}
    nmdc = data.get("nmdc") or {}
    for name, records in nmdc.items():
        if name == "metadata":
            added["metadata"] = _seed_metadata(path, records, state)
        elif name in KINDS:
            added[name] = _seed_staging(path, name, records, state)
        else:
            raise SeedError(f"{path}: nmdc.{name}: unknown kind (use {', '.join(KINDS)}, metadata)")
    nemo = data.get("nemo") or {}
    submissions = nemo.get("submissions") or []
    if submissions:
        added["submissions"] = sum(
            _seed_submission(path, i, s, state) for i, s in enumerate(submissions)
        )
    return added


def _seed_staging(path: Path, name: str, records: Any, state: SandboxState) -> int:
    kind = KINDS[name]
    count = 0
    for index, record in enumerate(records or []):
        try:
            values = validate_object(record, kind.fields, ())
        except Invalid as exc:
            problems = "; ".join(f"{'.'.join(map(str, i['loc']))}: {i['msg']}" for i in exc.issues)
            raise SeedError(f"{path}: nmdc.{name}[{index}]: {problems}") from None
        stored = {
            k: stored_datetime(v) if isinstance(v, datetime) else v for k, v in values.items()
        }
        count += state.store.insert(kind.collection, str(values[kind.key]), stored)
    return count


def _seed_metadata(path: Path, collections: Any, state: SandboxState) -> int:
    if not isinstance(collections, dict):
        raise SeedError(f"{path}: nmdc.metadata must map collection names to documents")
    count = 0
    for name, docs in collections.items():
        for doc in docs or []:
            if not isinstance(doc, dict) or not isinstance(doc.get("id"), str):
                raise SeedError(f"{path}: nmdc.metadata.{name}: every document needs an id")
            count += state.store.insert(METADATA_PREFIX + name, doc["id"], doc)
    return count


def _seed_submission(path: Path, index: int, spec: Any, state: SandboxState) -> int:
    where = f"{path}: nemo.submissions[{index}]"
    if not isinstance(spec, dict):
        raise SeedError(f"{where}: must be a mapping")
    users = {u.username: u for u in state.options.nemo_users}
    submitter = spec.get("submitter", state.options.nemo_username)
    if submitter not in users:
        raise SeedError(f"{where}: unknown submitter {submitter!r}")
    created = state.clock.time()
    if "creation" in spec:
        created = datetime.fromisoformat(str(spec["creation"]).replace("Z", "+00:00")).timestamp()
    sub_id = str(spec.get("id") or nemo_id())
    if state.store.has(SUBMISSIONS, sub_id):
        return 0
    manifest = str(spec.get("manifest", "")).encode()
    sub = new_submission(
        sub_id,
        submitter,
        users[submitter].group,
        created,
        str(spec.get("manifest_name", "seed_manifest.tsv")),
        None,
    )
    sub["validation"] = {
        "ok": True,
        "msg": "Manifest validated successfully.",
        "policy": spec.get("policy", "open"),
    }
    if spec.get("fail_at"):
        try:
            plan_failure(sub, str(spec["fail_at"]), spec.get("msg"))
        except ValueError as exc:
            raise SeedError(f"{where}: {exc}") from None
    finished = spec.get("steps", len(STEPS))
    if not isinstance(finished, int) or not 0 <= finished <= len(STEPS):
        raise SeedError(f"{where}: steps must be a number of finished steps, 0 to 6")
    for _ in range(finished):
        finish_step(sub, sub["last_epoch"])
    # Unfinished steps run on the clock from now, not from a creation date in the past.
    sub["last_epoch"] = max(sub["last_epoch"], state.clock.time())
    state.store.put(MANIFESTS, sub_id, {"data": base64.b64encode(manifest).decode("ascii")})
    state.store.put(SUBMISSIONS, sub_id, sub)
    return 1
