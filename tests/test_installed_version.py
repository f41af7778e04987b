"""The versions a plan reads without importlib.metadata (issue #14, start-up) are the ones
importlib.metadata gives, and omicform's own is the one installed."""

from __future__ import annotations

import importlib.metadata
import sys
from pathlib import Path

import pytest

import omicform
from omicform.installed import beside_package, installed_version


@pytest.mark.parametrize(
    ("distribution", "package"),
    [("nmdc-schema", "nmdc_schema"), ("PyYAML", "yaml"), ("python-dateutil", "dateutil")],
)
def test_a_wheel_installed_version_is_read_beside_its_package(
    distribution: str, package: str
) -> None:
    assert beside_package(distribution, package) == importlib.metadata.version(distribution)
    assert installed_version(distribution, package) == importlib.metadata.version(distribution)


def fake_site(tmp_path: Path, *dist_infos: str) -> Path:
    site = tmp_path / "site"
    (site / "fakepkg").mkdir(parents=True)
    (site / "fakepkg" / "__init__.py").write_text("")
    for name in dist_infos:
        (site / name).mkdir()
    return site


def test_two_dist_info_folders_are_not_guessed_between(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = fake_site(tmp_path, "Fake_Pkg-1.0.dist-info", "fake_pkg-2.0.dist-info")
    monkeypatch.setattr(sys, "path", [str(site), *sys.path])
    assert beside_package("fake-pkg", "fakepkg") is None


def test_a_spelling_of_the_name_in_the_folder_is_normalised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = fake_site(tmp_path, "Fake.Pkg-3.1.post2.dist-info", "fake_pkg_other-9.dist-info")
    monkeypatch.setattr(sys, "path", [str(site), *sys.path])
    assert beside_package("fake-pkg", "fakepkg") == "3.1.post2"


def test_without_a_folder_beside_the_package_importlib_metadata_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = fake_site(tmp_path)
    monkeypatch.setattr(sys, "path", [str(site), *sys.path])
    assert beside_package("fake-pkg", "fakepkg") is None
    with pytest.raises(importlib.metadata.PackageNotFoundError):
        installed_version("fake-pkg", "fakepkg")
    assert beside_package("no-such-dist", "no_such_package_here") is None


def test_omicform_knows_its_version_as_installed() -> None:
    assert omicform.__version__ == importlib.metadata.version("omicform")
    assert "__version__" in omicform.__all__  # public, as it was
