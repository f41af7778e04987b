"""A client library for accessing NeMO Archive submission API (as used by omicform)"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
