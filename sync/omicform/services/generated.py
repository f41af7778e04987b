"""Each service's generated clients, wired over omicform's own httpx client: one place for
what NMDC's and NeMO's services both do (the base URL, the transport, the auth, the hook
that remembers answers for error messages), and for closing them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import httpx

from omicform.services.http import ErrorMapper, build_client
from omicform.services.settings import HttpSettings
from omicform.services.transport import ServiceTransport


class GeneratedClient(Protocol):
    """What openapi-python-client's `Client` and `AuthenticatedClient` offer."""

    def set_httpx_client(self, client: httpx.Client) -> Any: ...
    def get_httpx_client(self) -> httpx.Client: ...


G = TypeVar("G", bound=GeneratedClient)
S = TypeVar("S", bound="GeneratedClients")  # typing.Self is 3.11; omicform runs on 3.10


def generated_client(
    make: Callable[..., G],
    base_url: str,
    http: HttpSettings,
    transport: ServiceTransport,
    errors: ErrorMapper,
    setting: str,
    *,
    auth: httpx.Auth | None = None,
) -> G:
    """A generated client (`make`, its class) for one base URL, over `build_client`;
    `setting` names where the user wrote that URL."""
    client = make(base_url=base_url)
    client.set_httpx_client(
        build_client(
            base_url, http, transport, auth=auth, on_response=errors.remember, setting=setting
        )
    )
    return client


class GeneratedClients:
    """`close()` and `with` for a service: every client in `clients` is closed."""

    clients: tuple[GeneratedClient, ...] = ()

    def close(self) -> None:
        for client in self.clients:
            client.get_httpx_client().close()

    def __enter__(self: S) -> S:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
