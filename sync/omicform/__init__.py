"""omicform: declarative plan/apply for the NMDC Runtime API and the NeMO Archive."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("omicform")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
