"""The one exception hierarchy of omicform.

Every error a user can meet is an `OmicformError`: its message says what happened and its
`hint` says what to do. Service errors also carry the request (method and path, never a
header or a body) and the server's own message, with any known secret redacted.
"""

from __future__ import annotations

from collections.abc import Sequence


class OmicformError(Exception):
    """Base of every error omicform raises on purpose."""

    default_hint = ""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = self.default_hint if hint is None else hint

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message


class ConfigError(OmicformError):
    """A problem in the user's files or environment, found before anything is sent."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.field = field
        where = ":".join(str(p) for p in (file, line) if p is not None)
        prefix = f"{where}: " if where else ""
        if field:
            prefix += f"{field}: "
        super().__init__(prefix + message, hint=hint)


class PlanError(ConfigError):
    """The desired state cannot be planned (a missing dependency, an invalid document)."""


class MissingCredentials(ConfigError):
    """A service needs credentials that the environment does not hold."""


class ServiceError(OmicformError):
    """A service answered with an error, or could not be reached.

    `url` is the full address (origin, path, shortened query; never credentials), set where
    it is what the user must check: a 404, a redirect, no answer at all. `completed` holds
    what a call made of several requests achieved before this one failed (the ids minted by
    a mint's earlier chunks): they exist on the server, so the caller must record them.
    """

    default_hint = "Check the service's status and retry; run with -v to see each request."

    def __init__(
        self,
        message: str,
        *,
        service: str,
        method: str,
        path: str,
        status: int | None = None,
        server_message: str | None = None,
        hint: str | None = None,
        url: str | None = None,
        completed: Sequence[str] = (),
    ) -> None:
        self.service = service
        self.method = method
        self.path = path
        self.url = url
        self.status = status
        self.server_message = server_message
        self.completed: tuple[str, ...] = tuple(completed)
        status_text = f" -> {status}" if status is not None else ""
        detail = f": {server_message}" if server_message else ""
        where = url or path
        super().__init__(f"{service} {method} {where}{status_text}: {message}{detail}", hint=hint)


class AuthenticationFailed(ServiceError):
    default_hint = (
        "Check the credentials in the environment variables named in `services:` "
        "(for NMDC, NMDC_CLIENT_ID/NMDC_CLIENT_SECRET; for NeMO, NEMO_USERNAME/NEMO_PASSWORD)."
    )


class PermissionDenied(ServiceError):
    default_hint = "Ask the service's administrators for the allowance this action needs."


class NotFound(ServiceError):
    default_hint = "Check the name or id; it may have been created under another key."


class WrongAddress(NotFound):
    """A 404 that means no such endpoint (a wrong base URL), not no such object."""

    default_hint = (
        "Check the service URL in `services:` (or its environment variable): it must be the "
        "API's base address."
    )


class AlreadyExists(ServiceError):
    default_hint = "The object exists already; `omicform import` adopts it into state."


class RequestRejected(ServiceError):
    default_hint = "The service refused the request as sent; fix the fields it names."


class RateLimited(ServiceError):
    default_hint = "The service is limiting requests; lower --parallelism or retry later."


class ServerFailed(ServiceError):
    default_hint = "The service failed; retry later. If it persists, report it to the service."


class ServiceUnreachable(ServiceError):
    default_hint = "Check the service URL and your network; retry when the service answers."


class OutcomeUnknown(ServiceUnreachable):
    """A request that is not safe to repeat may or may not have taken effect."""

    default_hint = (
        "The request may or may not have taken effect. Do not resend it blindly: "
        "read the object back (omicform plan does) before trying again."
    )
