"""One service's HTTP plumbing: the httpx client, and turning failures into our errors."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Collection, Iterable
from typing import Any, Protocol, TypeVar

import httpx

from omicform import __version__
from omicform.errors import (
    AlreadyExists,
    AuthenticationFailed,
    NotFound,
    OutcomeUnknown,
    PermissionDenied,
    RateLimited,
    RequestRejected,
    ServerFailed,
    ServiceError,
    ServiceUnreachable,
)
from omicform.services.ratelimit import RateLimiter
from omicform.services.settings import HttpSettings
from omicform.services.transport import NOT_SENT_ERRORS, RequestSafety, ServiceTransport

USER_AGENT = f"omicform/{__version__} (+https://github.com/omicform/omicform)"

STATUS_ERRORS: dict[int, type[ServiceError]] = {
    400: RequestRejected,
    401: AuthenticationFailed,
    403: PermissionDenied,
    404: NotFound,
    409: AlreadyExists,
    422: RequestRejected,
    429: RateLimited,
}

MAX_MESSAGE = 500


class HasStatus(Protocol):
    @property
    def status_code(self) -> int: ...
    @property
    def content(self) -> bytes: ...


R = TypeVar("R", bound=HasStatus)


def build_transport(
    service: str,
    http: HttpSettings,
    safety: RequestSafety,
    *,
    inner: httpx.BaseTransport | None = None,
    limiter: RateLimiter | None = None,
) -> ServiceTransport:
    """The transport every request of `service` goes through."""
    return ServiceTransport(
        inner or httpx.HTTPTransport(limits=httpx.Limits(max_connections=http.max_connections)),
        service=service,
        limiter=limiter or RateLimiter(http.rate_limit, burst=http.burst),
        retry=http.retry,
        safety=safety,
    )


def build_client(
    base_url: str,
    http: HttpSettings,
    transport: ServiceTransport,
    *,
    auth: httpx.Auth | None = None,
    on_response: Callable[[httpx.Response], None] | None = None,
) -> httpx.Client:
    return httpx.Client(
        base_url=base_url,
        transport=transport,
        auth=auth,
        event_hooks={"response": [on_response]} if on_response else None,
        timeout=httpx.Timeout(http.timeout, connect=http.connect_timeout),
        headers={"User-Agent": USER_AGENT},
        follow_redirects=False,
    )


class Redactor:
    """Replaces every known secret in a text with ***."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def add(self, secret: str) -> None:
        if secret and secret not in self._secrets:
            self._secrets.append(secret)
            self._secrets.sort(key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text


class ErrorMapper:
    """Raises the right `ServiceError` for a failed call, with the server's own message."""

    def __init__(self, service: str, message_keys: tuple[str, ...], redact: Redactor) -> None:
        self.service = service
        self.message_keys = message_keys
        self.redact = redact
        self._last = threading.local()

    def remember(self, response: httpx.Response) -> None:
        """An httpx response hook: the latest answer on this thread, for when parsing fails."""
        self._last.response = response

    def server_message(self, content: bytes) -> str | None:
        try:
            body = json.loads(content)
        except (ValueError, UnicodeDecodeError):
            text = content.decode("utf-8", "replace").strip()
            return self._clip(text) if text else None
        if isinstance(body, dict):
            for key in self.message_keys:
                if key in body:
                    return self._clip(_describe(body[key]))
        return self._clip(json.dumps(body))

    def _clip(self, text: str) -> str:
        text = self.redact(text)
        return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 3] + "..."

    def for_status(
        self,
        method: str,
        path: str,
        response: HasStatus,
        *,
        conflict_statuses: Collection[int] = (409,),
    ) -> ServiceError:
        status = response.status_code
        message = self.server_message(response.content)
        if status in conflict_statuses:
            cls: type[ServiceError] = AlreadyExists
            what = "already exists"
        elif status >= 500:
            cls, what = ServerFailed, "the service failed"
        else:
            cls = STATUS_ERRORS.get(status, ServiceError)
            what = _WHAT.get(status, "unexpected answer")
        return cls(
            what,
            service=self.service,
            method=method,
            path=path,
            status=status,
            server_message=message,
        )

    def for_transport(
        self, method: str, path: str, exc: httpx.TransportError, *, repeatable: bool
    ) -> ServiceError:
        reason = self.redact(f"{type(exc).__name__}: {exc}")
        if isinstance(exc, NOT_SENT_ERRORS) or repeatable:
            return ServiceUnreachable(
                f"no answer ({reason})", service=self.service, method=method, path=path
            )
        return OutcomeUnknown(
            f"the connection failed before an answer ({reason})",
            service=self.service,
            method=method,
            path=path,
        )

    def call(
        self,
        method: str,
        path: str,
        send: Callable[[], R],
        *,
        ok: Collection[int] = (200,),
        repeatable: bool = True,
        conflict_statuses: Collection[int] = (409,),
    ) -> R:
        """Runs `send` (a generated-client call) and returns its response if the status is ok."""
        self._last.response = None
        try:
            response = send()
        except httpx.TransportError as exc:
            raise self.for_transport(method, path, exc, repeatable=repeatable) from None
        except (ValueError, KeyError, TypeError):
            # The generated client could not parse the body: an answer off the spec (a proxy's
            # HTML 502, a plain-text 500). Judge it by its status like any other.
            last: httpx.Response | None = getattr(self._last, "response", None)
            if last is not None and last.status_code not in ok:
                raise self.for_status(
                    method, path, last, conflict_statuses=conflict_statuses
                ) from None
            raise ServiceError(
                "the answer could not be read",
                service=self.service,
                method=method,
                path=path,
                status=last.status_code if last is not None else None,
                hint="The service may have changed its API; run with -vv and report this.",
            ) from None
        if response.status_code not in ok:
            raise self.for_status(method, path, response, conflict_statuses=conflict_statuses)
        return response


_WHAT = {
    400: "request refused",
    401: "not authenticated",
    403: "not allowed",
    404: "not found",
    409: "already exists",
    422: "request invalid",
    429: "rate limited",
}


def _describe(detail: Any) -> str:
    """A readable line from a `detail`: a string, or FastAPI's list of validation issues."""
    if isinstance(detail, str):
        return detail
    if isinstance(detail, list):
        parts = []
        for item in detail:
            if isinstance(item, dict) and "msg" in item:
                loc = ".".join(str(p) for p in item.get("loc", []) if p != "body")
                parts.append(f"{loc}: {item['msg']}" if loc else str(item["msg"]))
            else:
                parts.append(str(item))
        return "; ".join(parts)
    return json.dumps(detail)
