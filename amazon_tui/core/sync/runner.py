"""One sync of several stores in this process: the leader's part of ``sync``."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from contextlib import suppress
from datetime import datetime

from amazon_tui.config.schema import Config
from amazon_tui.core.gateway import Gateway
from amazon_tui.core.stores import AUTH_FAILURE, SERVICE_FAILURE
from amazon_tui.core.sync.amazon import WrongStore, sync_amazon
from amazon_tui.core.sync.magento_links import sync_magento_links
from amazon_tui.core.sync.progress import Progress, SyncOutcome, SyncProgress, SyncReport
from amazon_tui.local.disk import StorageError
from amazon_tui.local.orders import OrderRepository
from amazon_tui.local.stores import StoreRecords


def describe_failure(error: BaseException) -> str:
    """One line for the operator: a service's own message, or the kind of an unexpected error."""
    from amazon_tui.clients.errors import ServiceError

    if isinstance(error, ServiceError | WrongStore | StorageError):
        return str(error)
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def failure_kind(error: BaseException) -> str:
    """The kind a store card shows a failure as: ``auth`` when the credentials were refused."""
    from amazon_tui.clients.errors import AuthError

    return AUTH_FAILURE if isinstance(error, AuthError) else SERVICE_FAILURE


class WaitListeners:
    """Who hears that a usage plan makes a request wait (the store syncing at the time)."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[str, float], None]] = []

    def __call__(self, operation: str, seconds: float) -> None:
        for listener in list(self._listeners):
            listener(operation, seconds)

    def add(self, listener: Callable[[str, float], None]) -> None:
        self._listeners.append(listener)

    def remove(self, listener: Callable[[str, float], None]) -> None:
        self._listeners.remove(listener)


class SyncRunner:
    """Syncs stores one after another; one store failing does not stop the others."""

    def __init__(
        self,
        config: Config,
        gateway: Gateway,
        repo: OrderRepository,
        records: StoreRecords,
        waits: WaitListeners,
        clock: Callable[[], datetime],
    ) -> None:
        self.config = config
        self.gateway = gateway
        self.repo = repo
        self.records = records
        self.waits = waits
        self.clock = clock
        self._lock = asyncio.Lock()

    async def __call__(
        self, stores: Sequence[str] | None = None, *, progress: Progress | None = None
    ) -> SyncOutcome:
        """Sync ``stores`` (default: every active store) here, in order."""
        names = list(stores) if stores else [s.name for s in self.config.stores if s.active]
        outcome = SyncOutcome()
        report = progress or (lambda _update: None)
        async with self._lock:
            for name in names:
                result = await self._sync_one(name, report)
                if isinstance(result, SyncReport):
                    outcome.reports.append(result)
                    continue
                outcome.failures[name] = describe_failure(result)
                from amazon_tui.core.causes import Cause  # a failure loads it, not the first paint

                outcome.causes[name] = Cause.of(result, now=self.clock(), message=outcome.failures[name])
                outcome.errors[name] = result
                if isinstance(result, StorageError):
                    break  # the local disk refused: every other store would fail the same way
        return outcome

    async def _sync_one(self, name: str, report: Progress) -> SyncReport | Exception:
        def waiting(operation: str, seconds: float) -> None:
            message = f"Waiting {seconds:.0f} s for Amazon's rate limit ({operation})"
            report(SyncProgress(name, "waiting", wait_seconds=seconds, message=message))

        self.waits.add(waiting)
        try:
            result = await self._sync_store(name, report)
            self.records.record_success(name, now=self.clock())
        except Exception as exc:  # noqa: BLE001 - a store's failure is shown on its card
            message = describe_failure(exc)
            with suppress(StorageError):  # a disk that refused the sync may refuse this too
                self.records.record_failure(name, message, failure_kind(exc))
            report(SyncProgress(name, "failed", message=message))
            return exc
        finally:
            self.waits.remove(waiting)
        changes = f"{len(result.inserted)} new, {len(result.changed)} changed"
        report(SyncProgress(name, "done", pages=result.pages, orders=result.orders, message=changes))
        return result

    async def _sync_store(self, name: str, report: Progress) -> SyncReport:
        store = self.config.store(name)
        result = await sync_amazon(
            store,
            self.gateway.orders(name),
            self.repo,
            now=self.clock(),
            initial_days=self.config.sync.initial_days,
            page_size=self.config.sync.page_size,
            progress=report,
        )
        magento = self.gateway.magento
        if magento is not None and self.config.magento is not None:
            message = "Refreshing the Magento order index…"
            report(SyncProgress(name, "magento", pages=result.pages, orders=result.orders, message=message))
            result.links = await sync_magento_links(
                store,
                magento,
                self.repo,
                amazon_order_field=self.config.magento.amazon_order_field,
                now=self.clock(),
            )
        return result
