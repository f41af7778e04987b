"""What omicform last did: the state, in a local file or a shared PostgreSQL database,
written under a lock (backends.py says how the two fit one protocol)."""

from omicform.state.backends import StateBackend, is_postgres_url, open_state
from omicform.state.lock import StateLock, force_unlock
from omicform.state.model import ResourceState, State
from omicform.state.store import LineageMismatch, StateStore, StateWriteFailed, default_state_path
from omicform.state.transfer import StateBehind, pull, push

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
