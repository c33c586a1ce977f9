"""Storage-wide mutual exclusion for the few steps that must not interleave between workers.

Optuna numbers trials atomically but has no "claim one of the T slots" operation, so two workers that both
see T-1 trials would both start one. A worker therefore holds a :class:`SlotLock` while it counts trials and
reserves the next one (and while it registers itself). The lock is released by the operating system or the
database server when its process dies, so a killed worker never blocks the others.
"""

from __future__ import annotations

import abc


class SlotLock(abc.ABC):
    """A re-entrant-free, blocking lock shared by every worker of one study."""

    @abc.abstractmethod
    def acquire(self) -> None: ...

    @abc.abstractmethod
    def release(self) -> None: ...

    def close(self) -> None:
        """Free the resources behind the lock (connections, file handles)."""

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def slot_lock_for(spec, study_name: str) -> SlotLock:
    """The lock that fits a :class:`~codesearch.study._storage.StorageSpec`."""
    if spec.kind == "postgres":
        from ._pg_lock import AdvisorySlotLock

        return AdvisorySlotLock(spec.url, study_name)
    if spec.path is None:  # in-memory SQLite: one process only
        from ._file_lock import NullSlotLock

        return NullSlotLock()
    from ._file_lock import FileSlotLock

    return FileSlotLock(f"{spec.path}.{study_name}.lock")
