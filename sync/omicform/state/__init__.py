"""What omicform last did: the state, in a local file or a shared PostgreSQL database,
written under a lock (backends.py says how the two fit one protocol).

The names below are imported on first use (PEP 562): a module that needs only the state's
model does not import the lock, the transfer between backends and the store with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from omicform.lazy import first_use

if TYPE_CHECKING:
    from omicform.state.backends import StateBackend, is_postgres_url, open_state
    from omicform.state.lock import StateLock, force_unlock
    from omicform.state.model import ResourceState, State
    from omicform.state.store import (
        LineageMismatch,
        StateStore,
        StateWriteFailed,
        default_state_path,
    )
    from omicform.state.transfer import StateBehind, pull, push

# Each public name -> the module that defines it.
_LAZY: dict[str, str] = {
    **dict.fromkeys(["StateBackend", "is_postgres_url", "open_state"], "omicform.state.backends"),
    **dict.fromkeys(["StateLock", "force_unlock"], "omicform.state.lock"),
    **dict.fromkeys(["ResourceState", "State"], "omicform.state.model"),
    **dict.fromkeys(
        ["LineageMismatch", "StateStore", "StateWriteFailed", "default_state_path"],
        "omicform.state.store",
    ),
    **dict.fromkeys(["StateBehind", "pull", "push"], "omicform.state.transfer"),
}

__all__ = [
    "LineageMismatch",
    "ResourceState",
    "State",
    "StateBackend",
    "StateBehind",
    "StateLock",
    "StateStore",
    "StateWriteFailed",
    "default_state_path",
    "force_unlock",
    "is_postgres_url",
    "open_state",
    "pull",
    "push",
]


_first_use = first_use(__name__, _LAZY, globals())


def __getattr__(name: str) -> Any:
    return _first_use(name)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
