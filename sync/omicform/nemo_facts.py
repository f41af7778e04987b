"""Facts of NeMO's documentation that the client and the sandbox share on purpose.

The sandbox emulates NeMO independently of the client, so that the differential tests
can catch either being wrong; what both must agree on by definition (the names and order
of the ingest steps) is stated once, here.
"""

from __future__ import annotations

# The six ingest steps, in order (NeMO's submission API docs). A step NeMO might add is read
# as text by the client (see specs/nemo-archive.yaml, StepName).
STEP_NAMES = (
    "manifest_validated",
    "upload_complete",
    "qc_complete",
    "https_release",
    "gcp_release",
    "portal_release",
)
