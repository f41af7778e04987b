"""The NeMO Archive submission API, as omicform uses it.

Login is on another host than the API; its JWT is held in memory only (NeMO asks that it
never be stored), and its expiry is read from the token's own `exp` claim.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from io import BytesIO
from typing import Any

import httpx
from omicform_nemo_client import Client
from omicform_nemo_client.api.auth import login
from omicform_nemo_client.api.submission import (
    create_submission,
    get_submission,
    list_submissions,
    search_submissions,
)
from omicform_nemo_client.models import (
    LoginRequest,
    LoginSuccess,
    SearchRequest,
    SubmissionCreated,
    SubmissionList,
    SubmissionUpload,
    YesFlag,
)
from omicform_nemo_client.models import Submission as WireSubmission
from omicform_nemo_client.types import UNSET, File, Response, Unset

from omicform.diff.normalize import utc_instant
from omicform.errors import AuthenticationFailed, MissingCredentials, ServiceError
from omicform.nemo_facts import STEP_NAMES as STEP_NAMES
from omicform.services.auth import BearerAuth, IssuedToken, jwt_expiry
from omicform.services.generated import GeneratedClients, generated_client
from omicform.services.http import ErrorMapper, build_transport
from omicform.services.nemo_settings import (
    NEMO_LOGIN_URL_SETTING,
    NEMO_URL_SETTING,
    NemoSettings,
)
from omicform.services.pagination import follow_page_numbers
from omicform.services.redact import Redactor
from omicform.services.settings import Secret
from omicform.services.transport import RequestSafety

SERVICE = "NeMO"

# A submission POST creates a new submission every time: it is deliberately absent here.
NEMO_SAFETY = RequestSafety(repeatable_post_suffixes=frozenset({"/v1/login", "/submission/search"}))


@dataclass(frozen=True)
class SubmissionStep:
    """One of a NeMO submission's ingest steps, as NeMO reports it."""

    name: str
    success: bool
    date: str | None = None
    msg: str | None = None


@dataclass(frozen=True)
class Submission:
    """A NeMO submission and its ingest steps."""

    id: str
    submitter: str
    creation: datetime
    complete: bool
    success: bool
    steps: tuple[SubmissionStep, ...]
    policy: str | None = None

    @property
    def state(self) -> str:
        """`in-progress`, `error` or `complete`, as NeMO's search names them."""
        if not self.complete:
            return "in-progress"
        return "complete" if self.success else "error"

    @property
    def next_step(self) -> str | None:
        """The step NeMO is working on, or None once the submission is complete."""
        if self.complete:
            return None
        done = {s.name for s in self.steps}
        return next((name for name in STEP_NAMES if name not in done), None)

    @property
    def failed_step(self) -> SubmissionStep | None:
        return next((s for s in self.steps if not s.success), None)


@dataclass(frozen=True)
class _Page:
    """One page of NeMO's submission list."""

    items: Sequence[Submission]
    has_next: bool


class NemoService(GeneratedClients):
    """Typed calls to NeMO's submission API, rate-limited to NeMO's documented 3 requests/s."""

    def __init__(
        self, settings: NemoSettings, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.settings = settings
        self._redact = Redactor.of(settings.credentials)
        base = settings.base_url.rstrip("/")
        login_base = settings.login_url.rstrip("/")
        self._errors = ErrorMapper(
            SERVICE,
            ("message",),
            self._redact,
            places=[(base, NEMO_URL_SETTING), (login_base, NEMO_LOGIN_URL_SETTING)],
        )
        self.transport = build_transport(
            SERVICE, settings.http, NEMO_SAFETY, inner=transport, redact=self._redact
        )
        # The login host is another host, but the same person's request budget: share the limiter.
        self.login_transport = build_transport(
            SERVICE,
            settings.http,
            NEMO_SAFETY,
            inner=transport,
            limiter=self.transport.limiter,
            redact=self._redact,
        )
        self.auth = BearerAuth(self._login)
        http, errors = settings.http, self._errors
        self._login_client = generated_client(
            Client, login_base, http, self.login_transport, errors, NEMO_LOGIN_URL_SETTING
        )
        self._api = generated_client(
            Client, base, http, self.transport, errors, NEMO_URL_SETTING, auth=self.auth
        )
        self.clients = (self._api, self._login_client)

    def __repr__(self) -> str:
        who = self.settings.credentials.username if self.settings.credentials else None
        # A base URL may carry `user:password@`: the redactor knows that password.
        return self._redact(f"NemoService(base_url={self.settings.base_url!r}, username={who!r})")

    def _login(self) -> IssuedToken:
        creds = self.settings.credentials
        if creds is None:
            raise MissingCredentials(
                "this NeMO call needs credentials",
                field="NeMO credentials",
                hint="export NEMO_USERNAME and NEMO_PASSWORD (your NeMO/Aspera login).",
            )
        body = LoginRequest(username=creds.username, password=creds.password.reveal())
        try:
            response = self._errors.call(
                "POST",
                "/v1/login",
                lambda: login.sync_detailed(client=self._login_client, body=body),
                ok=range(200, 300),
            )
        except ServiceError as exc:
            # NeMO documents the failure body, not its status: a refusal (4xx) or a 2xx that
            # carries no token (`{"message": "Login failed."}` with 200) is a failed login.
            if exc.status is not None and _refusal_or_success(exc.status):
                raise self._login_failed(exc.status, exc.server_message) from None
            raise
        parsed = response.parsed
        if not isinstance(parsed, LoginSuccess):
            message = self._errors.server_message(response.content)
            raise self._login_failed(response.status_code, message)
        self._redact.add(parsed.jwt)
        return IssuedToken(Secret(parsed.jwt), jwt_expiry(parsed.jwt))

    def _login_failed(self, status: int, server_message: str | None) -> AuthenticationFailed:
        return AuthenticationFailed(
            "NeMO login failed",
            service=SERVICE,
            method="POST",
            path="/v1/login",
            status=status,
            server_message=server_message,
            hint="Check NEMO_USERNAME and NEMO_PASSWORD (your NeMO/Aspera login) and the "
            "login URL (services.nemo.login_url, or NEMO_LOGIN_URL).",
        )

    def login(self) -> None:
        """Logs in now (otherwise the first call does)."""
        self.auth.current()

    def get_submission(self, submission_id: str) -> Submission:
        path = f"/submission/{submission_id}"
        response = self._errors.call(
            "GET",
            path,
            lambda: get_submission.sync_detailed(submission_id, client=self._api),
            lookup=True,
        )
        parsed = response.parsed
        if not isinstance(parsed, WireSubmission):
            raise _unparsed("GET", path, response.status_code)
        return _submission(parsed)

    def list_submissions(self, *, include_group: bool = False) -> Iterator[Submission]:
        """Every submission one can see, 100 a page."""
        flag: YesFlag | Unset = "y" if include_group else UNSET

        def fetch(page: int) -> _Page:
            response = self._errors.call(
                "GET",
                "/submission",
                lambda: list_submissions.sync_detailed(client=self._api, page=page, all_=flag),
            )
            return _page(response, "GET", "/submission")

        return follow_page_numbers(fetch)

    def search_submissions(
        self,
        *,
        id: str | None = None,
        submitter: str | None = None,
        status: Sequence[str] | None = None,
        policy: str | None = None,
        start_date: str | None = None,
        end_date: str | None = None,
    ) -> Iterator[Submission]:
        """Submissions matching a search (id and submitter are substrings)."""
        criteria: dict[str, Any] = {
            "id": id,
            "submitter": submitter,
            "status": list(status) if status is not None else None,
            "policy": policy,
            "start-date": start_date,
            "end-date": end_date,
        }
        body = SearchRequest.from_dict({k: v for k, v in criteria.items() if v is not None})

        def fetch(page: int) -> _Page:
            response = self._errors.call(
                "POST",
                "/submission/search",
                lambda: search_submissions.sync_detailed(client=self._api, body=body, page=page),
            )
            return _page(response, "POST", "/submission/search")

        return follow_page_numbers(fetch)

    def submit(
        self,
        manifest: bytes,
        file_name: str,
        *,
        dry_run: bool = False,
        notification: Mapping[str, Any] | None = None,
    ) -> str:
        """Posts a manifest and returns the new submission id.

        Never repeated on an unclear failure: that raises OutcomeUnknown, to be settled by
        searching for the submission, because every POST makes a new submission. The
        `notification`'s auth_details are credentials: redacted from every message and log.
        An invalid notification is NeMO's 422, a refusal (nothing was created).
        """
        for secret in _notification_secrets(notification):
            self._redact.add(secret)
        body = SubmissionUpload(
            manifest=File(
                payload=BytesIO(manifest),
                file_name=file_name,
                mime_type="text/tab-separated-values",
            ),
            notification=json.dumps(dict(notification)) if notification is not None else UNSET,
        )
        response = self._errors.call(
            "POST",
            "/submission",
            lambda: create_submission.sync_detailed(
                client=self._api, body=body, dryrun="y" if dry_run else UNSET
            ),
            repeatable=False,
            ok=range(200, 300),
        )
        parsed = response.parsed
        if isinstance(parsed, SubmissionCreated):
            return parsed.id
        # NeMO does not document the success status: any 2xx carrying an id is a success.
        # Anything else raises, and the caller treats the outcome as unknown, never refused.
        created = _json_id(response.content)
        if created is None:
            raise _unparsed("POST", "/submission", response.status_code)
        return created


def _notification_secrets(notification: Mapping[str, Any] | None) -> list[str]:
    details = (notification or {}).get("auth_details")
    if not isinstance(details, Mapping):
        return []
    return [v for k, v in details.items() if k != "header_name" and isinstance(v, str) and v]


def _refusal_or_success(status: int) -> bool:
    # 404/405 mean a wrong login URL, not wrong credentials: that error names the URL setting.
    return 200 <= status < 300 or (400 <= status < 500 and status not in (404, 405, 408, 429))


def _json_id(content: bytes) -> str | None:
    try:
        data = json.loads(content)
    except (ValueError, RecursionError):
        return None
    found = data.get("id") if isinstance(data, dict) else None
    return found if isinstance(found, str) and found else None


def _page(response: Response[Any], method: str, path: str) -> _Page:
    parsed = response.parsed
    if not isinstance(parsed, SubmissionList):
        raise _unparsed(method, path, response.status_code)
    has_next = isinstance(parsed.next_, str) and bool(parsed.next_)
    return _Page([_submission(s) for s in parsed.results], has_next)


def _submission(wire: WireSubmission) -> Submission:
    steps = tuple(
        SubmissionStep(
            name=s.name,
            success=s.success,
            date=s.date if isinstance(s.date, str) else None,
            msg=s.msg if isinstance(s.msg, str) else None,
        )
        for s in wire.steps
    )
    return Submission(
        id=wire.id,
        submitter=wire.submitter,
        creation=_in_utc(wire.creation),
        complete=wire.complete,
        success=wire.success,
        steps=steps,
        policy=wire.policy if isinstance(wire.policy, str) else None,
    )


def _in_utc(moment: datetime) -> datetime:
    """A submission's creation in UTC (naive: UTC). NeMO's documentation bounds no date: one
    whose instant falls before year 1 or after 9999 in UTC (`0001-01-01T00:00:00+01:00`) is
    kept at that end, where it still compares rightly with every intent's window."""
    try:
        return utc_instant(moment)
    except OverflowError:
        edge = datetime.min if moment.year == datetime.min.year else datetime.max
        return edge.replace(tzinfo=timezone.utc)


def _unparsed(method: str, path: str, status: int) -> ServiceError:
    return ServiceError(
        "the answer did not have the documented shape",
        service=SERVICE,
        method=method,
        path=path,
        status=status,
        hint="NeMO may have changed its API; report this to the omicform maintainers.",
    )
