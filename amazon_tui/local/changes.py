"""Whether another process changed what the screens show: one cheap check, run every second.

``PRAGMA data_version`` moves only when another connection commits, so the usual answer
(nothing happened) costs one pragma. This process's own commits (the leader's sync, its
cancellation steps) are taken into the baseline as they commit — their screens were told
already — unless another process committed meanwhile too, which the next check then reports.
When it moved, a fingerprint of what the screens show — orders added, status changes and
cancellation steps (each writes a note or a journal row), the stores' last sync and error,
the Magento link index — tells a change that matters from one that does not (another
operator's cursor clearing "new" marks, a sync cursor).
"""

from __future__ import annotations

from amazon_tui.local.db import Database

FINGERPRINT = """
SELECT (SELECT coalesce(max(rowid), 0) FROM orders),
       (SELECT coalesce(max(id), 0) FROM order_notes),
       (SELECT count(*) || '/' || coalesce(sum(magento_done), 0) FROM cancellations),
       (SELECT coalesce(group_concat(id || ':' || state, ','), '') FROM cancellations
         WHERE state NOT IN ('canceled', 'failed')),
       (SELECT group_concat(name || '=' || coalesce(last_sync, '') || '/' || coalesce(last_error, ''), '|')
          FROM stores),
       (SELECT coalesce(max(rowid), 0) FROM magento_links)
"""


class ChangeWatch:
    """``changed()`` is True once per change another process made to what is shown."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._lock = db.lock  # the database's: its commit hook runs under it (one lock, no deadlock)
        self._version = self._data_version()
        self._fingerprint = self._read_fingerprint()
        db.after_commit.append(self._absorb_own)

    def _absorb_own(self) -> None:
        """After this connection's commit: the new state is the baseline, if only we wrote."""
        with self._lock:
            if self._data_version() == self._version:
                self._fingerprint = self._read_fingerprint()

    def _data_version(self) -> int:
        version: int = self.db.query("PRAGMA data_version")[0][0]
        return version

    def _read_fingerprint(self) -> tuple[object, ...]:
        return tuple(self.db.query(FINGERPRINT)[0])

    def changed(self) -> bool:
        with self._lock:
            version = self._data_version()
            if version == self._version:
                return False
            self._version = version
            fingerprint = self._read_fingerprint()
            if fingerprint == self._fingerprint:
                return False
            self._fingerprint = fingerprint
            return True
