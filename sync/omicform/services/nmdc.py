"""The NMDC Runtime API, as omicform uses it.

Records of the three staging kinds travel as plain dicts of their fields (the reconciler
diffs fields, and a projection may leave any of them out); answers with a fixed shape come
back as small typed records.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
from omicform_nmdc_client import Client
from omicform_nmdc_client.api.auth import create_token
from omicform_nmdc_client.models import Token
from omicform_nmdc_client.types import UNSET, Response

from omicform.errors import MissingCredentials, OmicformError, ServiceError, WrongAddress
from omicform.services.auth import BearerAuth, IssuedToken
from omicform.services.generated import GeneratedClients, generated_client
from omicform.services.http import ErrorMapper, build_transport
from omicform.services.minting import MINT_CHUNK, mint_in_chunks
from omicform.services.nmdc_pages import Page, PageReader, next_token_at_end
from omicform.services.nmdc_staging import (
    CREATORS,
    GETTERS,
    LISTERS,
    UPDATERS,
    Collection,
    Endpoint,
    drop_nulls,
    models,
    request_body,
)
from omicform.services.nmdc_token import token_expiry, token_request
from omicform.services.pagination import follow_page_tokens
from omicform.services.redact import Redactor
from omicform.services.settings import NMDC_URL_SETTING, NmdcSettings, Secret
from omicform.services.transport import RequestSafety
from omicform.services.wire import SENT

if TYPE_CHECKING:
    from omicform.services.nmdc_runs import RunInfo, ValidationOutcome

__all__ = ["Collection", "NmdcService"]

SERVICE = "NMDC"
T = TypeVar("T")

# PATCH here sends the whole record and the server merges it: sending it twice is harmless.
NMDC_SAFETY = RequestSafety(
    patch_repeatable=True,
    repeatable_post_suffixes=frozenset({"/token", "/metadata/json:validate"}),
)


class NmdcService(GeneratedClients):
    """Typed calls to the NMDC Runtime API over one reused, rate-limited connection pool."""

    def __init__(
        self, settings: NmdcSettings, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.settings = settings
        self._redact = Redactor.of(settings.credentials)
        base = settings.base_url.rstrip("/")
        self._errors = ErrorMapper(
            SERVICE,
            ("detail",),
            self._redact,
            places=[(base, NMDC_URL_SETTING)],
            # FastAPI's answer to a path it has no route for; a missing record is "Not found".
            route_missing={"Not Found"},
        )
        self.transport = build_transport(
            SERVICE, settings.http, NMDC_SAFETY, inner=transport, redact=self._redact
        )
        self.auth = BearerAuth(self._obtain_token)
        http, errors = settings.http, self._errors
        self._anonymous = generated_client(
            Client, base, http, self.transport, errors, NMDC_URL_SETTING
        )
        self._api = generated_client(
            Client, base, http, self.transport, errors, NMDC_URL_SETTING, auth=self.auth
        )
        self.clients = (self._api, self._anonymous)

    def __repr__(self) -> str:
        who = self.settings.credentials.principal if self.settings.credentials else None
        # A base URL may carry `user:password@`: the redactor knows that password.
        return self._redact(f"NmdcService(base_url={self.settings.base_url!r}, principal={who!r})")

    # -- authentication ---------------------------------------------------------------------

    def _obtain_token(self) -> IssuedToken:
        creds = self.settings.credentials
        if creds is None:
            raise MissingCredentials(
                "this NMDC call needs credentials",
                field="NMDC credentials",
                hint="export NMDC_CLIENT_ID and NMDC_CLIENT_SECRET (or NMDC_USERNAME and "
                "NMDC_PASSWORD).",
            )
        body = token_request(creds)
        response = self._errors.call(
            "POST", "/token", lambda: create_token.sync_detailed(client=self._anonymous, body=body)
        )
        token = _parsed(response, Token, "POST", "/token")
        self._redact.add(token.access_token)
        return IssuedToken(Secret(token.access_token), token_expiry(token))

    def token(self) -> str:
        """A current access token (fetched or reused); for callers that need the raw value."""
        return self.auth.current()

    # -- metadata ---------------------------------------------------------------------------

    def validate_metadata(self, database: Mapping[str, Any]) -> ValidationOutcome:
        """The server's json:validate; needs no credentials."""
        # Each call a plan may not make imports its generated code when it is first made.
        from omicform_nmdc_client.api.metadata import validate_metadata_json
        from omicform_nmdc_client.models import MetadataValidationResult, NmdcDatabase

        from omicform.services.nmdc_runs import ValidationOutcome

        body = NmdcDatabase.from_dict(dict(database))
        response = self._errors.call(
            "POST",
            "/metadata/json:validate",
            lambda: validate_metadata_json.sync_detailed(client=self._anonymous, body=body),
        )
        result = _parsed(response, MetadataValidationResult, "POST", "/metadata/json:validate")
        if result.result != "errors":
            return ValidationOutcome(ok=True)
        detail = result.detail.to_dict() if result.detail is not UNSET and result.detail else {}
        errors = {k: [str(m) for m in v] for k, v in detail.items()}
        return ValidationOutcome(ok=False, errors=errors)

    def submit_metadata(self, database: Mapping[str, Any]) -> str:
        """Starts a json:submit and returns its run id. Identical content: AlreadyExists (409)."""
        from omicform_nmdc_client.api.metadata import submit_metadata_json
        from omicform_nmdc_client.models import NmdcDatabase, SubmitAccepted

        body = NmdcDatabase.from_dict(dict(database))
        response = self._errors.call(
            "POST",
            "/metadata/json:submit",
            lambda: submit_metadata_json.sync_detailed(client=self._api, body=body),
            repeatable=False,
        )
        return _parsed(response, SubmitAccepted, "POST", "/metadata/json:submit").detail.run_id

    def schema_version(self) -> str | None:
        """The nmdc-schema version the server validates with (`GET /version`), if it says."""
        from omicform_nmdc_client.api.system import get_versions
        from omicform_nmdc_client.models import Versions

        response = self._errors.call(
            "GET", "/version", lambda: get_versions.sync_detailed(client=self._api), lookup=True
        )
        versions = _parsed(response, Versions, "GET", "/version")
        found = versions.nmdc_schema
        return found if isinstance(found, str) else None

    def get_run(self, run_id: str) -> RunInfo:
        from omicform_nmdc_client.api.runs import get_run
        from omicform_nmdc_client.models import RunSummary

        from omicform.services.nmdc_runs import RunInfo

        response = self._errors.call(
            "GET",
            f"/runs/{run_id}",
            lambda: get_run.sync_detailed(run_id, client=self._api),
            lookup=True,
        )
        run = _parsed(response, RunSummary, "GET", f"/runs/{run_id}")
        return RunInfo(
            id=run.id,
            status=run.status,
            started_at=_opt(run.started_at_time),
            job=run.job.id if run.job is not UNSET and run.job else None,
        )

    def wait_for_run(
        self,
        run_id: str,
        *,
        timeout: float = 600.0,
        interval: float = 1.0,
        on_poll: Callable[[RunInfo], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> RunInfo:
        """Polls a run until COMPLETE or FAIL; raises if it is still going after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            run = self.get_run(run_id)
            if on_poll:
                on_poll(run)
            if run.finished:
                return run
            if time.monotonic() >= deadline:
                raise OmicformError(
                    f"NMDC run {run_id} is still {run.status} after {timeout:.0f} s",
                    hint="Check it later with `omicform status`; the run goes on on the server.",
                )
            sleep(interval)

    # -- identifiers ------------------------------------------------------------------------

    def mint(self, schema_class: str, how_many: int, *, chunk: int = MINT_CHUNK) -> list[str]:
        """Mints `how_many` new ids, in order, in requests of at most `chunk` ids.

        Not idempotent: no request is repeated after an unclear failure. When a request
        fails, its error (OutcomeUnknown if its own outcome is unclear) carries the ids the
        earlier requests minted in `completed`: they exist, so record them.
        """
        return mint_in_chunks(lambda n: self._mint_once(schema_class, n), how_many, chunk=chunk)

    def _mint_once(self, schema_class: str, how_many: int) -> list[str]:
        from omicform_nmdc_client.api.pids import mint_ids
        from omicform_nmdc_client.models import MintRequest, SchemaClassRef

        body = MintRequest(schema_class=SchemaClassRef(id=schema_class), how_many=how_many)
        response = self._errors.call(
            "POST",
            "/pids/mint",
            lambda: mint_ids.sync_detailed(client=self._api, body=body),
            repeatable=False,
        )
        parsed = response.parsed
        if not isinstance(parsed, list):
            raise _unparsed("POST", "/pids/mint", response.status_code)
        return [str(i) for i in parsed]

    # -- workflow file staging --------------------------------------------------------------

    def list_records(
        self,
        collection: Collection,
        *,
        filter: Mapping[str, Any] | None = None,
        projection: Sequence[str] | None = None,
        page_size: int = 1000,
    ) -> Iterator[dict[str, Any]]:
        """Every record of `collection` matching `filter`, page by page (lazily)."""
        lister = LISTERS[collection.name]
        # The request as the generated call builds it; the answer read without its models.
        request, reader = lister.request(), PageReader(getattr(models(), lister.record))
        filter_text = json.dumps(dict(filter), separators=(",", ":")) if filter else UNSET
        projection_text = ",".join(projection) if projection else UNSET
        http = self._api.get_httpx_client()

        def send(token: str | None, sent: Callable[[], None] | None) -> httpx.Response:
            kwargs = request(
                filter_=filter_text,
                max_page_size=page_size,
                page_token=token if token else UNSET,
                projection=projection_text,
            )
            if sent is not None:  # the wire calls it once the request has left (wire.SENT)
                kwargs["extensions"] = {SENT: sent}
            return self._errors.call("GET", collection.path, lambda: http.request(**kwargs))

        def read(response: httpx.Response) -> Page:
            page = reader.read(response.content)
            if page is None:  # off the spec: the error the generated models gave for it
                self._errors.remember(response)  # the request it names (another thread's)
                raise self._errors.unreadable("GET", collection.path, ok=(200,))
            return page

        def repeated() -> ServiceError:
            return ServiceError(
                "a page named the token of an earlier page, so the list would never end",
                service=self._errors.service,
                method="GET",
                path=collection.path,
                hint="The server's fault, not the configuration's: retry later, and report it "
                "to NMDC if it persists (run with -vv to see each page's request).",
            )

        return follow_page_tokens(send, next_token_at_end, read, repeated)

    def get_record(self, collection: Collection, key: str) -> dict[str, Any] | None:
        """One record by its natural key, or None. Without a get-one (samples): a filtered list."""
        getter: Endpoint | None = GETTERS.get(collection.name)
        if getter is None:
            found = list(self.list_records(collection, filter={collection.key: key}, page_size=2))
            return found[0] if found else None
        path, call = f"{collection.path}/{key}", getter.call()
        try:
            response = self._errors.call(
                "GET", path, lambda: call(key, client=self._api), lookup=True
            )
        except WrongAddress:
            raise  # a 404 from no such endpoint says nothing about the record
        except ServiceError as exc:
            if exc.status == 404:
                return None
            raise
        record = response.parsed
        if not isinstance(record, getter.answer()):
            raise _unparsed("GET", path, response.status_code)
        answer: dict[str, Any] = record.to_dict()
        return answer

    def create_record(self, collection: Collection, record: Mapping[str, Any]) -> dict[str, Any]:
        """Creates a record; AlreadyExists if its key is taken, OutcomeUnknown if unsure."""
        endpoint = CREATORS[collection.name]
        model, creator = endpoint.answer(), endpoint.call()
        body = request_body(model, collection, record)
        response = self._errors.call(
            "POST",
            collection.path,
            lambda: creator(client=self._api, body=body),
            ok=(201,),
            repeatable=False,
            conflict_statuses=collection.duplicate_statuses,
        )
        created = response.parsed
        if not isinstance(created, model):
            raise _unparsed("POST", collection.path, response.status_code)
        return drop_nulls(created.to_dict())

    def update_record(self, collection: Collection, record: Mapping[str, Any]) -> dict[str, Any]:
        """Sends the full record as PATCH; the server merges it over the stored one."""
        if not collection.updatable or collection.name not in UPDATERS:
            raise OmicformError(
                f"NMDC has no update for {collection.name}",
                hint="Create a new object under a new name instead.",
            )
        endpoint = UPDATERS[collection.name]
        model, updater = endpoint.answer(), endpoint.call()
        body = request_body(model, collection, record)
        key = str(record[collection.key])
        path = f"{collection.path}/{key}"
        response = self._errors.call(
            "PATCH", path, lambda: updater(key, client=self._api, body=body), lookup=True
        )
        updated = response.parsed
        if not isinstance(updated, model):
            raise _unparsed("PATCH", path, response.status_code)
        return drop_nulls(updated.to_dict())


def _opt(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _parsed(response: Response[Any], expected: type[T], method: str, path: str) -> T:
    """The typed body of a successful answer; an error if it had another shape."""
    if not isinstance(response.parsed, expected):
        raise _unparsed(method, path, response.status_code)
    return response.parsed


def _unparsed(method: str, path: str, status: int) -> ServiceError:
    return ServiceError(
        "the answer did not have the documented shape",
        service=SERVICE,
        method=method,
        path=path,
        status=status,
        hint="The server may be a different version than omicform expects; report this.",
    )
