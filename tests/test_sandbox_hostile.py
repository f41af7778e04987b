"""Hostile input never crashes the sandbox: every route answers a table of malformed requests
with the service's own 4xx shape, never a 5xx.

NMDC answers FastAPI's way (`{"detail": ...}`: 422 for a body or query it cannot use, 400 or
401 otherwise); NeMO its way (`{"message": ...}`, 400 for what it cannot read); the admin
routes `{"error": ...}`. The only 500s left are the three the real nmdc-runtime itself sends
for input it does not handle (see `faithful_500`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import httpx
import pytest

from omicform.sandbox import Sandbox, run_sandbox
from omicform.sandbox.testing import bearer, nemo_jwt, nmdc_token

DEEP = 100_000  # far past Python's recursion limit
TOKEN_FORM = b"grant_type=client_credentials&client_id=sandbox-client&client_secret=sandbox-secret"
NESTED_BODY = b"[" * DEEP + b"]" * DEEP
NESTED_OBJECT = b'{"a":' * DEEP + b"1" + b"}" * DEEP
MULTIPART_TYPE = "multipart/form-data; boundary=b"
MULTIPART = (
    b'--b\r\nContent-Disposition: form-data; name="%s"; filename="m.tsv"\r\n\r\n%s\r\n--b--\r\n'
)
MULTIPART_NOTE = (
    b'--b\r\nContent-Disposition: form-data; name="manifest"; filename="m.tsv"\r\n\r\nx\r\n'
    b'--b\r\nContent-Disposition: form-data; name="notification"\r\n\r\n%s\r\n--b--\r\n'
)


@dataclass(frozen=True)
class Hostile:
    """One malformed request: raw bytes, so nothing on the client side tidies them up."""

    name: str
    body: bytes | None = None
    content_type: str | None = "application/json"
    authorization: bytes | None = None  # None: the route's valid token
    query: str = ""
    extra_headers: dict[str, bytes] = field(default_factory=dict)


# Bodies every JSON route is sent; each is wrong in a different way.
BODIES: tuple[Hostile, ...] = (
    Hostile("nan", b'{"how_many": NaN, "task_id": NaN, "username": NaN, "id": NaN}'),
    Hostile("infinity", b'{"how_many": Infinity, "task_id": -Infinity, "status": [Infinity]}'),
    Hostile("bare nan", b"NaN"),
    Hostile("nested array", NESTED_BODY),
    Hostile("nested object", NESTED_OBJECT),
    Hostile("list", b"[1, 2, 3]"),
    Hostile("string", b'"just text"'),
    Hostile("number", b"12"),
    Hostile("null", b"null"),
    Hostile("wrong types", b'{"task_id": 1, "how_many": {}, "schema_class": [], "status": 5}'),
    Hostile("huge number", b'{"how_many": 1' + b"0" * 5000 + b', "page": 1e999}'),
    Hostile("not utf-8", b'{"task_id": "\xff\xfe"}'),
    Hostile("lone surrogate", b'{"task_id": "\\ud800", "username": "\\udfff"}'),
    Hostile("nul", b'{"task_id": "a\\u0000b", "id": "\\u0000"}'),
    Hostile("truncated", b'{"task_id": '),
    Hostile("empty", b""),
    Hostile("bad multipart", b"--x\r\nno headers", "multipart/form-data; boundary=x"),
    Hostile("no boundary", b"--x\r\n\r\n", "multipart/form-data"),
    Hostile("non-latin boundary", b"--\xe9\r\n", "multipart/form-data; boundary*=utf-8''%C3%A9"),
    Hostile("form", b"a=%ff&b=\xff", "application/x-www-form-urlencoded"),
    Hostile("garbage type", b"{}", "\x01; ;;=="),
    Hostile("deep but allowed", b'{"a":' * 98 + b"[1]" + b"}" * 98),
    Hostile("just too deep", b"[" * 101 + b"]" * 101),
    Hostile("overflowing number", b'{"how_many": 1e999, "task_id": -1e999, "seconds": 1e999}'),
    Hostile("far future", b'{"seconds": 1e300, "steps": 1e300, "status": "FAIL"}'),
    Hostile(
        "garbage manifest", MULTIPART % (b"manifest", b"\x00\xff\xfe\t\t\r\n" * 50), MULTIPART_TYPE
    ),
    Hostile("nan notification", MULTIPART_NOTE % b'{"url": NaN}', MULTIPART_TYPE),
    Hostile("deep notification", MULTIPART_NOTE % (b"[" * 5000), MULTIPART_TYPE),
)

# Authorization headers every route is sent, with an otherwise sensible body.
AUTHORIZATIONS: tuple[bytes, ...] = (
    "Bearer é".encode("latin-1"),
    "Bearer \u00e9\u00e8".encode("latin-1"),
    b"Bearer \xff\xfe\xfd",
    b"Bearer a.b.c",
    b"Bearer \xe9.\xe9.\xe9",
    b"Bearer",
    b"Bearer  \t x",
    b"Basic \xe9\xe9",
    b"Basic !!!notbase64",
    b"Basic " + b"w6k6w6k=",  # "é:é" in UTF-8
    b"\xff",
    b"x" * 8000,
)

QUERIES: tuple[str, ...] = (
    "page=%ff",
    "page=99999999999999999999999999999999",
    "page=-1&page=abc",
    "max_page_size=1e999",
    "max_page_size=-99999999999999999999999999",
    "max_page_size=%00",
    "filter=%7B%22a%22%3A%20NaN%7D",
    "filter=" + "%7B%22a%22%3A" * 1500 + "1" + "%7D" * 1500,
    "filter=%7B%22%24and%22%3A%20" + "%5B%7B%22%24and%22%3A" * 1200 + "%5B%5D" + "%7D%5D" * 1200,
    "filter=%7B%22a%22%3A%20%7B%22%24date%22%3A%20%22x%22%7D%7D",
    "filter=%7B%22a%22%3A%20%7B%22%24date%22%3A%201e999%7D%7D",
    "projection=%ff,,.,..",
    "page_token=%ff",
    "all=%ff&dryrun=%ff",
)


def faithful_500(path: str, hostile: Hostile) -> bool:
    """Inputs the real nmdc-runtime itself answers with a plain 500 (unhandled there): a
    token request without a client secret or with a bearer credential, and a filter bson
    cannot read (`{"$date": "x"}`). The sandbox keeps them; test_sandbox_differential.py
    compares them with the real server."""
    if path == "/nmdc/token":
        bearer_credential = (hostile.authorization or b"").partition(b" ")[2] != b""
        return bearer_credential or b"client_secret=" not in (hostile.body or b"")
    return "%24date" in hostile.query


NMDC_ROUTES = (
    ("POST", "/nmdc/token"),
    ("POST", "/nmdc/metadata/json:validate"),
    ("POST", "/nmdc/metadata/json:submit"),
    ("GET", "/nmdc/runs/nmdc:sys0xyz"),
    ("POST", "/nmdc/pids/mint"),
    ("POST", "/nmdc/wf_file_staging/globus_tasks"),
    ("GET", "/nmdc/wf_file_staging/globus_tasks"),
    ("GET", "/nmdc/wf_file_staging/globus_tasks/t%ff"),
    ("PATCH", "/nmdc/wf_file_staging/globus_tasks/t1"),
    ("POST", "/nmdc/wf_file_staging/jgi_samples"),
    ("GET", "/nmdc/wf_file_staging/jgi_samples"),
    ("PATCH", "/nmdc/wf_file_staging/jgi_samples/f1"),
    ("POST", "/nmdc/wf_file_staging/jgi_sequencing_projects"),
    ("GET", "/nmdc/wf_file_staging/jgi_sequencing_projects"),
    ("GET", "/nmdc/wf_file_staging/jgi_sequencing_projects/%00"),
)
NEMO_ROUTES = (
    ("POST", "/nemo-login/v1/login"),
    ("GET", "/nemo/api/submission"),
    ("POST", "/nemo/api/submission"),
    ("POST", "/nemo/api/submission/search"),
    ("GET", "/nemo/api/submission/%ff%fe"),
)
ADMIN_ROUTES = (
    ("PATCH", "/_sandbox/settings"),
    ("POST", "/_sandbox/clock/advance"),
    ("POST", "/_sandbox/nemo/submissions/none/advance"),
    ("POST", "/_sandbox/nemo/submissions/none/fail"),
    ("POST", "/_sandbox/nmdc/runs/none/finish"),
    ("GET", "/_sandbox/requests"),
)
ROUTES = (*NMDC_ROUTES, *NEMO_ROUTES, *ADMIN_ROUTES)


# One client for the module: making an httpx.Client costs more than a request.
_CLIENT = httpx.Client(timeout=30)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with run_sandbox(step_seconds=0) as running, _CLIENT:
        yield running


@pytest.fixture(scope="module")
def tokens(sandbox: Sandbox) -> dict[str, bytes]:
    return {
        "nmdc": bearer(nmdc_token(sandbox))["Authorization"].encode(),
        "nemo": bearer(nemo_jwt(sandbox))["Authorization"].encode(),
    }


def _send(
    sandbox: Sandbox, method: str, path: str, hostile: Hostile, token: bytes
) -> httpx.Response:
    headers: list[tuple[bytes, bytes]] = [(b"authorization", hostile.authorization or token)]
    if hostile.content_type is not None:
        headers.append((b"content-type", hostile.content_type.encode("latin-1")))
    headers += list(hostile.extra_headers.items())
    url = sandbox.base_url + path + ("?" + hostile.query if hostile.query else "")
    request = httpx.Request(method, url, content=hostile.body or b"", headers=headers)
    return _CLIENT.send(request)


def _check(response: httpx.Response, method: str, path: str, case: Hostile) -> str | None:
    """None if the answer is fine; otherwise what is wrong with it."""
    status = response.status_code
    if status >= 500:
        if faithful_500(path, case):
            return None
        return f"{method} {path} [{case.name}] -> {status} {response.text[:120]!r}"
    if status >= 400:
        body = response.json()
        key = "error" if path.startswith("/_sandbox") else "detail"
        key = "message" if path.startswith("/nemo") else key
        if not isinstance(body, dict) or key not in body:
            return f"{method} {path} [{case.name}] -> {status} without {key!r}: {response.text}"
    return None


def _token_for(path: str, tokens: dict[str, bytes]) -> bytes:
    if path == "/nmdc/token":
        return b""  # a bearer credential there is one of the real server's own 500s
    return tokens["nemo"] if path.startswith("/nemo") else tokens["nmdc"]


def _sensible(path: str, name: str) -> Hostile:
    """A body the route can read, so that only the header or the query is hostile."""
    if path == "/nmdc/token":
        return Hostile(name, TOKEN_FORM, "application/x-www-form-urlencoded")
    return Hostile(name, b"{}")


def _problems(sandbox: Sandbox, cases: list[tuple[str, str, Hostile, bytes]]) -> list[str]:
    found = []
    for method, path, case, token in cases:
        problem = _check(_send(sandbox, method, path, case, token), method, path, case)
        if problem:
            found.append(problem)
    return found


def test_malformed_bodies_never_give_a_5xx(sandbox: Sandbox, tokens: dict[str, bytes]) -> None:
    cases = [
        (method, path, case, _token_for(path, tokens))
        for method, path in ROUTES
        if method != "GET"
        for case in BODIES
    ]
    assert _problems(sandbox, cases) == []


def test_garbage_authorization_headers_never_give_a_5xx(sandbox: Sandbox) -> None:
    cases = [
        (method, path, replace(_sensible(path, repr(value[:12])), authorization=value), b"")
        for method, path in (*NMDC_ROUTES, *NEMO_ROUTES)
        for value in AUTHORIZATIONS
    ]
    assert _problems(sandbox, cases) == []


def test_hostile_query_strings_never_give_a_5xx(sandbox: Sandbox, tokens: dict[str, bytes]) -> None:
    cases = [
        (method, path, replace(_sensible(path, query[:40]), query=query), _token_for(path, tokens))
        for method, path in ROUTES
        for query in QUERIES
    ]
    assert _problems(sandbox, cases) == []


def test_a_non_ascii_bearer_token_is_the_services_401(sandbox: Sandbox) -> None:
    token = Hostile("non-ascii", b"{}", authorization="Bearer é".encode("latin-1"))
    nmdc = _send(sandbox, "GET", "/nmdc/wf_file_staging/globus_tasks", token, b"")
    assert (nmdc.status_code, nmdc.json()) == (
        401,
        {"detail": "Access token is invalid. Please log in again."},
    )
    assert nmdc.headers["www-authenticate"] == "Bearer"
    nemo = _send(sandbox, "GET", "/nemo/api/submission", token, b"")
    assert (nemo.status_code, nemo.json()) == (401, {"message": "Invalid or missing token."})


def test_nan_and_infinity_are_not_json(sandbox: Sandbox, tokens: dict[str, bytes]) -> None:
    nan = Hostile("nan", b'{"task_id": NaN, "task_status": "x"}')
    nmdc = _send(sandbox, "POST", "/nmdc/wf_file_staging/globus_tasks", nan, tokens["nmdc"])
    assert nmdc.status_code == 422
    [problem] = nmdc.json()["detail"]
    assert (problem["type"], problem["loc"][0]) == ("json_invalid", "body")
    search = _send(sandbox, "POST", "/nemo/api/submission/search", nan, tokens["nemo"])
    assert (search.status_code, search.json()) == (
        400,
        {"message": "The search document was invalid."},
    )


def test_deeply_nested_bodies_are_fastapis_400(sandbox: Sandbox, tokens: dict[str, bytes]) -> None:
    for body in (NESTED_OBJECT, b"[" * 101 + b"]" * 101):
        deep = Hostile("nested", body)
        nmdc = _send(sandbox, "POST", "/nmdc/metadata/json:validate", deep, tokens["nmdc"])
        assert (nmdc.status_code, nmdc.json()) == (
            400,
            {"detail": "There was an error parsing the body"},
        )
        search = _send(sandbox, "POST", "/nemo/api/submission/search", deep, tokens["nemo"])
        assert (search.status_code, search.json()) == (
            400,
            {"message": "The search document was invalid."},
        )
        login = _send(sandbox, "POST", "/nemo-login/v1/login", deep, b"")
        assert (login.status_code, login.json()) == (401, {"message": "Login failed."})


def test_a_hundred_levels_are_still_read(sandbox: Sandbox, tokens: dict[str, bytes]) -> None:
    deep = Hostile("deep", b'{"study_set": [' + b"[" * 98 + b"]" * 98 + b"]}")
    nmdc = _send(sandbox, "POST", "/nmdc/metadata/json:validate", deep, tokens["nmdc"])
    assert nmdc.status_code == 200
    assert nmdc.json()["result"] == "errors"
