"""Atomic file writes (temporary file in the same folder, fsync, rename), used by every module that writes.

A reader never sees a half-written file, and an existing file is only replaced with ``force=True``.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


def write_text_atomic(path, text: str, *, force: bool = False) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and a rename.

    FileExistsError when ``path`` exists and ``force`` is false; nothing is left half-written."""
    return write_bytes_atomic(path, text.encode("utf-8"), force=force)


def write_bytes_atomic(path, data: bytes, *, force: bool = False) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    FileExistsError when ``path`` exists and ``force`` is false; nothing is left half-written.
    IsADirectoryError when ``path`` is a folder or ends with a path separator (never a file named after it)."""
    raw = os.fspath(path)
    path = Path(path)
    if raw == "" or raw.endswith(("/", os.sep)) or path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "a folder, not a file name", raw)
    if path.exists() and not force:
        raise FileExistsError(f"{path} exists; pass --force to overwrite it")
    for folder in path.parents:  # the nearest existing ancestor must be a folder
        if folder.exists():
            if not folder.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, "a file, not a folder", str(folder))
            break
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp creates 0600; give the file the usual permissions
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path
