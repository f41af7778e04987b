"""The sandbox writes a listed page faster but not differently (issue #14).

A page of 2,000 samples is written without a call per field, its datetimes with one call
each, and its documents are read from SQLite in one parse; each must give exactly what the
general path gives (which the differential tests hold to the real nmdc-runtime).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from omicform.sandbox.nmdc.fields import documents_to_json, json_datetime, to_json
from omicform.sandbox.nmdc.query import project, projection
from omicform.sandbox.store import Store


def strftime_datetime(value: datetime) -> str:
    """The general path of `json_datetime`, as it was written before its shortcut."""
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}"
    offset = value.utcoffset()
    if offset is None:
        return text
    if offset == timedelta(0):
        return text + "Z"
    sign = "-" if offset < timedelta(0) else "+"
    minutes = int(abs(offset).total_seconds()) // 60
    return f"{text}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


DATETIMES = [
    datetime(2024, 3, 1, 12, 0, 0),
    datetime(2024, 3, 1, 12, 0, 0, 1000),
    datetime(2024, 3, 1, 12, 0, 0, 999999),
    datetime(1000, 1, 1),
    datetime(9999, 12, 31, 23, 59, 59),
    datetime(999, 1, 2, 3, 4, 5),  # the general path: strftime does not pad the year
    datetime(2024, 3, 1, tzinfo=timezone.utc),
    datetime(2024, 3, 1, 1, 2, 3, 4, tzinfo=timezone(timedelta(hours=-5, minutes=-30))),
]


@pytest.mark.parametrize("value", DATETIMES, ids=str)
def test_a_datetime_is_written_as_the_general_path_writes_it(value: datetime) -> None:
    assert json_datetime(value) == strftime_datetime(value)


DOCS: list[dict[str, Any]] = [
    {
        "jdp_file_id": "f1",
        "jdp_file_size": 12,
        "md5sum": None,
        "ratio": 0.5,
        "flag": True,
        "create_date": datetime(2024, 3, 1, 12, 0, 0, 5000),
        "nested": {"when": datetime(2024, 1, 1), "n": [1, {"d": datetime(2023, 1, 1)}]},
        "listed": [datetime(2022, 1, 1), "x", {"a": None}],
    },
    {"create_date": datetime(2024, 3, 1), "jdp_file_id": "f2"},
    {},
]


def test_documents_are_written_as_to_json_writes_each() -> None:
    assert documents_to_json(DOCS) == [to_json(doc) for doc in DOCS]
    assert [list(d) for d in documents_to_json(DOCS)] == [list(d) for d in DOCS]


@pytest.mark.parametrize(
    "fields",
    [["jdp_file_id"], ["create_date", "jdp_file_id", "nested", "missing"], ["listed", "md5sum"]],
)
def test_a_flat_projection_is_written_as_project_writes_it(fields: list[str]) -> None:
    wanted = projection(fields)
    expected = [project(doc, wanted, to_json) for doc in DOCS]
    found = documents_to_json(DOCS, wanted)
    assert [list(d.items()) for d in found] == [list(d.items()) for d in expected]


def test_a_scan_reads_every_document_as_a_get_does() -> None:
    store = Store()
    try:
        for index, doc in enumerate(DOCS):
            store.insert("c", f"k{index}", doc)
        store.insert("other", "k9", {"skip": 1})
        scanned = store.scan("c")
        assert [doc for _, doc in scanned] == [store.get("c", f"k{i}") for i in range(len(DOCS))]
        assert [seq for seq, _ in scanned] == sorted(seq for seq, _ in scanned)
        assert store.scan("c", after=scanned[-1][0]) == []
        assert store.scan("none") == []
    finally:
        store.close()
