"""NMDC facts are stated once (omicform.nmdc_facts) and hold for every class of the schema.

The typecode of a class whose id pattern is an alternation, `^(nmdc):(dgns|omprc)-...`, used
to be derived one way by the client and another by the sandbox: `validate` stood in
`nmdc:x-00-...` for a not-yet-minted NucleotideSequencing id and refused a valid document.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from omicform.checks.nmdc_metadata import placeholder_id
from omicform.cli import main
from omicform.nmdc_facts import schema_path, typecode_from_pattern, typecodes
from omicform.sandbox.nmdc.schema import nmdc_schema

STUDY = "nmdc:sty-11-28tm5d36"
SEQUENCING = {
    "type": "nmdc:NucleotideSequencing",
    "analyte_category": "metagenome",
    "associated_studies": [STUDY],
    "has_input": ["nmdc:bsm-11-abc"],
}
MASS_SPECTROMETRY = {
    "type": "nmdc:MassSpectrometry",
    "analyte_category": "metabolome",
    "associated_studies": [STUDY],
    "has_input": ["nmdc:procsm-11-abc"],
    "eluent_introduction_category": "liquid_chromatography",
    "has_mass_spectrometry_configuration": "nmdc:mscon-11-abc",
    "has_chromatography_configuration": "nmdc:chrcon-11-abc",
}


def _schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_path().read_text("utf-8"))
    return loaded


@pytest.mark.parametrize(
    ("pattern", "typecode"),
    [
        (r"^(nmdc):sty-([0-9][a-z]{0,6}[0-9])-([A-Za-z0-9]{1,})$", "sty"),
        (r"^(nmdc):(dgns|omprc)-([0-9][a-z]{0,6}[0-9])-([A-Za-z0-9]{1,})$", "dgns"),
        (r"^(nmdc):(dgms|omprc)-([0-9][a-z]{0,6}[0-9])-([A-Za-z0-9]{1,})$", "dgms"),
        (r"^(nmdc):(foo)-1-2$", "foo"),
        (r"^(nmdc):(foo|bar|baz)-1-2$", "foo"),
        (r"^NCBITaxon:\d+$", None),
        (r"^[a-zA-Z0-9][a-zA-Z0-9_\.]+:[a-zA-Z0-9_][a-zA-Z0-9_\-\/\.,]*$", None),
    ],
)
def test_a_typecode_is_the_first_choice_the_id_pattern_names(
    pattern: str, typecode: str | None
) -> None:
    assert typecode_from_pattern(pattern) == typecode


def test_every_class_with_an_nmdc_id_pattern_has_a_typecode_its_pattern_accepts() -> None:
    schema = _schema()
    found = typecodes(schema)
    assert found["nmdc:NucleotideSequencing"] == "dgns"
    assert found["nmdc:MassSpectrometry"] == "dgms"
    for name, definition in schema["$defs"].items():
        pattern = definition.get("properties", {}).get("id", {}).get("pattern", "")
        if not pattern.startswith("^(nmdc):"):
            assert f"nmdc:{name}" not in found
            continue
        minted = f"nmdc:{found[f'nmdc:{name}']}-11-abc123"
        versioned = minted + ".1"  # workflow executions' ids carry a version
        assert re.match(pattern, minted) or re.match(pattern, versioned), name


def test_client_and_sandbox_derive_the_same_typecodes() -> None:
    assert nmdc_schema().typecodes == typecodes(_schema())
    for schema_class, typecode in nmdc_schema().typecodes.items():
        stand_in = placeholder_id(schema_class, 0)
        assert stand_in is not None and stand_in.startswith(f"nmdc:{typecode}-"), schema_class


def _workspace(tmp_path: Path, ids: list[str], identifiers: str) -> Path:
    records = [{"id": ids[0], **SEQUENCING}, {"id": ids[1], **MASS_SPECTROMETRY}]
    (tmp_path / "doc.json").write_text(json.dumps({"data_generation_set": records}, indent=2))
    config = tmp_path / "omicform.yaml"
    config.write_text(f"omicform: 1\n{identifiers}metadata_submissions:\n  doc: doc.json\n")
    return config


@pytest.mark.parametrize(
    ("ids", "identifiers"),
    [
        pytest.param(
            ["${identifiers.seq[0]}", "${identifiers.ms[0]}"],
            "identifiers:\n"
            '  seq: {type: "nmdc:NucleotideSequencing", count: 1}\n'
            '  ms: {type: "nmdc:MassSpectrometry", count: 1}\n',
            id="minted",
        ),
        pytest.param(["nmdc:dgns-11-abc123", "nmdc:dgms-11-abc123"], "", id="literal"),
    ],
)
def test_validate_accepts_data_generation_whose_ids_are_minted_or_literal(
    tmp_path: Path, ids: list[str], identifiers: str
) -> None:
    config = _workspace(tmp_path, ids, identifiers)
    result = CliRunner().invoke(main, ["validate", "-f", str(config)])
    assert result.exit_code == 0, result.output + result.stderr


def test_validate_still_refuses_a_minted_id_of_the_wrong_class(tmp_path: Path) -> None:
    config = _workspace(
        tmp_path,
        ["${identifiers.seq[0]}", "${identifiers.seq[1]}"],
        'identifiers:\n  seq: {type: "nmdc:NucleotideSequencing", count: 2}\n',
    )
    result = CliRunner().invoke(main, ["validate", "-f", str(config)])
    assert result.exit_code == 1
    assert "data_generation_set" in result.stderr
