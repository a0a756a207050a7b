"""Whether SQS delivers, in the same words in every process (the status line's "Notifications: …").

Apart from the consumer (``core/notifications.py``), whose message models load pydantic: the
status line is on the first screen, and reading the leader's published health needs none of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from amazon_tui.local.lease import Coordination

STALE_SECONDS = 90.0  # a long poll answers within 20 s: no answer for this long, SQS is not being read


@dataclass
class NotificationHealth:
    """Where the consumer stands, for the status line and the poll rate.

    Times are Unix seconds of the wall clock (the one clock processes share): the leader
    publishes this (``as_report``) for every peer on the data dir (``from_report``)."""

    state: str = "starting"  # starting, listening, unreachable, following (another process leads)
    error: str | None = None
    started: float | None = None
    last_receive: float | None = None  # the last answer of SQS (a long poll, empty or not)
    last_message: float | None = None  # the last notification applied
    applied: int = 0
    duplicates: int = 0  # already held, not ours, or about a store not configured here
    invalid: int = 0
    last_invalid: str | None = None
    failed: int = 0  # valid, but applying failed (getOrder, the report): left for SQS to deliver again
    last_failure: str | None = None
    last_failure_at: float | None = None
    queue: str | None = None  # the queue's name (the last part of its URL)

    def healthy(self, now: float, silence_seconds: float) -> bool:
        """Listening, and a message (or the start) within ``silence_seconds``."""
        if self.state != "listening":
            return False
        latest = self.last_message or self.started or 0.0
        return now - latest < silence_seconds

    def describe(
        self,
        now: float,
        silence_seconds: float,
        poll_seconds: float,
        stale_seconds: float = STALE_SECONDS,
        *,
        ages: bool = True,
    ) -> str:
        """The status line's words, the same in every process:

        - ``Notifications: live, last 10 s ago (12 applied)``: SQS answers and messages arrive;
        - ``Notifications: live, none for 62 min — polling every 120 s``: SQS answers, nothing comes;
        - ``Notifications: stale 6 min — polling every 120 s``: nobody has heard SQS for that long
          (the leader stopped reading, or no process leads);
        - ``Notifications: failing: SQS unreachable (…) — polling every 120 s``, or failing with the
          cause of the last message that could not be applied (``getOrder`` failed…).

        ``ages=False``: the same states without the ages, for a log that prints the line each time
        it changes (``watch``): a line per change of state, not one every ten seconds.
        """

        def since(seconds: float, words: str, ageless: str) -> str:  # "stale 6 min", or "stale"
            return words.format(age(seconds)) if ages else ageless

        counts = ", ".join(
            part
            for part in (
                f"{self.applied} applied",
                f"{self.invalid} invalid" if self.invalid else "",
                f"{self.failed} failed" if self.failed else "",
            )
            if part
        )
        normal = f"polling every {poll_seconds:g} s"
        if self.state == "unreachable":
            return f"Notifications: failing: SQS unreachable ({self.error}) — {normal}"
        if self.last_receive is None:
            return f"Notifications: {self.state}"
        if now - self.last_receive >= stale_seconds:
            return f"Notifications: {since(now - self.last_receive, 'stale {}', 'stale')} — {normal}"
        if self.last_failure_at is not None and self.last_failure_at > (self.last_message or 0.0):
            return f"Notifications: failing: {self.last_failure} ({counts})"
        if not self.healthy(now, silence_seconds):
            silent = now - (self.last_message or self.started or now)
            return f"Notifications: live, {since(silent, 'none for {}', 'none lately')} — {normal} ({counts})"
        if self.last_message is None:
            return f"Notifications: live, no message yet ({counts})"
        last = since(now - self.last_message, "last {} ago", "messages arrive")
        return f"Notifications: live, {last} ({counts})"

    def as_report(self) -> dict[str, object]:
        """The health as the leader publishes it (JSON)."""
        return dict(vars(self))

    @classmethod
    def from_report(cls, report: dict[str, object]) -> NotificationHealth:
        """The health another process published; unknown keys (a newer version's) and values of
        the wrong type are left out, so a status line can always be made of it."""
        health = cls()
        for name, default in vars(cls()).items():
            value = report.get(name)
            if name in _TIMES:
                if isinstance(value, int | float) and not isinstance(value, bool):
                    setattr(health, name, float(value))
            elif isinstance(value, type(default) if default is not None else str) and not isinstance(
                value, bool
            ):
                setattr(health, name, value)
        return health


_TIMES = frozenset({"started", "last_receive", "last_message", "last_failure_at"})


def age(seconds: float) -> str:
    """ "10 s" (in steps of 10 under a minute, so a status line changes seldom), "6 min", "2 h"."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{int(seconds) // 10 * 10} s"
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    return f"{int(seconds // 3600)} h"


class _Config(Protocol):
    @property
    def silence_seconds(self) -> int | float: ...


class _Consumer(Protocol):
    """The notifications consumer, as the status line reads it."""

    @property
    def config(self) -> _Config: ...

    def describe(self, poll_seconds: float, *, ages: bool = True) -> str: ...


class HealthSources(Protocol):
    """What ``shared_health`` reads of a process (the runtime)."""

    @property
    def notifications(self) -> _Consumer | None: ...

    @property
    def coordination(self) -> Coordination: ...

    @property
    def leader(self) -> _Leading: ...

    @property
    def shared_sync(self) -> _Polling: ...


class _Leading(Protocol):
    @property
    def leading(self) -> bool: ...


class _Polling(Protocol):
    @property
    def normal_poll_seconds(self) -> float: ...


def shared_health(process: HealthSources, *, ages: bool = True) -> str | None:
    """Whether SQS delivers, in the same words in every process: the leader says it from its own
    consumer, every other process from what the leader published in the database. None when
    nothing was ever published and ``[notifications]`` is not configured here."""
    consumer, coordination = process.notifications, process.coordination
    poll_seconds = process.shared_sync.normal_poll_seconds
    if consumer is not None and process.leader.leading:
        return consumer.describe(poll_seconds, ages=ages)
    published = coordination.notifications_report()
    if published is None:
        return None if consumer is None else "Notifications: no leader has read SQS yet"
    health = NotificationHealth.from_report(published.report)
    silence = float(consumer.config.silence_seconds) if consumer is not None else 3600.0
    return health.describe(coordination.now(), silence, poll_seconds, ages=ages)
