"""The public Python API is what `omicform.__all__` names, and importing omicform stays cheap:
each name is imported on first use, so `omicform --version` pays for none of them."""

from __future__ import annotations

import subprocess
import sys

import pytest

import omicform


@pytest.mark.parametrize("name", omicform.__all__)
def test_every_public_name_resolves_from_the_package(name: str) -> None:
    value = getattr(omicform, name)
    assert value is not None
    assert name in dir(omicform)


def test_errors_are_omicform_errors_and_unknown_names_are_attribute_errors() -> None:
    for name in omicform.__all__:
        value = getattr(omicform, name)
        if isinstance(value, type) and issubclass(value, Exception):
            assert issubclass(value, omicform.OmicformError), name
    with pytest.raises(AttributeError, match="no_such_name"):
        omicform.no_such_name  # noqa: B018


def test_importing_omicform_or_asking_its_version_imports_nothing_heavy() -> None:
    heavy = ["omicform.engine", "omicform.sandbox", "omicform.services", "httpx", "jsonschema"]
    probe = (
        "import sys; from click.testing import CliRunner; from omicform.cli import main; "
        "result = CliRunner().invoke(main, ['--version']); assert result.exit_code == 0; "
        "print(result.output.strip()); "
        f"print([m for m in sys.modules if m.split('.')[0] in {heavy!r} or "
        f"any(m.startswith(h + '.') or m == h for h in {heavy!r})])"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out[0] == f"omicform, version {omicform.__version__}"
    assert out[1] == "[]"
