"""Time for the sandbox: a controllable clock for tests and ISO 8601 helpers."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


def real_clock() -> datetime:
    return datetime.now(UTC)


class ControllableClock:
    """A clock that stands still until told to move (callable like `real_clock`)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("the clock needs an aware UTC datetime")
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, when: datetime) -> None:
        with self._lock:
            self._now = when.astimezone(UTC)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += timedelta(seconds=seconds)


def iso(when: datetime) -> str:
    """Amazon's timestamp form: UTC, whole seconds, `Z` suffix."""
    if when.tzinfo is not UTC:
        when = when.astimezone(UTC)
    return when.isoformat(timespec="seconds")[:19] + "Z"  # isoformat: faster than strftime


def magento_time(when: datetime) -> str:
    """Magento's timestamp form: `2017-08-21 22:22:19` (UTC)."""
    if when.tzinfo is not UTC:
        when = when.astimezone(UTC)
    return when.isoformat(sep=" ", timespec="seconds")[:19]


def parse_iso(text: str) -> datetime:
    """Parse an ISO 8601 date-time; naive values are taken as UTC. Raises ValueError."""
    value = datetime.fromisoformat(text.strip().replace(" ", "+") if "T" in text else text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
