"""Boot the real NMDC Runtime API (PyPI ``nmdc-runtime``) for local tests.

This script runs INSIDE the dedicated server virtualenv made by
``realnmdc.harness.ensure_server_env`` (never in the project's own environment)::

    python boot.py --host 127.0.0.1 --port 8123

The server's code is used as published; this script only patches, at boot, the
three things a laptop without MongoDB, Dagster or internet does not have:

1. MongoDB   -> ``mongomock_ng`` (in-memory), shared by every client in the process.
2. The web   -> any HTTP request to a non-loopback host gets a local 404 answer,
                and a socket guard refuses any other non-loopback connection.
3. Dagster   -> ``json:submit`` normally asks a Dagster GraphQL server to run the
                ``apply_metadata_in`` job; here the package's own job runs in-process
                on a background thread instead.

Each patch is applied before ``nmdc_runtime.api.main`` is imported, because the
app binds ``MongoClient`` and friends at import time.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import socket
import sys
import threading
import time
import uuid

log = logging.getLogger("realnmdc.boot")


# ---------------------------------------------------------------------------
# 0. Environment defaults
# ---------------------------------------------------------------------------
def set_env_defaults(host: str, port: int) -> None:
    """The app reads these at import time (API_HOST_EXTERNAL: import fails without it).

    The harness passes real values; the defaults only make a bare
    ``python boot.py`` start too. API_HOST must point at this very server: the
    in-process Dagster job calls the API back over HTTP (object bytes, operations).
    """
    base = f"http://{host}:{port}"
    defaults = {
        "MONGO_HOST": "mongodb://localhost:27017",
        "MONGO_USERNAME": "mock",
        "MONGO_PASSWORD": "mock",
        "MONGO_DBNAME": "nmdc",
        "JWT_SECRET_KEY": uuid.uuid4().hex,
        "API_HOST": base,
        "API_HOST_EXTERNAL": base,
        "API_ADMIN_USER": "admin",
        "API_ADMIN_PASS": uuid.uuid4().hex,
        # The server insists on this site id for its own site.
        "API_SITE_ID": "nmdc-runtime",
        "API_SITE_CLIENT_ID": "nmdc-runtime-site-client",
        "API_SITE_CLIENT_SECRET": uuid.uuid4().hex,
        "MINTING_SERVICE_ID": "nmdc:minter_service_11",
        # Never contacted (see patch 3) but parsed as host:port.
        "DAGIT_HOST": "http://127.0.0.1:1",
        # Keep optional integrations off.
        "IS_SENTRY_ENABLED": "false",
        "IS_PROFILING_ENABLED": "false",
        # botocore (the S3 client some object routes build) would otherwise probe
        # the cloud metadata address 169.254.169.254 for credentials.
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
    # The API must call itself at the address it is actually served on.
    os.environ["API_HOST"] = base
    # Dagster: keep its run storage etc. ephemeral and out of the user's home.
    os.environ.pop("DAGSTER_HOME", None)


# ---------------------------------------------------------------------------
# 1. Offline web
# ---------------------------------------------------------------------------
def _is_loopback_host(host: str | None) -> bool:
    if not host:
        return False
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def patch_offline_web() -> None:
    """Answer every non-loopback HTTP request made through ``requests`` with 404.

    WHY: ``GET /objects/{object_id}`` (``nmdc_runtime/api/endpoints/objects.py``)
    first asks the public web whether the id is a schema term
    (``HEAD https://microbiomedata.github.io/nmdc-schema/<id>``; for ``sty-``/``bsm-``
    ids also ``data.microbiomedata.org``) and only on a 404 looks in its own
    database. The json:submit job reads the submitted JSON back through that very
    route. There is no network here and a test must never try it, so answer 404:
    the "not on the web" case the code already handles. Loopback requests (the
    Dagster job calling this API back) go through untouched.

    Patch point: ``requests.adapters.HTTPAdapter.send`` -- every ``requests``
    call, including ``requests_cache`` sessions, ends there.
    """
    from urllib.parse import urlsplit

    import requests
    from requests.adapters import HTTPAdapter

    real_send = HTTPAdapter.send

    def send(self, request, *args, **kwargs):
        if _is_loopback_host(urlsplit(request.url).hostname):
            return real_send(self, request, *args, **kwargs)
        print(f"[realnmdc.boot] offline: 404 for {request.method} {request.url}", file=sys.stderr)
        resp = requests.Response()
        resp.status_code = 404
        resp.reason = "Not Found (offline test server)"
        resp.url = request.url
        resp.request = request
        resp.headers["Content-Type"] = "text/plain"
        resp._content = b"Not Found (offline test server)"
        resp.encoding = "utf-8"
        return resp

    HTTPAdapter.send = send

    # Belt and braces: anything not going through `requests` (urllib, httpx,
    # raw sockets) must not reach the network either. Refuse any connection to
    # a non-loopback address. (DNS is never asked for non-loopback names.)
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0] if isinstance(address, tuple) else None
            if not _is_loopback_host(host):
                print(f"[realnmdc.boot] offline: refused connect to {address!r}", file=sys.stderr)
                raise OSError(101, f"offline test server: refusing connect to {address!r}")
        return real_connect(self, address)

    def getaddrinfo(host, *args, **kwargs):
        h = host.decode() if isinstance(host, bytes) else host
        if h is not None and not _is_loopback_host(h):
            print(f"[realnmdc.boot] offline: refused DNS lookup of {h!r}", file=sys.stderr)
            raise socket.gaierror(socket.EAI_NONAME, f"offline test server: no DNS for {h!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect
    socket.getaddrinfo = getaddrinfo


# ---------------------------------------------------------------------------
# 2. MongoDB -> mongomock_ng
# ---------------------------------------------------------------------------
def patch_mongo() -> None:
    """Substitute ``pymongo.MongoClient`` with an in-memory mongomock_ng client.

    WHY: the server needs MongoDB and none can be installed here.
    - Every client must see the SAME data (the API, and the Dagster job's
      ``mongo`` resource each build their own MongoClient), so all clients share
      one ``ServerStore``, and ``close()`` (which would wipe that store) is a no-op.
    - ``nmdc_runtime.api.models.query_continuation`` calls
      ``create_index({"last_modified": 1}, ...)`` at import time; pymongo accepts
      a dict key spec, mongomock_ng only lists/tuples -> convert dicts.
    - GridFS (where json:submit stores the submitted JSON) must accept mongomock
      databases -> ``enable_gridfs_integration``.
    """
    import mongomock_ng
    import pymongo
    from mongomock_ng.collection import Collection
    from mongomock_ng.gridfs import enable_gridfs_integration
    from mongomock_ng.store import ServerStore

    shared_store = ServerStore()

    class SharedMongoClient(mongomock_ng.MongoClient):
        def __init__(self, *args, **kwargs):
            kwargs["_store"] = shared_store
            # pymongo-only options (auth, directConnection, ...) mean nothing here.
            for key in ("username", "password", "directConnection", "authSource"):
                kwargs.pop(key, None)
            super().__init__(*args, **kwargs)

        def close(self) -> None:  # the base class clears the shared store
            pass

    pymongo.MongoClient = SharedMongoClient
    import pymongo.mongo_client

    pymongo.mongo_client.MongoClient = SharedMongoClient

    real_create_index = Collection.create_index

    def create_index(self, keys, *args, **kwargs):
        if isinstance(keys, dict):
            keys = list(keys.items())
        return real_create_index(self, keys, *args, **kwargs)

    Collection.create_index = create_index

    # Unique indexes on paths THROUGH arrays (multikey), e.g. the boot-time index
    # objects: (checksums.type, checksums.checksum) where `checksums` is a list of
    # {type, checksum}. mongomock_ng resolves "checksums.type" on a list as
    # missing, so EVERY second object collides (json:submit of any new document
    # -> 409). Generate index keys the way MongoDB does: one key per array
    # element, with fields under the same array taken from the same element;
    # and report the colliding key in the DuplicateKeyError like MongoDB does
    # (the server echoes it in its 409).
    from mongomock_ng import DuplicateKeyError

    missing = object()

    def index_keys(states):
        """states: one (value, remaining path parts) per indexed field -> key tuples."""
        states = list(states)
        for i, (value, parts) in enumerate(states):
            while parts and isinstance(value, dict):
                value, parts = value.get(parts[0], missing), parts[1:]
                if isinstance(value, list):
                    break
            if parts and not isinstance(value, list):
                value, parts = missing, ()
            states[i] = (value, parts)
        for value, _parts in states:
            if isinstance(value, list):
                out = []
                for element in value or [None]:
                    out.extend(
                        index_keys((element, p) if v is value else (v, p) for v, p in states)
                    )
                return out
        return [tuple(v for v, _p in states)]

    def compute_index_entries(doc, unique, is_sparse):
        keys = index_keys((doc, tuple(key.split("."))) for key, _order in unique)
        if is_sparse and all(v is missing for key in keys for v in key):
            return None
        # A missing field is indexed as null.
        return [tuple(None if v is missing else v for v in key) for key in keys]

    Collection._compute_index_entries = staticmethod(compute_index_entries)

    real_ensure_uniques = Collection._ensure_uniques

    def ensure_uniques(self, new_data):
        try:
            real_ensure_uniques(self, new_data)
        except DuplicateKeyError as exc:
            pattern = (exc.details or {}).get("keyPattern") or {}
            keys = [(k, 1) for k in pattern]
            try:
                mine = set(compute_index_entries(new_data, keys, False) or [])
                for doc in self._store.documents:
                    if doc.get("_id") == new_data.get("_id"):
                        continue
                    common = mine & set(compute_index_entries(doc, keys, False) or [])
                    if common:
                        first = sorted(common, key=repr)[0]
                        exc.details["keyValue"] = dict(zip(pattern, first, strict=True))
                        break
            except TypeError:  # unhashable (sub-document) key values: keep mongomock's report
                pass
            raise

    Collection._ensure_uniques = ensure_uniques

    enable_gridfs_integration()


# ---------------------------------------------------------------------------
# 3. Dagster GraphQL launch -> in-process job
# ---------------------------------------------------------------------------
class InProcessDagsterClient:
    """Stands in for ``dagster_graphql.DagsterGraphQLClient``.

    WHY: ``json:submit`` records a REQUESTED run event, then asks a Dagster
    webserver (``DAGIT_HOST``) to launch ``apply_metadata_in``; without one it
    answers 500. Here ``submit_job_execution`` runs the package's own job
    (``nmdc_runtime.site.repository.repo``) with ``execute_in_process`` on a
    background thread and returns its Dagster run id at once, like the real
    launch. The job calls this API back over HTTP and its last op writes the
    COMPLETE run event, so ``GET /runs/{id}`` goes STARTED -> COMPLETE (or FAIL)
    exactly as in production.

    A thread (not inline) because the request handler is ``async``: running the
    job inline would block the event loop that must answer the job's own HTTP
    calls.
    """

    def __init__(self) -> None:
        self._statuses: dict[str, str] = {}
        self._lock = threading.Lock()

    def submit_job_execution(
        self,
        job_name,
        repository_location_name=None,
        repository_name=None,
        run_config=None,
        tags=None,
        op_selection=None,
    ):
        from nmdc_runtime.site.repository import repo, run_config_frozen__normal_env
        from nmdc_runtime.util import unfreeze
        from toolz import merge

        job = repo.get_job(job_name)  # raises for an unknown job, like the real server would fail
        dagster_run_id = str(uuid.uuid4())
        config = merge(unfreeze(run_config_frozen__normal_env), run_config or {})
        with self._lock:
            self._statuses[dagster_run_id] = "STARTED"
        threading.Thread(
            target=self._run,
            args=(job, config, dagster_run_id),
            name=f"dagster-{job_name}",
            daemon=True,
        ).start()
        return dagster_run_id

    def _run(self, job, config, dagster_run_id):
        from nmdc_runtime.api.db.mongo import get_mongo_db
        from nmdc_runtime.api.models.run import _add_run_fail_event

        mdb = get_mongo_db()
        # The caller tags the STARTED event with our run id right after we return;
        # the job's last op finds the NMDC run by that tag. Wait for it.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if mdb.run_events.find_one({"run.facets.nmdcRuntime_dagsterRunId": dagster_run_id}):
                break
            time.sleep(0.05)
        try:
            result = job.execute_in_process(
                run_config=config, run_id=dagster_run_id, raise_on_error=False
            )
            ok = result.success
        except Exception:
            log.exception("in-process Dagster job failed")
            ok = False
        with self._lock:
            self._statuses[dagster_run_id] = "SUCCESS" if ok else "FAILURE"
        if not ok:
            # In production the repo's `on_run_fail` sensor writes the FAIL event.
            event = mdb.run_events.find_one({"run.facets.nmdcRuntime_dagsterRunId": dagster_run_id})
            if event is not None:
                _add_run_fail_event(run_id=event["run"]["id"], mdb=mdb)

    def get_run_status(self, run_id):
        from dagster import DagsterRunStatus

        with self._lock:
            status = self._statuses.get(run_id, "NOT_STARTED")
        return DagsterRunStatus(status)


def patch_dagster() -> None:
    """Make ``get_dagster_graphql_client()`` return the in-process client.

    Patch points: the function in ``nmdc_runtime.api.models.run`` and the copy
    bound by ``from ... import`` in ``nmdc_runtime.api.endpoints.util``.
    """
    import nmdc_runtime.api.endpoints.util as endpoints_util
    import nmdc_runtime.api.models.run as models_run

    client = InProcessDagsterClient()
    models_run.get_dagster_graphql_client = lambda: client
    endpoints_util.get_dagster_graphql_client = lambda: client


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log-level", default="warning")
    args = parser.parse_args(argv)
    if not _is_loopback_host(args.host):
        parser.error("this test server binds to loopback only")

    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    set_env_defaults(args.host, args.port)
    patch_offline_web()
    patch_mongo()
    patch_dagster()

    import uvicorn
    from nmdc_runtime.api.main import app

    print(f"[realnmdc.boot] serving on http://{args.host}:{args.port}", file=sys.stderr, flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)


if __name__ == "__main__":
    main()
