"""Reading the user's files: every way a read can fail becomes an error naming the file.

Also where a desired-state file may point: a config from an untrusted pull request must not
read `/etc/passwd` or `~/.ssh` through `from:` or `file:` (nor through a symlink inside the
folder), so paths that resolve outside the config's folder are refused unless whoever runs
omicform allows it in the environment, which a file cannot do for itself.
"""

from __future__ import annotations

import os
import stat
from codecs import BOM_UTF8
from pathlib import Path

from omicform.desired.display import shown
from omicform.desired.model import Origin
from omicform.errors import ConfigError

ALLOW_OUTSIDE_ENV = "OMICFORM_ALLOW_OUTSIDE_PATHS"


def read_user_file(path: Path, *, field: str | None = None) -> bytes:
    """The bytes of a file the user named, or a ConfigError that says why not."""
    file = str(path)
    try:
        return _regular_file_bytes(path, file, field)
    except IsADirectoryError:
        raise ConfigError(
            "this is a folder, not a file", file=file, field=field, hint="Name a file."
        ) from None
    except FileNotFoundError:
        raise ConfigError("no such file", file=file, field=field) from None
    except PermissionError:
        raise ConfigError(
            "permission denied: the file cannot be read",
            file=file,
            field=field,
            hint="Make it readable by the user running omicform (chmod u+r).",
        ) from None
    except OSError as exc:
        raise ConfigError(f"cannot read the file: {exc.strerror or exc}", file=file) from None


def _regular_file_bytes(path: Path, file: str, field: str | None) -> bytes:
    """A regular file's bytes. A pipe would block the read until something wrote to it, and a
    device such as /dev/zero never ends: both are refused, unread. Opened without blocking
    (which a pipe would otherwise do on open), then checked, so nothing can swap it in."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(path)
        if not stat.S_ISREG(mode):
            raise ConfigError(
                "not a regular file (a pipe, a device or a socket)",
                file=file,
                field=field,
                hint="Name a file: omicform reads only regular files.",
            )
        return handle.read()


def decode_utf8(data: bytes, file: str, *, field: str | None = None, bom: bool = False) -> str:
    """`data` as UTF-8 text (a leading byte order mark dropped when `bom`)."""
    # Not the utf-8-sig codec: it is Python code and copies the text once more.
    skip = len(BOM_UTF8) if bom and data.startswith(BOM_UTF8) else 0
    try:
        return (data[skip:] if skip else data).decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + skip
        raise ConfigError(
            f"not UTF-8 text (byte 0x{data[offset]:02x} at offset {offset})",
            file=file,
            line=data.count(b"\n", 0, offset) + 1,
            field=field,
            hint="Save the file as UTF-8.",
        ) from None


def is_file(path: Path) -> bool:
    """Like Path.is_file, but False (not an OSError) for a name too long for the system."""
    try:
        return path.is_file()
    except OSError:
        return False


def outside_allowed() -> bool:
    return os.environ.get(ALLOW_OUTSIDE_ENV) == "1"


def user_path(name: str, base: Path, where: Origin, field: str) -> Path:
    """`name` (relative to `base`, the config's folder), refused if it leads outside it.

    Returns the path as written (joined to `base`), so messages and plans keep their form.
    """
    path = Path(name) if Path(name).is_absolute() else base / name
    if outside_allowed():
        return path
    try:
        target, root = path.resolve(), base.resolve()
    except (OSError, RuntimeError) as exc:  # a symlink loop
        raise ConfigError(
            f"cannot resolve {shown(name)}: {exc}", file=where.file, line=where.line, field=field
        ) from None
    if not target.is_relative_to(root):
        raise ConfigError(
            f"{shown(name)} leads outside the configuration's folder {root}",
            file=where.file,
            line=where.line,
            field=field,
            hint=(
                "Keep tables, documents and manifests inside the folder (symlinks are "
                f"followed). To allow it, set {ALLOW_OUTSIDE_ENV}=1 in the environment."
            ),
        )
    return path
