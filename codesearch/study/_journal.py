"""Check an Optuna journal file before Optuna reads or appends to it, and repair a torn last line.

A crash or a full disk can leave the journal's last record cut short (no final newline). Optuna reads past it,
but its next append would glue a new record onto the partial one and from then on no reader could parse the
file. :func:`check_journal` therefore, under Optuna's own journal lock (the one every append takes):

* completes a last record that is whole but lacks its newline (the cut fell exactly on the newline);
* otherwise cuts the partial record off, after copying the cut bytes to ``JOURNAL.torn-<n>`` next to it.

A file that is not a journal (a directory, a scheme file, garbage, JSON nested too deep) raises
:class:`StudyUsageError` with one line naming the file; it is never modified.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ._errors import StudyUsageError

_RECORD_START = b'{"op_code":'


def _is_record(line: bytes) -> bool:
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError):
        return False
    return isinstance(obj, dict) and isinstance(obj.get("op_code"), int)


def _not_a_journal(path: Path, why: str) -> StudyUsageError:
    return StudyUsageError(f"{path} is not an Optuna journal file ({why}); give another --storage path.")


def check_journal(path: str | os.PathLike) -> str | None:
    """Validate journal ``path`` (missing or empty: fine) and repair a torn tail; returns a one-line note when
    it repaired something, else None. StudyUsageError when the file is not a journal or cannot be read."""
    p = Path(path)
    try:
        if not p.exists():
            return None
        if p.is_dir():
            raise StudyUsageError(f"The storage {p} is a directory; give a journal file path.")
        if not p.is_file():
            raise _not_a_journal(p, "not a regular file")
        with open(p, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise StudyUsageError(f"Cannot read the journal file {p} ({exc.strerror or exc}).") from None
    if not data:
        return None
    lines = data.split(b"\n")
    tail = lines.pop()  # b"" when the file ends with a newline
    for number, line in enumerate(lines, start=1):
        if not _is_record(line):
            raise _not_a_journal(p, f"line {number} is not a journal record")
    if not tail:
        return None
    if not lines and not tail.startswith(_RECORD_START):
        raise _not_a_journal(p, "line 1 is not a journal record")
    return _repair(p)


def _repair(p: Path) -> str | None:
    from optuna.storages.journal import JournalFileSymlinkLock
    from optuna.storages.journal._file import get_lock_file

    try:
        with get_lock_file(JournalFileSymlinkLock(str(p))):
            data = p.read_bytes()  # again, under the lock: another process may have repaired it meanwhile
            if not data or data.endswith(b"\n"):
                return None
            cut = data.rfind(b"\n") + 1
            tail = data[cut:]
            if _is_record(tail):
                with open(p, "ab") as f:
                    f.write(b"\n")
                    f.flush()
                    os.fsync(f.fileno())
                return f"repaired {p}: its last record lacked the final newline (added)"
            n = 1
            while p.with_name(f"{p.name}.torn-{n}").exists():
                n += 1
            backup = p.with_name(f"{p.name}.torn-{n}")
            tmp = p.with_name(f".{backup.name}.tmp")
            tmp.write_bytes(tail)
            os.replace(tmp, backup)
            os.truncate(p, cut)
    except OSError as exc:
        raise StudyUsageError(
            f"The journal file {p} ends with an unfinished record and cannot be repaired "
            f"({exc.strerror or exc}); make its folder writable and run again."
        ) from None
    return f"repaired {p}: cut an unfinished last record ({len(tail)} bytes, kept in {backup})"
