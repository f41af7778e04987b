"""The file format knows no kind: the loader hands each top-level section to the kind of
that name (`load(section, ctx)`), keeps what it adds by section, and still names file, line
and field for every problem, duplicates across files included."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from omicform.desired.context import LoadContext
from omicform.desired.load import load_desired
from omicform.desired.model import Origin
from omicform.desired.yamlfile import LineMap
from omicform.engine.registry import KINDS
from omicform.errors import ConfigError


@dataclass(frozen=True)
class Study:
    name: str
    title: str
    origin: Origin

    @property
    def address(self) -> str:
        return f"studies.{self.name}"


class Studies:
    """A kind of its own, as CONTRIBUTING.md's second worked example has it."""

    name = "studies"

    def load(self, section: LineMap, ctx: LoadContext) -> None:
        def study(name: str, spec: Any, where: Origin) -> Study:
            title = spec.get("title") if isinstance(spec, LineMap) else None
            if not isinstance(title, str):
                line = spec.line_of("title") if isinstance(spec, LineMap) else where.line
                raise ConfigError(
                    "expected a title", file=where.file, line=line, field=f"studies.{name}.title"
                )
            return Study(name, title, where)

        ctx.each(section, study)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_new_kind_loads_its_own_section_with_no_change_to_the_loader(tmp_path: Path) -> None:
    path = write(
        tmp_path, "a.yaml", "omicform: 1\nstudies:\n  s1: {title: Soil}\n  s2: {title: Sea}\n"
    )
    desired = load_desired(path, [Studies()])
    assert [s.title for s in desired.of("studies")] == ["Soil", "Sea"]
    assert desired.addresses() == ["studies.s1", "studies.s2"]


def test_its_problems_name_file_line_and_field(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", "omicform: 1\nstudies:\n  s1:\n    title: 5\n")
    with pytest.raises(ConfigError) as caught:
        load_desired(path, [Studies()])
    assert (caught.value.file, caught.value.line, caught.value.field) == (
        str(path),
        4,
        "studies.s1.title",
    )


def test_an_address_declared_in_two_files_is_an_error_at_the_second(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "omicform: 1\nstudies:\n  s1: {title: Soil}\n")
    second = write(tmp_path, "b.yaml", "omicform: 1\n\nstudies:\n  s1: {title: Sea}\n")
    with pytest.raises(ConfigError) as caught:
        load_desired(tmp_path, [Studies()])
    assert (caught.value.file, caught.value.line, caught.value.field) == (
        str(second),
        4,
        "studies.s1",
    )
    assert "declared twice (first at" in caught.value.message


def test_a_section_no_kind_owns_is_unknown_and_the_hint_names_the_registrys_kinds(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "a.yaml", "omicform: 1\nstudies:\n  s1: {title: Soil}\n")
    with pytest.raises(ConfigError) as caught:
        load_desired(path, KINDS)
    assert (caught.value.line, caught.value.field) == (2, "studies")
    for kind in KINDS:
        assert kind.name in (caught.value.hint or "")
