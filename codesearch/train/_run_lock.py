"""One writer per run folder: an exclusive ``flock`` on ``RUN/.lock`` for as long as a run writes there.

The operating system drops the lock when its process dies, so a killed run never blocks the next one (its
empty ``.lock`` file stays behind and is harmless); a run that ends normally removes the file. The file holds
the pid of its holder, for the error message of a second writer.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

LOCK_NAME = ".lock"


class RunFolderBusy(RuntimeError):
    """Another process holds the run folder's lock."""


def _acquire(path: Path, out: Path) -> int:
    import fcntl

    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise RunFolderBusy(
                f"Another process (pid {holder}) is writing the run folder {out}; wait for it to end or choose "
                "another --out (under torchrun only rank 0 may write a run folder)."
            ) from None
        try:  # the holder before us may have removed the file between our open and our flock: try again
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


@contextlib.contextmanager
def run_folder_lock(out_dir: str | os.PathLike):
    """Hold the lock of run folder ``out_dir`` (created when missing); RunFolderBusy at once, without waiting,
    when another process (e.g. a second ``torchrun`` rank with the same ``--out``) holds it."""
    import fcntl

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / LOCK_NAME
    fd = _acquire(path, out)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield out
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)  # while still locked: a waiting opener sees a stale inode and retries
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
