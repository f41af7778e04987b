"""Where each service is, how to authenticate to it, and how politely to call it.

Secrets are read from the environment only and are wrapped in `Secret`, whose repr and str
never show the value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from omicform.errors import MissingCredentials
from omicform.services.retry import RetryPolicy

NMDC_PRODUCTION_URL = "https://api.microbiomedata.org"
NEMO_PRODUCTION_URL = "https://nemoarchive.org/api"
NEMO_PRODUCTION_LOGIN_URL = "https://api.nemoarchive.org"
NEMO_DOCUMENTED_RATE = 3.0  # requests per second, from NeMO's documentation

# Where the user sets each base URL, for errors that mean "wrong address".
NMDC_URL_SETTING = "`services.nmdc.url`, or NMDC_API_URL"
NEMO_URL_SETTING = "`services.nemo.url`, or NEMO_API_URL"
NEMO_LOGIN_URL_SETTING = "`services.nemo.login_url`, or NEMO_LOGIN_URL"


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


def _require(env: Mapping[str, str], name: str, purpose: str) -> str:
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
                client_secret=Secret(_require(env, client_secret_var, "NMDC client secret")),
            )
        if env.get(username_var):
            return cls(
                username=env[username_var],
                password=Secret(_require(env, password_var, "NMDC password")),
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
class NemoCredentials:
    """The submitter's NeMO (Aspera) username and password."""

    username: str
    password: Secret

    def secrets(self) -> tuple[str, ...]:
        return (self.password.reveal(),)

    def logins(self) -> tuple[tuple[str, str], ...]:
        return ((self.username, self.password.reveal()),)

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str],
        *,
        username_var: str = "NEMO_USERNAME",
        password_var: str = "NEMO_PASSWORD",
    ) -> NemoCredentials:
        return cls(
            username=_require(env, username_var, "NeMO username"),
            password=Secret(_require(env, password_var, "NeMO password")),
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


@dataclass(frozen=True)
class NemoSettings:
    """How to reach NeMO: its URLs, credentials and HTTP settings."""

    base_url: str = NEMO_PRODUCTION_URL
    login_url: str = NEMO_PRODUCTION_LOGIN_URL
    credentials: NemoCredentials | None = None
    http: HttpSettings = field(
        default_factory=lambda: HttpSettings(rate_limit=NEMO_DOCUMENTED_RATE, max_connections=4)
    )

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str],
        *,
        url: str | None = None,
        login_url: str | None = None,
        username_var: str = "NEMO_USERNAME",
        password_var: str = "NEMO_PASSWORD",
        http: HttpSettings | None = None,
    ) -> NemoSettings:
        """`NEMO_API_URL`/`NEMO_LOGIN_URL` over the given URLs over production; credentials
        from the named variables when they are set."""
        credentials = None
        if env.get(username_var):
            credentials = NemoCredentials.from_env(
                env, username_var=username_var, password_var=password_var
            )
        return cls(
            base_url=env.get("NEMO_API_URL") or url or NEMO_PRODUCTION_URL,
            login_url=env.get("NEMO_LOGIN_URL") or login_url or NEMO_PRODUCTION_LOGIN_URL,
            credentials=credentials,
            http=http or HttpSettings(rate_limit=NEMO_DOCUMENTED_RATE, max_connections=4),
        )
