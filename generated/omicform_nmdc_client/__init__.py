"""A client library for accessing NMDC Runtime API (privileged subset used by omicform)"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
