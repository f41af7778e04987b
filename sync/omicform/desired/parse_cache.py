"""A cache of parsed YAML documents, keyed by the file's content hash and omicform version.

Parsing a 5 MB desired-state file takes seconds even with libyaml; a plan run again on the
same file reads the result back in a fraction of that. Entries live in the user's cache
folder (`$XDG_CACHE_HOME/omicform`, else `~/.cache/omicform`), never beside the config: a
pull request could commit a crafted entry there. An entry holds only what the strict
loader produced (plain values and `LineMap`s with their lines) as tagged JSON, so reading
one runs no code; it names the hash of the file it was made from, and a damaged or foreign
entry (another file's, renamed) is ignored. Only an entry that parsed without
error is stored, so every error is still the parser's. `OMICFORM_PARSE_CACHE=off` turns
it off. Small files are cached too: reading one back is cheaper than importing the parser
and PyYAML, which a plan run again on unchanged files then never does.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from omicform import __version__

_MAP, _LIST, _TIME, _DATE, _BYTES = "m", "l", "t", "d", "b"
_FOR, _VALUE = "for", "value"  # an entry: {"for": the file's sha256, "value": its document}


class _Unsupported(Exception):
    """A value the cache does not encode (sets, ordered pairs): such a file is not cached."""


def cache_folder() -> Path | None:
    if os.environ.get("OMICFORM_PARSE_CACHE", "").lower() in ("off", "0", "no", "false"):
        return None
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no HOME and no passwd entry (a bare container): no cache
            return None
    return Path(base) / "omicform" / f"yaml-{__version__}-{_code_stamp()}"


@functools.cache
def _code_stamp() -> str:
    """Changes whenever the parser's code does (an editable install keeps its version).
    Once per process: the loaded code does not change under it, and every file asks."""
    here = Path(__file__).parent
    stamps = [
        (here / name).stat().st_mtime_ns
        for name in ("yamlfile.py", "yaml_parser.py", "parse_cache.py")
    ]
    return hashlib.sha256(repr(stamps).encode()).hexdigest()[:12]


def cached(raw: bytes, parse: Callable[[], Any], make_map: Callable[[int], Any]) -> Any:
    """`parse()`'s result for a file of bytes `raw`, read from the cache when it is there.

    `make_map(line)` returns an empty LineMap (passed in: this module sits below yamlfile).
    """
    folder = cache_folder()
    if folder is None:
        return parse()
    digest = hashlib.sha256(raw).hexdigest()
    entry = folder / (digest + ".json")
    try:
        return _read(entry, digest, make_map)
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
        pass  # absent, unreadable, foreign or nested past the decoder's limit: parse
    value = parse()
    # A cache that cannot be written only costs time.
    with contextlib.suppress(OSError, _Unsupported, ValueError, RecursionError):
        document = {_FOR: digest, _VALUE: _encode(value)}
        _store(entry, json.dumps(document, separators=(",", ":")))
    return value


def _read(entry: Path, digest: str, make_map: Callable[[int], Any]) -> Any:
    """The entry's document, if it is an entry for the file of hash `digest`: one copied or
    renamed from another file's (or any other JSON) must not stand in for this file."""
    document = json.loads(entry.read_bytes())
    if not isinstance(document, dict) or document.get(_FOR) != digest:
        raise ValueError("not this file's entry")
    return _decode(document[_VALUE], make_map)


def _store(entry: Path, text: str) -> None:
    import tempfile  # only when an entry is written: a plan of cached files writes none

    entry.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=entry.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, entry)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, dict):
        lines = getattr(value, "lines", None)
        if lines is None:
            raise _Unsupported
        out: list[Any] = [_MAP, value.line]  # type: ignore[attr-defined]
        for key, item in value.items():
            out += [key, lines.get(key, 0), _encode(item)]
        return out
    if isinstance(value, list):
        return [_LIST, *(_encode(item) for item in value)]
    if isinstance(value, dt.datetime):
        return [_TIME, value.isoformat()]
    if isinstance(value, dt.date):
        return [_DATE, value.isoformat()]
    if isinstance(value, bytes):
        return [_BYTES, base64.b64encode(value).decode()]
    raise _Unsupported


def _decode(value: Any, make_map: Callable[[int], Any]) -> Any:
    if not isinstance(value, list):
        if isinstance(value, dict):  # `_encode` writes every mapping as a tagged list
            raise ValueError("not a cache entry")
        return value
    tag = value[0]
    if tag == _MAP:
        result = make_map(value[1])
        lines = result.lines
        for i in range(2, len(value), 3):
            key = value[i]
            result[key] = _decode(value[i + 2], make_map)
            lines[key] = value[i + 1]
        return result
    if tag == _LIST:
        return [_decode(item, make_map) for item in value[1:]]
    if tag == _TIME:
        return dt.datetime.fromisoformat(value[1])
    if tag == _DATE:
        return dt.date.fromisoformat(value[1])
    if tag == _BYTES:
        return base64.b64decode(value[1])
    raise ValueError("not a cache entry")
