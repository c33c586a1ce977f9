"""Where a study lives: resolve ``--storage`` and open the matching Optuna storage.

* no ``--storage``: an Optuna journal file at ``runs/NAME/journal.log`` (embedded, several processes on one
  machine);
* a plain path: a journal file there;
* ``sqlite:///path``: Optuna's RDB storage on SQLite (single-process use);
* ``postgresql+psycopg://user:pass@host[:port]/db``: Optuna's RDB storage on PostgreSQL with heartbeats, so the
  trial of a worker that died is failed and re-queued (many machines).
"""

from __future__ import annotations

import contextlib
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from ._errors import StudyError, StudyUsageError

#: URL prefixes accepted as RDB storages.
_SQLITE = "sqlite:///"
_POSTGRES = "postgresql+psycopg://"


@dataclass(frozen=True)
class StorageSpec:
    kind: str  # "journal", "sqlite" or "postgres"
    url: str  # what Optuna is given: the journal file path, or the SQLAlchemy URL
    path: str | None = None  # journal file or SQLite database file (None for PostgreSQL / in-memory SQLite)

    def display(self) -> str:
        """The location with any password hidden (for messages and status output)."""
        if self.kind != "postgres":
            return self.url
        head, sep, tail = self.url.partition("@")
        if not sep or ":" not in head[len(_POSTGRES) :]:
            return self.url
        user = head[len(_POSTGRES) :].split(":", 1)[0]
        return f"{_POSTGRES}{user}:***@{tail}"


def default_storage_path(name: str, root: str | os.PathLike = "runs") -> Path:
    """``runs/NAME/journal.log``: the default storage of study ``name``."""
    return Path(root) / name / "journal.log"


def resolve_storage(storage: str | None, name: str, *, root: str | os.PathLike = "runs") -> StorageSpec:
    """Interpret ``--storage`` (None: the default journal file of study ``name``).

    StudyUsageError for a URL scheme that is not supported."""
    if storage is None or storage == "":
        return StorageSpec(
            "journal", str(default_storage_path(name, root)), str(default_storage_path(name, root))
        )
    if storage.startswith(_SQLITE):
        rest = storage[len(_SQLITE) :]
        path = None if rest in ("", ":memory:") else rest
        return StorageSpec("sqlite", storage, path)
    if storage.startswith(_POSTGRES):
        return StorageSpec("postgres", storage, None)
    if storage.startswith(("postgresql://", "postgres://", "postgresql+psycopg2://")):
        raise StudyUsageError(
            f"Use the psycopg 3 driver for PostgreSQL: write the storage as 'postgresql+psycopg://...', "
            f"not {storage.split('://', 1)[0] + '://...'!r}."
        )
    if "://" in storage:
        raise StudyUsageError(
            f"Unsupported storage {storage.split('://', 1)[0] + '://...'!r}: give a journal file path, "
            "'sqlite:///FILE' or 'postgresql+psycopg://user:pass@host/db'."
        )
    return StorageSpec("journal", storage, storage)


@dataclass(frozen=True)
class HeartbeatOptions:
    interval: int = 10  # seconds between heartbeats of a running trial (RDB storages)
    grace_period: int = 30  # a running trial without a heartbeat for this long is failed and re-queued
    max_retry: int = 2  # how often one trial is re-queued after its worker died


@contextlib.contextmanager
def _schema_lock(spec: StorageSpec):
    """On PostgreSQL, serialise Optuna's table creation: workers that open a fresh database at the same
    moment would otherwise race in CREATE TABLE (duplicate-key errors in pg_type)."""
    if spec.kind != "postgres":
        yield
        return
    from ._pg_lock import AdvisorySlotLock

    lock = AdvisorySlotLock(spec.url, "codesearch: optuna schema")
    try:
        with lock:
            yield
    finally:
        lock.close()


def open_storage(spec: StorageSpec, heartbeat: HeartbeatOptions | None = None, notes: list | None = None):
    """The Optuna storage object of ``spec`` (imports optuna; psycopg for PostgreSQL).

    The journal file's folder is created. RDB storages get heartbeats and
    ``RetryHeartbeatStaleTrialCallback`` when ``heartbeat`` is given. A journal file is checked first and a
    torn last record repaired (:func:`~codesearch.study._journal.check_journal`); the repair's note is
    appended to ``notes``."""
    import optuna
    from optuna.exceptions import ExperimentalWarning

    if spec.kind == "journal":
        from optuna.storages.journal import JournalStorage

        from ._journal import check_journal, checked_backend

        path = Path(spec.url)
        note = check_journal(path)
        if note and notes is not None:
            notes.append(note)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            backend = checked_backend(str(path))
        except OSError as exc:
            raise StudyUsageError(f"Cannot open the journal file {path} ({exc.strerror or exc}).") from None
        try:
            return JournalStorage(backend)  # replays every record
        except Exception as exc:  # noqa: BLE001 - records that parse but make no sense: one line, no traceback
            raise StudyUsageError(
                f"{path} is not a readable Optuna journal ({type(exc).__name__} while replaying "
                "it); give another --storage path."
            ) from None
    if spec.kind == "postgres":
        from .._extras import require

        require("postgres", "PostgreSQL storage")
    if spec.kind == "sqlite" and spec.path is not None:
        Path(spec.path).parent.mkdir(parents=True, exist_ok=True)
    kwargs = {}
    if heartbeat is not None:
        kwargs = {
            "heartbeat_interval": heartbeat.interval,
            "grace_period": heartbeat.grace_period,
            "heartbeat_stale_trial_callback": optuna.storages.RetryHeartbeatStaleTrialCallback(
                max_retry=heartbeat.max_retry
            ),
        }
    engine_kwargs = {"pool_pre_ping": True} if spec.kind == "postgres" else None
    try:
        with warnings.catch_warnings(), _schema_lock(spec):
            warnings.simplefilter("ignore", ExperimentalWarning)
            return optuna.storages.RDBStorage(spec.url, engine_kwargs=engine_kwargs, **kwargs)
    except Exception as exc:  # noqa: BLE001 - SQLAlchemy/driver errors of any kind: one line, no traceback
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StudyError(f"Cannot open the storage {spec.display()} ({reason}).") from None
