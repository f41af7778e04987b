"""Where NeMO is and how to authenticate to it: a run that never calls NeMO never imports
this (nor its two records)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from omicform.services.settings import HttpSettings, Secret, required_env

NEMO_PRODUCTION_URL = "https://nemoarchive.org/api"
NEMO_PRODUCTION_LOGIN_URL = "https://api.nemoarchive.org"
NEMO_DOCUMENTED_RATE = 3.0  # requests per second, from NeMO's documentation

# Where the user sets each base URL, for errors that mean "wrong address".
NEMO_URL_SETTING = "`services.nemo.url`, or NEMO_API_URL"
NEMO_LOGIN_URL_SETTING = "`services.nemo.login_url`, or NEMO_LOGIN_URL"


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
            username=required_env(env, username_var, "NeMO username"),
            password=Secret(required_env(env, password_var, "NeMO password")),
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
