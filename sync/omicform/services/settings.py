"""Where NMDC is, how to authenticate to it, and how politely to call each service (NeMO's
own settings: `nemo_settings.py`, imported only by a run that calls NeMO).

Secrets are read from the environment only and are wrapped in `Secret`, whose repr and str
never show the value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from omicform.errors import MissingCredentials
from omicform.services.retry import RetryPolicy

NMDC_PRODUCTION_URL = "https://api.microbiomedata.org"

# Where the user sets each base URL, for errors that mean "wrong address".
NMDC_URL_SETTING = "`services.nmdc.url`, or NMDC_API_URL"


class Secret:
    """A credential value that never prints itself."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def required_env(env: Mapping[str, str], name: str, purpose: str) -> str:
    value = env.get(name, "")
    if not value:
        raise MissingCredentials(
            f"environment variable {name} is not set",
            field=purpose,
            hint=f"export {name}=... before running omicform (secrets never go in files).",
        )
    return value


@dataclass(frozen=True)
class NmdcCredentials:
    """Either a site client (client_credentials grant) or a user (password grant)."""

    client_id: str | None = None
    client_secret: Secret | None = None
    username: str | None = None
    password: Secret | None = None

    @property
    def grant_type(self) -> str:
        return "client_credentials" if self.client_id else "password"

    @property
    def principal(self) -> str:
        return self.client_id or self.username or "?"

    def secrets(self) -> tuple[str, ...]:
        return tuple(s.reveal() for s in (self.client_secret, self.password) if s is not None)

    def logins(self) -> tuple[tuple[str, str], ...]:
        """(id, secret) pairs, as HTTP Basic would encode them together."""
        pairs = ((self.client_id, self.client_secret), (self.username, self.password))
        return tuple((who, s.reveal()) for who, s in pairs if who and s is not None)

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str],
        *,
        client_id_var: str = "NMDC_CLIENT_ID",
        client_secret_var: str = "NMDC_CLIENT_SECRET",
        username_var: str = "NMDC_USERNAME",
        password_var: str = "NMDC_PASSWORD",
    ) -> NmdcCredentials:
        if env.get(client_id_var):
            return cls(
                client_id=env[client_id_var],
                client_secret=Secret(required_env(env, client_secret_var, "NMDC client secret")),
            )
        if env.get(username_var):
            return cls(
                username=env[username_var],
                password=Secret(required_env(env, password_var, "NMDC password")),
            )
        raise MissingCredentials(
            f"neither {client_id_var} nor {username_var} is set",
            field="NMDC credentials",
            hint=(
                f"export {client_id_var} and {client_secret_var} (a site client), or "
                f"{username_var} and {password_var} (a user)."
            ),
        )


@dataclass(frozen=True)
class HttpSettings:
    """How to call one service: timeouts, connection pool, rate limit and retries."""

    timeout: float = 30.0
    connect_timeout: float = 10.0
    max_connections: int = 32
    rate_limit: float | None = None  # requests per second; None for unlimited
    burst: int = 1
    retry: RetryPolicy = field(default_factory=RetryPolicy)


@dataclass(frozen=True)
class NmdcSettings:
    """How to reach NMDC: its URL, credentials and HTTP settings."""

    base_url: str = NMDC_PRODUCTION_URL
    credentials: NmdcCredentials | None = None
    http: HttpSettings = field(default_factory=HttpSettings)

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str],
        *,
        url: str | None = None,
        client_id_var: str = "NMDC_CLIENT_ID",
        client_secret_var: str = "NMDC_CLIENT_SECRET",
        username_var: str = "NMDC_USERNAME",
        password_var: str = "NMDC_PASSWORD",
        http: HttpSettings | None = None,
    ) -> NmdcSettings:
        """`NMDC_API_URL` over `url` over production; credentials from the named variables
        when they are set (a run that never calls NMDC needs none)."""
        credentials = None
        if env.get(client_id_var) or env.get(username_var):
            credentials = NmdcCredentials.from_env(
                env,
                client_id_var=client_id_var,
                client_secret_var=client_secret_var,
                username_var=username_var,
                password_var=password_var,
            )
        return cls(
            base_url=env.get("NMDC_API_URL") or url or NMDC_PRODUCTION_URL,
            credentials=credentials,
            http=http or HttpSettings(),
        )
