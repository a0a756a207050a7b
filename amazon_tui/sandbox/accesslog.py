"""The access log: one entry per request, for tests that count calls. Never holds secrets."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass

MAX_ENTRIES = 100_000


@dataclass(frozen=True)
class LogEntry:
    time: str
    method: str
    path: str
    query: str
    operation: str
    status: int  # 0 when the request was cancelled before an answer
    seller_id: str | None = None
    fault: str | None = None

    def __getitem__(self, key: str):
        return getattr(self, key)

    def as_dict(self) -> dict:
        return asdict(self)


class AccessLog:
    def __init__(self) -> None:
        self._entries: list[LogEntry] = []
        self._lock = threading.Lock()

    def append(self, entry: LogEntry) -> None:
        with self._lock:
            self._entries.append(entry)
            if len(self._entries) > MAX_ENTRIES:
                del self._entries[: len(self._entries) - MAX_ENTRIES]

    def entries(self) -> list[LogEntry]:
        with self._lock:
            return list(self._entries)

    def count(self, operation: str, status: int | None = None) -> int:
        with self._lock:
            return sum(
                1
                for entry in self._entries
                if entry.operation == operation and (status is None or entry.status == status)
            )

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
