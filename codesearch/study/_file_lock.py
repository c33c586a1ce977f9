"""A lock file next to the journal / SQLite file (``fcntl.flock``: released when the process dies)."""

from __future__ import annotations

import os

from ._lock import SlotLock


class FileSlotLock(SlotLock):
    """``flock`` on ``path``: several processes on one machine (or a file system with working locks)."""

    def __init__(self, path: str):
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> None:
        import fcntl

        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)
        self._fd = fd

    def release(self) -> None:
        import fcntl

        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class NullSlotLock(SlotLock):
    """No locking: for storages that live in one process (in-memory SQLite)."""

    def acquire(self) -> None:
        pass

    def release(self) -> None:
        pass
