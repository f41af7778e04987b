"""One service's HTTP plumbing: the httpx client, and turning failures into our errors."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Collection, Sequence
from typing import Any, Protocol, TypeVar

import httpx

from omicform import __version__
from omicform.errors import (
    AlreadyExists,
    AuthenticationFailed,
    ConfigError,
    NotFound,
    OutcomeUnknown,
    PermissionDenied,
    RateLimited,
    RequestRejected,
    ServerFailed,
    ServiceError,
    ServiceUnreachable,
    WrongAddress,
)
from omicform.services.client import ServiceClient
from omicform.services.display import full_url, join
from omicform.services.ratelimit import RateLimiter
from omicform.services.redact import Redactor
from omicform.services.reqlog import RequestLog
from omicform.services.settings import HttpSettings
from omicform.services.transport import NOT_SENT_ERRORS, RequestSafety, ServiceTransport
from omicform.services.wire import WireTransport

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
    redact: Redactor | None = None,
) -> ServiceTransport:
    """The transport every request of `service` goes through; `redact` cleans its log lines."""
    return ServiceTransport(
        inner or WireTransport(max_connections=http.max_connections),
        service=service,
        limiter=limiter or RateLimiter(http.rate_limit, burst=http.burst),
        retry=http.retry,
        safety=safety,
        log=RequestLog(service, redact) if redact is not None else None,
    )


def build_client(
    base_url: str,
    http: HttpSettings,
    transport: ServiceTransport,
    *,
    auth: httpx.Auth | None = None,
    on_response: Callable[[httpx.Response], None] | None = None,
    setting: str = "the service URL",
) -> httpx.Client:
    """The client for one base URL; `setting` names where the user wrote that URL."""
    try:
        return ServiceClient(
            base_url=base_url,
            transport=transport,
            auth=auth,
            event_hooks={"response": [on_response]} if on_response else None,
            timeout=httpx.Timeout(http.timeout, connect=http.connect_timeout),
            headers={"User-Agent": USER_AGENT},
            follow_redirects=False,
        )
    except httpx.InvalidURL as exc:
        # httpx names the offending part only, never the whole URL (which may hold a password).
        raise ConfigError(
            f"not a valid URL ({exc})",
            field=setting,
            hint="Give the API's base address, such as https://api.microbiomedata.org.",
        ) from None


class ErrorMapper:
    """Raises the right `ServiceError` for a failed call, with the server's own message.

    `places` pairs each base URL of the service with where the user sets it, so that an
    error which means "wrong address" (a 404 from no such endpoint, a redirect, no answer)
    names the full URL and the setting to fix, instead of blaming a name or id.
    `route_missing` are the messages with which the service's framework answers a path it
    has no route for, as opposed to the service's own "no such object".
    """

    def __init__(
        self,
        service: str,
        message_keys: tuple[str, ...],
        redact: Redactor,
        *,
        places: Sequence[tuple[str, str]] = (),
        route_missing: Collection[str] = (),
    ) -> None:
        self.service = service
        self.message_keys = message_keys
        self.redact = redact
        self.places = [(_normalised(base), setting) for base, setting in places]
        self.route_missing = frozenset(route_missing)
        self._last = threading.local()
        for base, _ in places:
            _hide_url_password(base, redact)

    def remember(self, response: httpx.Response) -> None:
        """An httpx response hook: the latest answer on this thread, for when parsing fails."""
        self._last.response = response

    def _last_response(self, method: str, path: str) -> httpx.Response | None:
        """This thread's latest answer, if it answered this request (and not, say, the token
        exchange that ran before it, or nothing because the request never left)."""
        last: httpx.Response | None = getattr(self._last, "response", None)
        request = _request_of(last) if last is not None else None
        if request is None or request.method != method or not request.url.path.endswith(path):
            return None
        return last

    def server_message(self, content: bytes) -> str | None:
        try:
            body = json.loads(content)
        except (ValueError, UnicodeDecodeError, RecursionError):
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

    # -- where a request went ----------------------------------------------------------------

    def url_of(self, method: str, path: str, request: httpx.Request | None = None) -> str:
        """The request's full URL as shown to the user (no credentials, query shortened)."""
        if request is None:
            last = self._last_response(method, path)
            request = _request_of(last) if last is not None else None
        if request is not None:
            return full_url(request.url, self.redact)
        return join(self.places[0][0], path, self.redact) if self.places else self.redact(path)

    def setting_for(self, url: str) -> str:
        """Where the user sets the base URL that `url` was built on."""
        matches = [(base, setting) for base, setting in self.places if url.startswith(base)]
        if not matches:
            return f"the {self.service} URL in `services:`"
        return max(matches, key=lambda place: len(place[0]))[1]

    def _is_own_answer(self, content: bytes) -> bool:
        """Whether a body is the service's usual JSON error, not a router's or a proxy's."""
        try:
            body = json.loads(content)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return False
        if not isinstance(body, dict):
            return False
        messages = [body[key] for key in self.message_keys if key in body]
        return bool(messages) and not any(
            isinstance(m, str) and m in self.route_missing for m in messages
        )

    def _address_hint(self, url: str, why: str) -> str:
        setting = self.setting_for(url)
        return f"{why} Check the service URL ({setting}): it must be the API's base address."

    # -- errors --------------------------------------------------------------------------------

    def for_status(
        self,
        method: str,
        path: str,
        response: HasStatus,
        *,
        conflict_statuses: Collection[int] = (409,),
        lookup: bool = False,
    ) -> ServiceError:
        """The error for an answer with a failing status.

        `lookup` says the request named one object, so that a 404 in the service's own words
        means "no such object"; any other 404 means nothing answers at that address.
        """
        status = response.status_code
        message = self.server_message(response.content)
        url: str | None = None
        hint: str | None = None
        if status in conflict_statuses:
            cls: type[ServiceError] = AlreadyExists
            what = "already exists"
        elif status >= 500:
            cls, what = ServerFailed, "the service failed"
        else:
            cls = STATUS_ERRORS.get(status, ServiceError)
            what = _WHAT.get(status, "unexpected answer")
        if status == 404:
            url = self.url_of(method, path)
            if not (lookup and self._is_own_answer(response.content)):
                cls, what = WrongAddress, "no such endpoint"
                hint = self._address_hint(url, "Nothing at this address is the service's API.")
        elif 300 <= status < 400:
            url = self.url_of(method, path)
            what = "redirected elsewhere"
            hint = self._address_hint(url, "The service answers at another address (https?).")
        return cls(
            what,
            service=self.service,
            method=method,
            path=path,
            status=status,
            server_message=message,
            hint=hint,
            url=url,
        )

    def for_transport(
        self, method: str, path: str, exc: httpx.RequestError, *, repeatable: bool
    ) -> ServiceError:
        reason = self.redact(f"{type(exc).__name__}: {exc}")
        url = self.url_of(method, path, _request_of(exc))
        if isinstance(exc, (*NOT_SENT_ERRORS, httpx.UnsupportedProtocol)) or repeatable:
            return ServiceUnreachable(
                f"no answer ({reason})",
                service=self.service,
                method=method,
                path=path,
                url=url,
                hint=f"Check the service URL ({self.setting_for(url)}) and your network; "
                "retry when the service answers.",
            )
        return OutcomeUnknown(
            f"the connection failed before an answer ({reason})",
            service=self.service,
            method=method,
            path=path,
            url=url,
        )

    def unreadable(self, method: str, path: str, *, ok: Collection[int]) -> ServiceError:
        """An answer the generated client could not parse: off the spec, or not the API."""
        last = self._last_response(method, path)
        if last is not None and last.status_code not in ok:
            return self.for_status(method, path, last)
        url = self.url_of(method, path)
        return ServiceError(
            "the answer could not be read",
            service=self.service,
            method=method,
            path=path,
            status=last.status_code if last is not None else None,
            url=url,
            hint=self._address_hint(url, "The answer was not the API's.")
            + " If it is, the service may have changed its API; run with -vv and report this.",
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
        lookup: bool = False,
    ) -> R:
        """Runs `send` (a generated-client call) and returns its response if the status is ok.

        `repeatable` is False for a request whose outcome is unknown after a lost answer (a
        create); `lookup` for a request that names one object (see `for_status`).
        """
        self._last.response = None
        try:
            response = send()
        except httpx.TransportError as exc:
            raise self.for_transport(method, path, exc, repeatable=repeatable) from None
        except httpx.RequestError as exc:
            # The answer arrived but could not be decoded (a broken gzip stream, say).
            if not repeatable:
                raise self.for_transport(method, path, exc, repeatable=False) from None
            raise self.unreadable(method, path, ok=ok) from None
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            # The generated client could not parse the body: an answer off the spec (a proxy's
            # HTML 502, a plain-text 500, a web page at a wrong URL, JSON nested past what
            # Python's decoder reads). Judge it by its status.
            last = self._last_response(method, path)
            if last is not None and last.status_code not in ok:
                raise self.for_status(
                    method, path, last, conflict_statuses=conflict_statuses, lookup=lookup
                ) from None
            raise self.unreadable(method, path, ok=ok) from None
        if response.status_code not in ok:
            raise self.for_status(
                method, path, response, conflict_statuses=conflict_statuses, lookup=lookup
            )
        return response


def _request_of(source: httpx.RequestError | httpx.Response) -> httpx.Request | None:
    """The request an httpx error or response belongs to, if httpx recorded it."""
    try:
        return source.request
    except RuntimeError:
        return None


def _normalised(base_url: str) -> str:
    return join(base_url, "")


def _hide_url_password(base_url: str, redact: Redactor) -> None:
    """A base URL may carry `user:password@`: that password is a secret like any other."""
    try:
        url = httpx.URL(base_url)
    except (httpx.InvalidURL, TypeError, ValueError):
        return
    if url.password:
        redact.add(url.password, login=url.username)


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
