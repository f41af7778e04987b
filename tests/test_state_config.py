"""The `state:` section names where a team's state lives, never the URL itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from omicform import Workspace
from omicform.cli import main
from omicform.errors import ConfigError


def write(folder: Path, state: str) -> Path:
    path = folder / "omicform.yaml"
    path.write_text(f"omicform: 1\nstate: {state}\n")
    return path


def test_a_url_in_the_file_is_refused_with_the_variable_to_use(tmp_path: Path) -> None:
    path = write(tmp_path, "{url: 'postgresql://u:p@h/db'}")
    result = CliRunner().invoke(main, ["validate", "-f", str(path)])
    assert result.exit_code == 1
    assert "omicform.yaml:2: state.url: unknown key" in result.output
    assert "url_env" in result.output and "postgresql://u:p" not in result.output


def test_a_missing_variable_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEAM_STATE", raising=False)
    path = write(tmp_path, "{url_env: TEAM_STATE, name: soil}")
    with pytest.raises(ConfigError, match="TEAM_STATE is not set"):
        Workspace(config=path).store()


def test_without_a_state_section_the_file_beside_the_config_is_used(tmp_path: Path) -> None:
    path = tmp_path / "omicform.yaml"
    path.write_text("omicform: 1\n")
    assert Workspace(config=path).store().describe().endswith("omicform.state.json")
