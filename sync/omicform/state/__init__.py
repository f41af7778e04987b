"""What omicform last did: the state file, written atomically under a lock."""

from omicform.state.lock import StateLock, force_unlock
from omicform.state.model import ResourceState, State
from omicform.state.store import LineageMismatch, StateStore, StateWriteFailed, default_state_path

__all__ = [
    "LineageMismatch",
    "ResourceState",
    "State",
    "StateLock",
    "StateStore",
    "StateWriteFailed",
    "default_state_path",
    "force_unlock",
]
