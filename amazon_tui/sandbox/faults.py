"""Injected faults: per operation (or `*` for all), for a number of requests or until cleared."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass

FAULT_KINDS = frozenset(
    {
        "latency",
        "429",
        "500",
        "503",
        "timeout",
        "malformed_json",
        "schema_invalid",
        "expired_token",
        "invalid_token",
        "magento_401",
        "late_answer",  # carried out, then answered only after ``latency`` seconds (the client gave up)
        "applied_error",  # carried out, then answered with a server error (``status``, default 500)
        "echo",  # an error that hands the request back, secrets and all (echo.py)
    }
)
DEFAULT_TIMEOUT_SECONDS = 300.0
DEFAULT_ECHO_STATUS = 400
DEFAULT_APPLIED_ERROR_STATUS = 500


@dataclass
class Fault:
    operation: str
    kind: str
    count: int | None = None  # None: until cleared
    latency: float = 0.0  # seconds; for "timeout", how long to hang (0 = 300 s)
    status: int | None = None  # for "echo", the status answered (None = 400); "applied_error": 500

    def as_dict(self) -> dict:
        return asdict(self)


class FaultSet:
    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(
        self,
        operation: str,
        kind: str,
        *,
        count: int | None = None,
        latency: float = 0.0,
        status: int | None = None,
    ) -> Fault:
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {sorted(FAULT_KINDS)}")
        if count is not None and count < 1:
            raise ValueError("count must be at least 1 (or None for until cleared)")
        if latency < 0:
            raise ValueError("latency must not be negative")
        if status is not None and kind == "applied_error":
            if not 500 <= status <= 599:
                raise ValueError("an applied_error's status must be 500 to 599")
        elif status is not None and (kind != "echo" or not 400 <= status <= 599):
            raise ValueError("status is for the echo (400 to 599) and applied_error (5xx) faults only")
        fault = Fault(operation, kind, count, float(latency), status)
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, operation: str) -> Fault | None:
        """The first active fault for this operation, using up one of its count."""
        with self._lock:
            for fault in self._faults:
                if fault.operation in (operation, "*"):
                    if fault.count is not None:
                        fault.count -= 1
                        if fault.count == 0:
                            self._faults.remove(fault)
                    return fault
        return None

    def active(self) -> list[Fault]:
        with self._lock:
            return [Fault(**fault.as_dict()) for fault in self._faults]

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
