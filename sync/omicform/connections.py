"""Lazily opened service connections for one run, built from `services:` and the environment.

A plan that declares only NMDC objects never asks for NeMO credentials, and vice versa;
nor does it import NeMO's service and generated client: each service's module is imported
when the service is first used (the NMDC one brings httpx).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from omicform.desired.model import ServiceConfig
from omicform.services.settings import HttpSettings, NmdcSettings

if TYPE_CHECKING:
    import httpx

    from omicform.services.nemo import NemoService
    from omicform.services.nemo_settings import NemoSettings
    from omicform.services.nmdc import NmdcService


class Connections:
    """One `NmdcService` and one `NemoService`, opened on first use and closed together."""

    def __init__(
        self,
        config: ServiceConfig | None = None,
        *,
        env: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        http: HttpSettings | None = None,
        replaying: bool = False,
    ) -> None:
        self.config = config or ServiceConfig()
        self.env = dict(os.environ if env is None else env)
        if replaying:
            from omicform.services.recording import replay_env  # only to replay a cassette

            cfg = self.config
            self.env = replay_env(
                self.env,
                [cfg.nmdc.client_id_env, cfg.nmdc.client_secret_env]
                if not self.env.get(cfg.nmdc.username_env)
                else [cfg.nmdc.password_env],
            )
            self.env = replay_env(self.env, [cfg.nemo.username_env, cfg.nemo.password_env])
        self.transport = transport
        self.http = http
        self._nmdc: NmdcService | None = None
        self._nemo: NemoService | None = None

    def nmdc_settings(self) -> NmdcSettings:
        cfg = self.config.nmdc
        http = self.http or HttpSettings()
        if cfg.rate_limit is not None:
            http = replace(http, rate_limit=cfg.rate_limit)
        return NmdcSettings.from_env(
            self.env,
            url=cfg.url,
            client_id_var=cfg.client_id_env,
            client_secret_var=cfg.client_secret_env,
            username_var=cfg.username_env,
            password_var=cfg.password_env,
            http=http,
        )

    def nemo_settings(self) -> NemoSettings:
        from omicform.services.nemo_settings import NemoSettings  # NeMO's: only when called

        cfg = self.config.nemo
        http = replace(self.http or HttpSettings(max_connections=4), rate_limit=cfg.rate_limit)
        return NemoSettings.from_env(
            self.env,
            url=cfg.url,
            login_url=cfg.login_url,
            username_var=cfg.username_env,
            password_var=cfg.password_env,
            http=http,
        )

    @property
    def nmdc(self) -> NmdcService:
        if self._nmdc is None:
            from omicform.services.nmdc import NmdcService  # on first use: see the docstring

            self._nmdc = NmdcService(self.nmdc_settings(), transport=self.transport)
        return self._nmdc

    @property
    def nemo(self) -> NemoService:
        if self._nemo is None:
            from omicform.services.nemo import NemoService  # on first use: see the docstring

            self._nemo = NemoService(self.nemo_settings(), transport=self.transport)
        return self._nemo

    def requests_sent(self) -> dict[str, int]:
        """Requests that left per service, retries included (plans assert on these)."""
        counts: dict[str, int] = {}
        if self._nmdc is not None:
            counts["nmdc"] = self._nmdc.transport.requests_sent
        if self._nemo is not None:
            counts["nemo"] = (
                self._nemo.transport.requests_sent + self._nemo.login_transport.requests_sent
            )
        return counts

    def close(self) -> None:
        for service in (self._nmdc, self._nemo):
            if service is not None:
                service.close()

    def __enter__(self) -> Connections:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
