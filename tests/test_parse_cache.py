"""The parse cache: the same document as a fresh parse, lines included; never trusted blindly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from omicform.desired.yamlfile import LineMap, load_yaml
from omicform.errors import ConfigError


def _big(path: Path, extra: str = "") -> Path:
    rows = [
        f'  "f{i:06d}":\n    size: {i}\n    name: "n{i}"\n    when: 2024-03-01' for i in range(3000)
    ]
    path.write_text("omicform: 1\nsamples:\n" + "\n".join(rows) + "\n" + extra)
    return path


def _same(a: Any, b: Any) -> None:
    assert type(a) is type(b)
    if isinstance(a, LineMap):
        assert (a.line, a.lines, list(a)) == (b.line, b.lines, list(b))
        for key in a:
            _same(a[key], b[key])
    else:
        assert a == b


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("OMICFORM_PARSE_CACHE", raising=False)
    return tmp_path / "cache"


def test_a_cached_document_equals_a_fresh_parse(tmp_path: Path, cache_home: Path) -> None:
    path = _big(tmp_path / "a.yaml")
    fresh = load_yaml(path)
    assert list(cache_home.rglob("*.json"))
    _same(fresh, load_yaml(path))
    assert load_yaml(path)["samples"].line_of("f000002") == 11


def test_a_damaged_entry_is_ignored(tmp_path: Path, cache_home: Path) -> None:
    path = _big(tmp_path / "a.yaml")
    fresh = load_yaml(path)
    for entry in cache_home.rglob("*.json"):
        entry.write_text('["m", 1, "samples", 2, ["x"]]')
    _same(fresh, load_yaml(path))


def test_another_files_entry_renamed_to_this_ones_is_ignored(
    tmp_path: Path, cache_home: Path
) -> None:
    other = tmp_path / "other.yaml"
    other.write_text("omicform: 1\nsamples:\n  z:\n    size: 9\n")
    load_yaml(other)
    (other_entry,) = cache_home.rglob("*.json")
    path = _big(tmp_path / "a.yaml")
    fresh = load_yaml(path)
    for entry in cache_home.rglob("*.json"):
        if entry != other_entry:
            entry.write_bytes(other_entry.read_bytes())
    _same(fresh, load_yaml(path))


@pytest.mark.parametrize(
    "text",
    [
        '{"omicform": 1, "samples": 5}',  # JSON, but no entry
        '"omicform: 1"',
        "[" * 100_000 + "]" * 100_000,  # nested past the JSON decoder's limit
        '{"for": "%s", "value": ' + '["l", ' * 5_000 + "1" + "]" * 5_000 + "}",  # past _decode's
        '{"for": "%s", "value": ["m", 1, "samples", 2, {"a": 1}]}',  # a mapping not tagged
    ],
)
def test_an_entry_that_is_not_one_is_ignored(tmp_path: Path, cache_home: Path, text: str) -> None:
    path = _big(tmp_path / "a.yaml")
    fresh = load_yaml(path)
    for entry in cache_home.rglob("*.json"):
        entry.write_text(text.replace("%s", entry.stem))
    _same(fresh, load_yaml(path))


def test_errors_are_never_cached_and_still_name_the_line(tmp_path: Path, cache_home: Path) -> None:
    path = _big(tmp_path / "a.yaml", extra='  "f000001":\n    size: 1\n')
    for _ in range(2):
        with pytest.raises(ConfigError) as caught:
            load_yaml(path)
        assert caught.value.line == 12003 and caught.value.field == "f000001"
    assert not list(cache_home.rglob("*.json"))


def test_a_small_file_is_cached_too_lines_included(tmp_path: Path, cache_home: Path) -> None:
    path = tmp_path / "small.yaml"
    path.write_text("omicform: 1\nsamples:\n  a:\n    size: 1\n")
    fresh = load_yaml(path)
    assert len(list(cache_home.rglob("*.json"))) == 1
    again = load_yaml(path)
    _same(fresh, again)
    assert again["samples"]["a"].line_of("size") == 4


def test_the_cache_can_be_turned_off(
    tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OMICFORM_PARSE_CACHE", "off")
    load_yaml(_big(tmp_path / "a.yaml"))
    assert not cache_home.exists()


def test_without_a_home_folder_files_are_parsed_every_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME")

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", no_home)
    path = tmp_path / "small.yaml"
    path.write_text("omicform: 1\n")
    assert load_yaml(path) == {"omicform": 1}
