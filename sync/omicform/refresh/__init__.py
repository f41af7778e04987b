"""Reading the remote state of what the desired state and the state file name."""

from omicform.refresh.reader import refresh
from omicform.refresh.snapshot import Remote, Snapshot, fingerprint

__all__ = ["Remote", "Snapshot", "fingerprint", "refresh"]
