"""The staging sections of the file and the server's collections name the same natural key:
the loader (desired/fields.py) and the HTTP layer (services/nmdc_staging.py) each keep it,
since neither may import the other."""

from __future__ import annotations

from omicform.desired.fields import SECTIONS
from omicform.kinds.staging import ROWS
from omicform.services.nmdc import StagingKind


def test_every_collection_has_a_section_with_its_natural_key() -> None:
    assert {name: s.key for name, s in SECTIONS.items()} == {k.value: k.key for k in StagingKind}


def test_every_section_has_a_row_in_the_same_order() -> None:
    assert [row.name for row in ROWS] == list(SECTIONS)
