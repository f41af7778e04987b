"""Which service and which documented route a request path belongs to.

The mount prefixes live here, in one place: the app mounts the services under them, the
fault layer uses them to know what it may break (never `/_sandbox`), and the request log
names routes by their templates so that counts group `/globus_tasks/t1` with `/t2`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

NMDC_PREFIX = "/nmdc"
NEMO_API_PREFIX = "/nemo/api"
NEMO_LOGIN_PREFIX = "/nemo-login"
ADMIN_PREFIX = "/_sandbox"

# (prefix, service) in matching order: the longest prefixes first.
PREFIXES: tuple[tuple[str, str], ...] = (
    (NEMO_LOGIN_PREFIX, "nemo"),
    (NEMO_API_PREFIX, "nemo"),
    (NMDC_PREFIX, "nmdc"),
)


def split_service(path: str) -> tuple[str | None, str, str]:
    """(service, prefix, path below the prefix); service None for anything else."""
    for prefix, service in PREFIXES:
        if path == prefix or path.startswith(prefix + "/"):
            return service, prefix, path[len(prefix) :] or "/"
    return None, "", path


class RouteTable:
    """Path templates (`/runs/{run_id}`) matched the way Starlette matches them."""

    def __init__(self, templates: Iterable[str]) -> None:
        self._patterns = [(_compile(t), t) for t in templates]
        # Every request is named; the same paths come again and again (a create's collection
        # path), so each is matched against the templates once. Bounded: ids make paths vary.
        self._known: dict[str, str] = {}

    def template(self, path: str) -> str:
        known = self._known.get(path)
        if known is None:
            known = self._match(path)
            if len(self._known) >= 4096:
                self._known.clear()
            self._known[path] = known
        return known

    def _match(self, path: str) -> str:
        for pattern, template in self._patterns:
            if pattern.match(path):
                return template
        return path


def _compile(template: str) -> re.Pattern[str]:
    """`{name}` matches one path segment; everything else literally (`json:validate`)."""
    pieces = re.split(r"(\{[^/{}]+\})", template)
    body = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in pieces)
    return re.compile(f"^{body}$")
