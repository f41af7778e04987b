"""The state lock: one writer at a time, and a dead holder on this host is recognised."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from omicform.errors import OmicformError


class StateLocked(OmicformError):
    default_hint = (
        "Wait for the other run to finish. If it is gone, `omicform force-unlock` removes the lock."
    )


def lock_path(state_path: Path) -> Path:
    return state_path.with_name(state_path.name + ".lock")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class StateLock:
    """An exclusive lock file beside the state, holding who took it and when."""

    def __init__(
        self,
        state_path: Path,
        *,
        operation: str,
        wait: float = 0.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.path = lock_path(state_path)
        self.operation = operation
        self.wait = wait
        self._sleep = sleep
        self.took_over: dict[str, Any] | None = None  # a stale lock this one replaced

    def holder(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, RecursionError):
            return {"pid": None, "host": "?", "operation": "?", "since": "?"}
        return data if isinstance(data, dict) else None

    def acquire(self) -> None:
        deadline = time.monotonic() + self.wait
        me = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "operation": self.operation,
            "since": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "nonce": uuid.uuid4().hex,
        }
        while True:
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                holder = self.holder()
                if holder is not None and self._stale(holder):
                    if self._take_over(holder):
                        self.took_over = holder
                    continue
                if time.monotonic() >= deadline:
                    raise StateLocked(f"the state is locked by {describe_holder(holder)}") from None
                self._sleep(0.2)
                continue
            except OSError as exc:
                raise StateLocked(
                    f"cannot create the lock {self.path}: {exc.strerror or exc}",
                    hint="Make the state's folder writable, or pass --state PATH to a "
                    "writable place.",
                ) from None
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(me, handle)
            return

    def _take_over(self, stale: dict[str, Any]) -> bool:
        """Removes `stale`'s lock, unless another run took it over first.

        Two runs may both find the same dead holder; a plain unlink by the slower one
        would delete the lock the faster one has just made. Moving the file aside first
        and checking it is the stale one makes the removal safe.
        """
        aside = self.path.with_name(f"{self.path.name}.{uuid.uuid4().hex}.stale")
        try:
            os.rename(self.path, aside)
        except FileNotFoundError:
            return False
        try:
            moved = json.loads(aside.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            moved = None
        if moved != stale:
            with contextlib.suppress(FileExistsError):
                os.link(aside, self.path)  # a live lock: put it back
            aside.unlink(missing_ok=True)
            return False
        aside.unlink(missing_ok=True)
        return True

    @staticmethod
    def _stale(holder: dict[str, Any]) -> bool:
        """Stale: taken on this host by a process that is gone. Another host's lock never is."""
        pid = holder.get("pid")
        return (
            holder.get("host") == socket.gethostname() and isinstance(pid, int) and not _alive(pid)
        )

    def release(self) -> None:
        holder = self.holder()
        if holder is not None and holder.get("pid") == os.getpid():
            self.path.unlink(missing_ok=True)

    def __enter__(self) -> StateLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class HolderAlive(StateLocked):
    default_hint = (
        "Let that run finish, or stop it. Removing a live run's lock lets two applies write "
        "at once (two NeMO submissions, metadata submitted twice). Only if you are sure, "
        "`omicform force-unlock --force` removes it anyway."
    )


def live_local_holder(holder: dict[str, Any] | None) -> bool:
    """True when the lock is held by a process that is running on this host."""
    if not holder:
        return False
    pid = holder.get("pid")
    return holder.get("host") == socket.gethostname() and isinstance(pid, int) and _alive(pid)


def force_unlock(state_path: Path, *, force: bool = False) -> dict[str, Any] | None:
    """Removes the lock and returns who held it; refuses a live holder here unless `force`.

    Another host's holder cannot be checked from here: removing its lock is what this
    command is for, once the user knows that run is gone.
    """
    lock = StateLock(state_path, operation="force-unlock")
    holder = lock.holder()
    if not force and live_local_holder(holder):
        raise HolderAlive(
            f"the state is locked by {describe_holder(holder)}, which is still running"
        )
    lock.path.unlink(missing_ok=True)
    return holder


def describe_holder(holder: dict[str, Any] | None) -> str:
    if not holder:
        return "another run"
    return (
        f"`omicform {holder.get('operation', '?')}` (pid {holder.get('pid')} on "
        f"{holder.get('host')}, since {holder.get('since')})"
    )
