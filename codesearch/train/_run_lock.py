"""One writer per run folder: an exclusive ``flock`` on ``RUN/.lock`` for as long as a run writes there.

The operating system drops the lock when its process dies, so a killed run never blocks the next one; the
lock file itself stays (it is empty but for the holder's pid) and is not part of the run's results.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

LOCK_NAME = ".lock"


class RunFolderBusy(RuntimeError):
    """Another process holds the run folder's lock."""


@contextlib.contextmanager
def run_folder_lock(out_dir: str | os.PathLike):
    """Hold the lock of run folder ``out_dir`` (created when missing); RunFolderBusy at once, without waiting,
    when another process (e.g. a second ``torchrun`` rank with the same ``--out``) holds it."""
    import fcntl

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(out / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            raise RunFolderBusy(
                f"Another process (pid {holder}) is writing the run folder {out}; wait for it to end or choose "
                "another --out (under torchrun only rank 0 may write a run folder)."
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        try:
            yield out
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
