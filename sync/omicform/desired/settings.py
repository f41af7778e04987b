"""The `services:` section: URLs, the names of credential variables, rate limits."""

from __future__ import annotations

import math
from typing import Any

from omicform.desired.model import NemoServiceConfig, NmdcServiceConfig, ServiceConfig
from omicform.desired.yamlfile import LineMap
from omicform.errors import ConfigError
from omicform.secret_names import SECRET_NAMES as SECRET_NAMES  # refused in services:


def load_services(section: LineMap, file: str) -> ServiceConfig:
    refuse_secrets(section, file, "services")
    unknown = set(section) - {"nmdc", "nemo"}
    if unknown:
        name = sorted(unknown)[0]
        raise ConfigError(
            "unknown service; expected nmdc or nemo",
            file=file,
            line=section.line_of(name),
            field=f"services.{name}",
        )
    nmdc = _options(section, "nmdc", file, NmdcServiceConfig())
    nemo = _options(section, "nemo", file, NemoServiceConfig())
    return ServiceConfig(nmdc=nmdc, nemo=nemo)


def refuse_secrets(node: Any, file: str, path: str) -> None:
    if not isinstance(node, LineMap):
        return
    for name, value in node.items():
        field = f"{path}.{name}"
        if name.lower() in SECRET_NAMES:
            raise ConfigError(
                "secrets are never read from files",
                file=file,
                line=node.line_of(name),
                field=field,
                hint=(
                    "Remove it, export the secret in an environment variable, and name "
                    f"that variable with `{name}_env: VARIABLE`."
                ),
            )
        refuse_secrets(value, file, field)


def _options(section: LineMap, name: str, file: str, default: Any) -> Any:
    spec = section.get(name)
    if spec is None:
        return default
    if not isinstance(spec, LineMap):
        raise ConfigError(
            "expected a mapping", file=file, line=section.line_of(name), field=f"services.{name}"
        )
    known = set(type(default).__dataclass_fields__)
    values: dict[str, Any] = {}
    for key, value in spec.items():
        field = f"services.{name}.{key}"
        line = spec.line_of(key)
        if key not in known:
            raise ConfigError(
                "unknown setting",
                file=file,
                line=line,
                field=field,
                hint="Known settings: " + ", ".join(sorted(known)) + ".",
            )
        values[key] = _setting(key, value, file, line, field)
    return type(default)(**values)


def _setting(key: str, value: Any, file: str, line: int, field: str) -> Any:
    if key == "rate_limit":
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not 0 < value < math.inf  # `.nan` would limit nothing; null is "no limit"
        ):
            raise ConfigError(
                "expected requests per second (a positive number) or null",
                file=file,
                line=line,
                field=field,
            )
        return float(value) if value is not None else None
    if not isinstance(value, str) or not value:
        raise ConfigError("expected text", file=file, line=line, field=field)
    return value
