"""The strict YAML parser: YAML that refuses duplicate keys and remembers the line of every key.

Plain PyYAML keeps the last of two equal keys without a word; in a desired-state file that
would silently drop an object, so here it is an error naming both lines.

The file may also come from someone hostile (a pull request that CI plans), so what would
hang, exhaust memory or trick a terminal is refused up front with a plain error: aliases
that expand past a bound ("billion laughs"), nesting too deep for the parser, NUL and other
characters YAML forbids, bytes that are not UTF-8, and control characters in keys.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from omicform.desired.display import has_unsafe, shown
from omicform.desired.files import decode_utf8
from omicform.desired.yamlfile import LineMap
from omicform.errors import ConfigError

# Nodes that aliases may add beyond those written: generous for `<<: *defaults` merged into
# ten thousand entries, a million times short of a 600-byte alias bomb's expansion.
MAX_ALIAS_NODES = 1_000_000
MAX_DEPTH = 100  # levels of `[`/`{` nesting
MAX_KEY_CHARS = 1024  # PyYAML's own limit for plain keys; `? key` could otherwise be any size


class _TooDeep(Exception):
    """Flow collections nested past MAX_DEPTH (found after libyaml composed them)."""


class _StrictLoader(yaml.SafeLoader):
    path = "<string>"

    def fetch_flow_collection_start(self, TokenClass: Any) -> None:
        # PyYAML's scanner looks ahead over every open `[`/`{` for a possible key, which
        # is quadratic: 100,000 of them take seconds before recursion fails. Stop early.
        if self.flow_level >= MAX_DEPTH:
            raise ConfigError(
                f"nested more than {MAX_DEPTH} levels deep",
                file=self.path,
                line=self.line + 1,
                hint="A desired-state file needs a few levels of nesting.",
            )
        super().fetch_flow_collection_start(TokenClass)


STR_TAG = "tag:yaml.org,2002:str"


def _constructed(loader: _StrictLoader, node: yaml.Node) -> Any:
    """`construct_object`, without its machinery for the commonest node: text (a string's
    constructor gives its value as it is). A 10,000-entry file has 150,000 of them."""
    if node.tag == STR_TAG and node.__class__ is yaml.ScalarNode:
        return node.value
    return loader.construct_object(node, deep=True)


def _key_name(loader: _StrictLoader, key_node: yaml.Node) -> str:
    key = _constructed(loader, key_node)
    line = key_node.start_mark.line + 1
    if not isinstance(key, (str, int, float)) or isinstance(key, bool):
        raise ConfigError(
            f"keys must be plain strings, not {shown(key)}", file=loader.path, line=line
        )
    name = str(key)
    if has_unsafe(name):
        raise ConfigError(
            f"the key {shown(name)} holds a control or invisible character",
            file=loader.path,
            line=line,
            hint="Keys are names: remove the escape, line break, NUL or bidi character.",
        )
    if len(name) > MAX_KEY_CHARS:
        raise ConfigError(
            f"a key of {len(name):,} characters ({shown(name)}); keys are at most "
            f"{MAX_KEY_CHARS:,}",
            file=loader.path,
            line=line,
        )
    return name


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> LineMap:
    loader.flatten_mapping(node)
    result = LineMap()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        name = _key_name(loader, key_node)
        line = key_node.start_mark.line + 1
        if name in result:
            raise ConfigError(
                f"duplicate key (first on line {result.lines[name]})",
                file=loader.path,
                line=line,
                field=name,
                hint="Each key may appear once; merge the two entries or rename one.",
            )
        result[name] = _constructed(loader, value_node)
        result.lines[name] = line
    return result


def _construct_int(loader: _StrictLoader, node: yaml.ScalarNode) -> int:
    try:
        return int(yaml.constructor.SafeConstructor.construct_yaml_int(loader, node))
    except ValueError:  # Python refuses to convert more than 4,300 digits
        raise ConfigError(
            f"a number of {len(node.value):,} digits is too long",
            file=loader.path,
            line=node.start_mark.line + 1,
            hint="Put ids in quotes: they are text.",
        ) from None


# libyaml composes (scans, parses, keeps the marks) several times faster than PyYAML's
# Python parser; construction (duplicate keys, lines, key checks) is this module's either way.
_CLoader: Any = getattr(yaml, "CSafeLoader", None)


class _FastLoader(_CLoader or yaml.SafeLoader):  # type: ignore[misc]
    path = "<string>"


for _loader in (_StrictLoader, _FastLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _loader.add_constructor("tag:yaml.org,2002:int", _construct_int)


class _UseStrictParser(Exception):
    """libyaml refused the text, or passed what the strict parser refuses: let it say why."""


def _load_fast(text: str, path: str) -> Any:
    """The document through libyaml, or _UseStrictParser where only the Python parser's
    error names the problem as omicform always has (both refuse the same bad files)."""
    if _CLoader is None or yaml.reader.Reader.NON_PRINTABLE.search(text):
        raise _UseStrictParser
    loader = _FastLoader(text)
    loader.path = path
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _may_alias_or_nest(text):
            _check_aliases(node, path)
        return loader.construct_document(node)
    except (yaml.YAMLError, _TooDeep):
        raise _UseStrictParser from None
    finally:
        loader.dispose()


def parse(raw: bytes, path: Path) -> Any:
    """The document in `raw` (the bytes of `path`); errors name the file and line."""
    text = decode_utf8(raw, str(path))
    if "\x00" in text:  # PyYAML's reader refuses it while the loader is being made
        raise ConfigError(
            "not valid YAML: a NUL character",
            file=str(path),
            line=text.count("\n", 0, text.index("\x00")) + 1,
            hint="Remove it; YAML files are text without NUL or other control characters.",
        )
    try:
        return _load_fast(text, str(path))
    except _UseStrictParser:
        pass
    except RecursionError:
        raise _too_deep(str(path)) from None
    return _load_strict(text, path)


def _load_strict(text: str, path: Path) -> Any:
    try:
        loader = _StrictLoader(text)
    except yaml.reader.ReaderError as exc:
        raise _reader_error(exc, text, str(path)) from None
    loader.path = str(path)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _may_alias_or_nest(text):
            _check_aliases(node, str(path))
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise ConfigError(
            f"not valid YAML: {exc.problem}",
            file=str(path),
            line=mark.line + 1 if mark else None,
        ) from None
    except yaml.reader.ReaderError as exc:  # a character YAML forbids
        raise _reader_error(exc, text, str(path)) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"not valid YAML: {exc}", file=str(path)) from None
    except (RecursionError, _TooDeep):
        raise _too_deep(str(path)) from None
    finally:
        loader.dispose()


def _too_deep(file: str) -> ConfigError:
    return ConfigError(
        "nested too deeply to read",
        file=file,
        hint="A desired-state file needs a few levels of nesting; this one has hundreds.",
    )


def _reader_error(exc: yaml.reader.ReaderError, text: str, file: str) -> ConfigError:
    character = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
    return ConfigError(
        f"not valid YAML: the character {character!r} is not allowed",
        file=file,
        line=text.count("\n", 0, exc.position) + 1,
        hint="Remove it; YAML files are text without NUL or other control characters.",
    )


def _may_alias_or_nest(text: str) -> bool:
    """Whether `_check_aliases` can find anything: an alias needs a `*`, and flow nesting
    past MAX_DEPTH needs more opening brackets (a walk of a large file's graph is costly)."""
    return "*" in text or text.count("[") + text.count("{") > MAX_DEPTH


def _check_aliases(root: yaml.Node, file: str) -> None:
    """Refuses aliases whose expansion is too large, or that contain themselves.

    Counted on the composed graph, where an alias is the same node object as its anchor, so
    this takes time in proportion to the file, not to the expansion.
    """
    sizes: dict[int, int] = {}
    written: set[int] = set()
    visiting: set[int] = set()

    def size(node: yaml.Node, flow: int = 0) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        if getattr(node, "flow_style", False):
            flow += 1
            if flow > MAX_DEPTH:  # libyaml allows 1,000; the strict parser says where
                raise _TooDeep
        if id(node) in visiting:
            raise ConfigError(
                "an alias refers to the node that contains it",
                file=file,
                line=node.start_mark.line + 1,
            )
        visiting.add(id(node))
        written.add(id(node))
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child, flow) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k, flow) + size(v, flow) for k, v in node.value)
        visiting.discard(id(node))
        sizes[id(node)] = total
        if total - len(written) > MAX_ALIAS_NODES:
            raise ConfigError(
                f"aliases (*name) here expand to more than {MAX_ALIAS_NODES:,} values",
                file=file,
                line=node.start_mark.line + 1,
                hint="Write the values out, or use fewer levels of aliases.",
            )
        return total

    size(root)
