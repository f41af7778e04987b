"""The `state:` section: where a team keeps one state (PostgreSQL), by the name of the
environment variable holding its URL, never the URL itself (it may carry a password)."""

from __future__ import annotations

import re

from omicform.desired.model import StateSettings
from omicform.desired.yamlfile import LineMap
from omicform.errors import ConfigError

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
_NAME = re.compile(r"[A-Za-z0-9_.-]{1,128}")


def load_state_settings(section: LineMap, file: str) -> StateSettings:
    for key in section:
        if key not in ("url_env", "name"):
            raise ConfigError(
                "unknown key; expected url_env or name",
                file=file,
                line=section.line_of(key),
                field=f"state.{key}",
                hint="The URL may hold a password: export it in a variable and name it with "
                "`url_env: OMICFORM_STATE_URL`."
                if key in ("url", "password", "dsn")
                else None,
            )
    url_env = _text(section, "url_env", "OMICFORM_STATE_URL", _ENV_NAME, file)
    name = _text(section, "name", "default", _NAME, file)
    return StateSettings(url_env=url_env, name=name)


def _text(section: LineMap, key: str, default: str, shape: re.Pattern[str], file: str) -> str:
    value = section.get(key, default)
    if not isinstance(value, str) or not shape.fullmatch(value):
        what = "a variable name" if key == "url_env" else "a name of letters, digits, _ . -"
        raise ConfigError(
            f"expected {what}",
            file=file,
            line=section.line_of(key),
            field=f"state.{key}",
        )
    return value
