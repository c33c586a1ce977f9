"""Which process runs a trial, and whether it is still alive (journal and SQLite storages)."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass


def _start_ticks(pid: int) -> int | None:
    """Start time of ``pid`` in clock ticks since boot (Linux ``/proc``); None elsewhere, if gone or a zombie."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            data = fh.read().decode("ascii", "replace")
    except OSError:
        return None
    try:  # the command name (field 2) may hold spaces and parentheses: split after the last ')'
        fields = data.rsplit(")", 1)[1].split()
        if fields[0] in ("Z", "X"):  # a zombie has exited already
            return None
        return int(fields[19])
    except (IndexError, ValueError):
        return None


@dataclass(frozen=True)
class ProcessIdentity:
    host: str  # hostname of the machine
    pid: int  # process id
    start: int | None  # start time in clock ticks (tells a reused pid apart); None where /proc is missing

    @classmethod
    def current(cls) -> ProcessIdentity:
        pid = os.getpid()
        return cls(socket.gethostname(), pid, _start_ticks(pid))

    def to_dict(self) -> dict:
        return {"host": self.host, "pid": self.pid, "start": self.start}

    @classmethod
    def from_dict(cls, d) -> ProcessIdentity | None:
        if not isinstance(d, dict) or "host" not in d or "pid" not in d:
            return None
        return cls(str(d["host"]), int(d["pid"]), d.get("start"))

    def is_local(self) -> bool:
        return self.host == socket.gethostname()

    def is_alive(self) -> bool | None:
        """True/False for a process of this machine; None (unknown) for another machine's."""
        if not self.is_local():
            return None
        if self.start is not None:
            ticks = _start_ticks(self.pid)
            if ticks is not None or os.path.isdir("/proc"):
                return ticks == self.start
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
