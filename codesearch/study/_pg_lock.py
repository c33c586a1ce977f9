"""A PostgreSQL session-level advisory lock, keyed by the study name.

The server releases it when the holding connection drops, so a worker killed inside the critical section
never blocks the others."""

from __future__ import annotations

import zlib

from ._lock import SlotLock

#: First key of the two-key advisory lock: a constant that marks codesearch's locks ("cs" in ASCII).
_NAMESPACE = 0x6373


class AdvisorySlotLock(SlotLock):
    def __init__(self, url: str, study_name: str):
        self.url = url
        # pg_advisory_lock(int4, int4): the second key is the CRC-32 of the name, as a signed 32-bit integer.
        crc = zlib.crc32(study_name.encode("utf-8"))
        self.key = crc - (1 << 32) if crc >= 1 << 31 else crc
        self._engine = None
        self._conn = None

    def _connection(self):
        import sqlalchemy

        if self._engine is None:
            self._engine = sqlalchemy.create_engine(self.url, poolclass=sqlalchemy.pool.NullPool)
        return self._engine.connect()

    def acquire(self) -> None:
        import sqlalchemy

        conn = self._connection()
        conn.execute(sqlalchemy.text("SELECT pg_advisory_lock(:a, :b)"), {"a": _NAMESPACE, "b": self.key})
        conn.commit()
        self._conn = conn

    def release(self) -> None:
        import sqlalchemy

        if self._conn is not None:
            try:
                self._conn.execute(
                    sqlalchemy.text("SELECT pg_advisory_unlock(:a, :b)"), {"a": _NAMESPACE, "b": self.key}
                )
                self._conn.commit()
            finally:
                self._conn.close()
                self._conn = None

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
