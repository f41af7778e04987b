"""The NMDC Runtime API part of the sandbox, mounted at `/nmdc`.

It answers as nmdc-runtime 2.19.0 does for the endpoints in specs/nmdc-runtime.yaml, down to
statuses, error texts and the order in which the server checks things.
"""
