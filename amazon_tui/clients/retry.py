"""When and how long to retry a failed call (built on stamina)."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import stamina

from amazon_tui.clients.errors import ServiceError, ThrottledError

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff with jitter: ``attempts`` in total, waits from ``wait_initial``
    doubling up to ``wait_max``, plus up to ``wait_jitter`` seconds; ``timeout`` caps the whole
    retrying (None: only ``attempts`` does)."""

    attempts: int = 4
    wait_initial: float = 0.5
    wait_max: float = 10.0
    wait_jitter: float = 0.5
    timeout: float | None = None

    @classmethod
    def no_wait(cls, attempts: int = 4) -> RetryPolicy:
        """A policy that retries at once (tests)."""
        return cls(attempts=attempts, wait_initial=0.0, wait_max=0.0, wait_jitter=0.0)


DEFAULT_RETRY = RetryPolicy()
"""The policy a client uses when given none (frozen, so one instance is shared safely)."""


def should_retry(
    error: BaseException, *, service: str, safe_to_repeat: bool, policy: RetryPolicy
) -> bool | float:
    """stamina hook: False to give up, True for the policy's backoff, or seconds to wait.

    Only failures of ``service`` itself are retried: a dependency (Login with Amazon under
    an SP-API call) has already retried its own. A throttled request was rejected
    unprocessed, so it is always retried (after ``Retry-After`` when given). Other
    transient failures are retried when the call is safe to repeat, or when the request
    provably never reached the server.
    """
    if not isinstance(error, ServiceError) or error.service != service:
        return False
    if isinstance(error, ThrottledError) and error.retryable:
        if error.retry_after is None:
            return True
        return min(error.retry_after, policy.wait_max) + random.uniform(0, policy.wait_jitter)
    if not error.retryable:
        return False
    return safe_to_repeat or not error.reached_server


async def call_with_retries(
    policy: RetryPolicy, call: Callable[[], Awaitable[T]], *, service: str, safe_to_repeat: bool
) -> T:
    """Await ``call()`` until it succeeds or the policy gives up; the last error propagates."""
    attempts = stamina.retry_context(
        on=lambda error: should_retry(error, service=service, safe_to_repeat=safe_to_repeat, policy=policy),
        attempts=policy.attempts,
        timeout=policy.timeout,
        wait_initial=policy.wait_initial,
        wait_max=policy.wait_max,
        wait_jitter=policy.wait_jitter,
    )
    async for attempt in attempts:
        with attempt:
            return await call()
    raise AssertionError("unreachable: stamina re-raises the last error")
