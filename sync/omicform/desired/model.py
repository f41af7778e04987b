"""Records of the desired state, as loaded from the user's files (nothing remote here)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple


class Origin(NamedTuple):
    """Where something was declared, for error messages. A tuple: every entry and table row
    has one, and a tuple is made several times faster than a frozen dataclass."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Reference:
    """`${identifiers.NAME[INDEX]}`: the INDEX-th id minted for batch NAME."""

    batch: str
    index: int

    def __str__(self) -> str:
        return f"${{identifiers.{self.batch}[{self.index}]}}"


@dataclass(slots=True, init=False)
class DesiredObject:
    """One NMDC staging record, keyed by its natural key; `fields` are only the declared ones.

    A field value is plain data, or a `Reference` (possibly inside a string: then the value
    is a `Template`). Nothing changes one once the loader made it. Slots and not frozen: a
    100,000-sample file makes 100,000 of them, and a frozen dataclass is made seven times
    slower (2.1 against 0.3 microseconds on the project's machine).
    """

    kind: str  # its section: jgi_sequencing_projects, jgi_samples, globus_tasks
    key: str
    fields: Mapping[str, Any]
    origin: Origin
    field_lines: Mapping[str, int]
    # Where each field was written, when not in the entry's own file: a table row's
    # `defaults:` come from the YAML file, its cells from the table.
    field_origins: Mapping[str, Origin]
    # `ignore_changes`: fields sent on create, then never diffed nor sent by an update
    # (NMDC's staging pipeline writes them); the section's and the entry's, together.
    ignore: frozenset[str]
    # True when the loader saw that no field holds a reference: planning then skips the
    # resolving and the dependency search. False (the default) only costs that search.
    plain: bool
    address: str = field(init=False)  # made once: the planner looks it up several times

    # Written out rather than generated: the generated one calls a `__post_init__` for
    # `address`, a second Python call for each of 100,000 records.
    def __init__(
        self,
        kind: str,
        key: str,
        fields: Mapping[str, Any],
        origin: Origin,
        field_lines: Mapping[str, int] | None = None,
        field_origins: Mapping[str, Origin] | None = None,
        ignore: frozenset[str] = frozenset(),
        plain: bool = False,
    ) -> None:
        self.kind = kind
        self.key = key
        self.fields = fields
        self.origin = origin
        self.field_lines = {} if field_lines is None else field_lines
        self.field_origins = {} if field_origins is None else field_origins
        self.ignore = ignore
        self.plain = plain
        self.address = f"{kind}.{key}"

    def origin_of(self, name: str) -> Origin:
        """Where field `name` was written (the entry itself when it was not)."""
        where = self.field_origins.get(name)
        if where is not None:
            return where
        return Origin(self.origin.file, self.field_lines.get(name, self.origin.line))

    def references(self) -> Iterator[tuple[Reference, Origin, str]]:
        """Every `${identifiers...}` reference in its fields: where, and in which field."""
        if self.plain:
            return
        for name, value in self.fields.items():
            if isinstance(value, Reference):
                yield value, self.origin_of(name), f"{self.address}.{name}"
            elif isinstance(value, Template):
                for ref in value.references:
                    yield ref, self.origin_of(name), f"{self.address}.{name}"


@dataclass(frozen=True)
class Template:
    """A string with `${identifiers.NAME[i]}` placeholders inside it."""

    parts: tuple[str | Reference, ...]

    @property
    def references(self) -> tuple[Reference, ...]:
        return tuple(p for p in self.parts if isinstance(p, Reference))

    def __str__(self) -> str:
        return "".join(str(p) for p in self.parts)


@dataclass(frozen=True)
class Move:
    """`moved: [{from: OLD, to: NEW}]`: state's record of OLD is NEW's from now on."""

    source: str
    target: str
    origin: Origin


@dataclass(frozen=True)
class NmdcServiceConfig:
    """`services.nmdc`: where NMDC is, and the environment variables its credentials are in."""

    url: str | None = None
    client_id_env: str = "NMDC_CLIENT_ID"
    client_secret_env: str = "NMDC_CLIENT_SECRET"
    username_env: str = "NMDC_USERNAME"
    password_env: str = "NMDC_PASSWORD"
    rate_limit: float | None = None


@dataclass(frozen=True)
class NemoServiceConfig:
    """`services.nemo`: where NeMO is, and the environment variables its credentials are in."""

    url: str | None = None
    login_url: str | None = None
    username_env: str = "NEMO_USERNAME"
    password_env: str = "NEMO_PASSWORD"
    rate_limit: float | None = 3.0


@dataclass(frozen=True)
class ServiceConfig:
    """`services:`: both services' settings as the file gives them."""

    nmdc: NmdcServiceConfig = field(default_factory=NmdcServiceConfig)
    nemo: NemoServiceConfig = field(default_factory=NemoServiceConfig)


@dataclass(frozen=True)
class StateSettings:
    """`state:`: a PostgreSQL state, its URL read from `url_env` (it may hold a password)."""

    url_env: str = "OMICFORM_STATE_URL"
    name: str = "default"  # several configurations may share one database


@dataclass(frozen=True)
class DesiredState:
    """Everything the desired-state files declare, as loaded and checked."""

    files: tuple[Path, ...]
    services: ServiceConfig = field(default_factory=ServiceConfig)
    state: StateSettings | None = None  # None: the state file beside the config
    # Each kind's items, by its section (the kind's name), in file order; every kind the
    # loader was handed has an entry. A kind reads its own with `of(name)`.
    sections: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    moved: tuple[Move, ...] = ()  # addresses renamed in the file (`moved:`)

    @property
    def root(self) -> Path:
        """The folder the state file lives in by default."""
        first = self.files[0] if self.files else Path("omicform.yaml")
        return first.parent

    def of(self, section: str) -> tuple[Any, ...]:
        """The items declared under `section` (a kind's name), in file order."""
        return self.sections.get(section, ())

    def addresses(self) -> list[str]:
        return [item.address for items in self.sections.values() for item in items]
