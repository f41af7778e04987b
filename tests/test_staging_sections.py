"""A staging collection is declared once, by its row (kinds/staging_rows.py): its path,
natural key and fields. These specs keep each row equal to the server's collection, as the
generated client (from the server's OpenAPI document) and the sandbox (which emulates the
server on its own, on purpose) each describe it."""

from __future__ import annotations

import attrs

from omicform.kinds.staging_rows import ROWS
from omicform.sandbox.nmdc.kinds import KINDS as SANDBOX
from omicform.services.nmdc_staging import CREATORS, GETTERS, LISTERS, UPDATERS

NOT_FIELDS = {"additional_properties"}


def test_every_row_has_the_generated_calls_of_its_collection() -> None:
    for row in ROWS:
        assert row.collection.path == f"/wf_file_staging/{row.name}"
        assert row.name in LISTERS and row.name in CREATORS, row.name
        assert row.collection.updatable == (row.name in UPDATERS), row.name
    assert set(LISTERS) | set(GETTERS) | set(CREATORS) | set(UPDATERS) == {r.name for r in ROWS}


def test_every_named_generated_call_and_model_exists() -> None:
    """The tables name the generated calls (imported on first use): each name resolves."""
    for table in (LISTERS, GETTERS, CREATORS, UPDATERS):
        for name, endpoint in table.items():
            assert callable(endpoint.call()), (name, endpoint)
            assert attrs.has(endpoint.answer()), (name, endpoint)
            assert endpoint.module.endswith(name.removesuffix("s")) or name in endpoint.module


def test_every_rows_fields_are_its_server_models_fields() -> None:
    for row in ROWS:
        model = CREATORS[row.name].answer()
        server = {f.name: f for f in attrs.fields(model) if f.name not in NOT_FIELDS}
        assert list(row.fields) == list(server), row.name
        required = {n for n, f in server.items() if f.default is attrs.NOTHING}
        assert {n for n, s in row.fields.items() if s.required} == required, row.name
        assert row.collection.key in required, row.name


def test_every_row_is_a_collection_of_the_sandbox_with_the_same_key_and_fields() -> None:
    assert [row.name for row in ROWS] == list(SANDBOX)
    for row in ROWS:
        stand_in = SANDBOX[row.name]
        assert row.collection.key == stand_in.key, row.name
        assert set(row.fields) == {f.name for f in stand_in.fields}, row.name
        assert stand_in.duplicate_status in row.collection.duplicate_statuses, row.name


def test_rows_refer_only_to_rows_above_them() -> None:
    seen: set[str] = set()
    for row in ROWS:
        assert {ref.kind for ref in row.refers_to} <= seen, row.name
        seen.add(row.name)
