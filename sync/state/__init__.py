"""What omicform last did: the state file, written atomically under a lock."""

from omicform.state.lock import StateLock, force_unlock
from omicform.state.model import ResourceState, State
from omicform.state.store import StateStore, default_state_path

__all__ = [
    "ResourceState",
    "State",
    "StateLock",
    "StateStore",
    "default_state_path",
    "force_unlock",
]
