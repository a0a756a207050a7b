"""When each step of a journal's rows may run again: a backoff per step (cancellations, shipments)."""

from __future__ import annotations

import time


class Schedule:
    """When each step may run again: a backoff per step, doubling up to a ceiling."""

    def __init__(self, poll_interval: float = 2.0, poll_max_interval: float = 30.0) -> None:
        self.poll_interval = poll_interval
        self.poll_max_interval = poll_max_interval
        self._not_before: dict[str, tuple[float, float]] = {}  # step -> (monotonic time, interval)

    def due(self, step: str) -> bool:
        not_before = self._not_before.get(step)
        return not_before is None or time.monotonic() >= not_before[0]

    def waiting(self, step: str) -> bool:
        return step in self._not_before

    def later(self, step: str, ceiling: float | None = None) -> None:
        """Try ``step`` again after a backoff: poll_interval, doubling up to the ceiling."""
        _, interval = self._not_before.get(step, (0.0, self.poll_interval / 2))
        interval = min(interval * 2, max(ceiling or self.poll_max_interval, self.poll_interval))
        self._not_before[step] = (time.monotonic() + interval, interval)

    def after(self, step: str, seconds: float) -> None:
        """Hold ``step`` for ``seconds``, then back off from the poll interval as usual."""
        self._not_before[step] = (time.monotonic() + seconds, self.poll_interval / 2)

    def done(self, step: str) -> None:
        self._not_before.pop(step, None)

    def clear(self) -> None:
        self._not_before.clear()

    def wait_for(self, steps: set[str]) -> float | None:
        """Seconds until the earliest of ``steps`` may run (None: no step)."""
        now = time.monotonic()
        waits = [max(0.0, self._not_before[s][0] - now) if s in self._not_before else 0.0 for s in steps]
        return min(waits) if waits else None
