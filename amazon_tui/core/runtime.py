"""The composition root: one run of the app or a command, its parts built and wired here.

Each part gets the narrow collaborators it needs, never the whole runtime. Parts the first
paint does not need (the journal, the engine and its feed XML, leadership, notifications) are
built on first use: the TUI's start-up time is measured against a bare Textual app.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import cached_property, partial
from typing import TYPE_CHECKING, Self

from amazon_tui.config.settings import Settings, clock_offset
from amazon_tui.core.gateway import Gateway
from amazon_tui.core.orders import OrderDesk
from amazon_tui.core.stores import StoreBook
from amazon_tui.core.sync.runner import SyncRunner, WaitListeners
from amazon_tui.local.db import open_database
from amazon_tui.local.orders import OrderRepository
from amazon_tui.local.shipment_counts import unconfirmed_count
from amazon_tui.local.store_figures import StoreFigures
from amazon_tui.local.stores import StoreRecords

if TYPE_CHECKING:
    import httpx

    from amazon_tui.core.cancel.engine import CancellationEngine
    from amazon_tui.core.cancel.records import CancelRecords
    from amazon_tui.core.cancel_desk import CancelDesk
    from amazon_tui.core.leadership.driving import CancellationDriver
    from amazon_tui.core.leadership.leader import Leader
    from amazon_tui.core.leadership.loops import LeaderDuties
    from amazon_tui.core.leadership.syncing import SharedSync
    from amazon_tui.core.notifications import NotificationConsumer
    from amazon_tui.core.ship.desk import ShipDesk
    from amazon_tui.core.ship.engine import ShipmentEngine
    from amazon_tui.core.ship.records import ShipRecords
    from amazon_tui.domain.models import Order
    from amazon_tui.local.audit_trail import AuditTrail
    from amazon_tui.local.changes import ChangeWatch
    from amazon_tui.local.journal import Journal, JournalEntry
    from amazon_tui.local.lease import Coordination
    from amazon_tui.local.preferences import PreferenceStore
    from amazon_tui.local.shipments import ShipmentJournal, ShipmentRow

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def offset_clocks(offset: float) -> tuple[Clock, Callable[[], float]]:
    """The wall clock and the lease clock (Unix seconds), moved by ``offset`` seconds."""
    if not offset:
        return utc_now, time.time
    delta = timedelta(seconds=offset)
    return (lambda: datetime.now(UTC) + delta), (lambda: time.time() + offset)


class Runtime:
    """Every part of one run, built once."""

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.AsyncBaseTransport | Callable[[], httpx.AsyncBaseTransport] | None = None,
        clock: Clock | None = None,
    ) -> None:
        """``transport``: an httpx transport, or a function making one on first use (None: the
        network); ``clock``: the wall clock (default: this machine's, moved by ``clock_offset()``)."""
        default_clock, self.lease_clock = offset_clocks(clock_offset())
        self.settings = settings
        self.clock = clock or default_clock
        self.db = open_database(settings.data_dir)
        self.repo = OrderRepository(self.db)
        self.waits = WaitListeners()
        self.gateway = Gateway(settings, transport=transport, on_wait=self.waits)
        self.store_records = StoreRecords(self.db)
        self.store_book = StoreBook(settings.config, self.store_records, StoreFigures(self.db), self.clock)
        self.order_desk = OrderDesk(
            settings.config,
            self.repo,
            self.gateway,
            self.clock,
            unconfirmed=lambda stores: self.shipment_journal.not_confirmed_orders(stores),
        )
        self.sync_runner = SyncRunner(
            settings.config, self.gateway, self.repo, self.store_records, self.waits, self.clock
        )
        self.store_book.register()

    @classmethod
    def open(
        cls,
        settings: Settings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
    ) -> Self:
        """The runtime for these settings; with the sandbox, the sandbox runs in-process."""
        if transport is None and settings.sandbox:
            from amazon_tui.sandbox.embedded import embedded_sandbox  # the sandbox loads on first request

            return cls(settings, transport=partial(embedded_sandbox, settings.data_dir), clock=clock)
        return cls(settings, transport=transport, clock=clock)

    @property
    def read_only(self) -> bool:
        return self.settings.read_only

    # -- the local store's other tables (loaded on first use: the first paint needs none) ------

    @cached_property
    def journal(self) -> Journal:
        from amazon_tui.local.journal import Journal

        return Journal(self.db, lease_clock=self.coordination.now)

    @cached_property
    def audit_trail(self) -> AuditTrail:
        from amazon_tui.local.audit_trail import AuditTrail

        return AuditTrail(self.db)

    @cached_property
    def preferences(self) -> PreferenceStore:
        """The operator's last theme, revenue period and All Orders views (the state dir)."""
        from amazon_tui.config.schema import state_dir
        from amazon_tui.local.preferences import PreferenceStore

        profile = "sandbox" if self.settings.sandbox else str(self.settings.config_file or "config")
        return PreferenceStore(state_dir(), profile)

    @cached_property
    def changes(self) -> ChangeWatch:
        from amazon_tui.local.changes import ChangeWatch

        return ChangeWatch(self.db)

    # -- leadership ---------------------------------------------------------------------------

    @cached_property
    def coordination(self) -> Coordination:
        from amazon_tui.local.lease import Coordination

        sync = self.settings.config.sync
        return Coordination(
            self.db, kind="command", lease_seconds=float(sync.lease_seconds), now=self.lease_clock
        )

    @cached_property
    def leader(self) -> Leader:
        """This process's part in the data dir's leadership: who syncs and finishes cancellations."""
        from amazon_tui.core.leadership.leader import Leader

        return Leader(
            self.coordination,
            lease_seconds=float(self.settings.config.sync.lease_seconds),
            read_only=self.read_only,
            now=self.lease_clock,
        )

    @cached_property
    def shared_sync(self) -> SharedSync:
        from amazon_tui.core.leadership.syncing import SharedSync

        return SharedSync(
            self.leader,
            self.sync_runner,
            active_stores=self.store_book.active,
            poll_seconds=float(self.settings.config.sync.poll_seconds),
            backup_poll_seconds=self._backup_poll_seconds,
            after_sync=None if self.read_only else self._after_sync,
        )

    def _backup_poll_seconds(self) -> float | None:
        consumer = self.notifications
        return (
            float(consumer.config.backup_poll_seconds)
            if consumer is not None and consumer.healthy()
            else None
        )

    @cached_property
    def driver(self) -> CancellationDriver:
        from amazon_tui.core.leadership.driving import CancellationDriver

        return CancellationDriver(
            self.leader, lambda: self.cancellations, lambda: self.journal, read_only=self.read_only
        )

    @cached_property
    def duties(self) -> LeaderDuties:
        """What a long-running process does while it leads (``watch``, the TUI's follower thread)."""
        from amazon_tui.core.leadership.loops import LeaderDuties

        return LeaderDuties(self.leader, self.shared_sync, self.driver, self.status_line, self.notifications)

    def status_line(self, *, ages: bool = True) -> str:
        from amazon_tui.core.leadership.status import status_line
        from amazon_tui.core.notification_health import shared_health

        return status_line(
            self.leader,
            latest_sync=self.store_records.latest_sync(),
            notifications=shared_health(self, ages=ages),
            unconfirmed=unconfirmed_count(self.db),
        )

    # -- cancellation ---------------------------------------------------------------------------

    @cached_property
    def cancel_records(self) -> CancelRecords:
        from amazon_tui.core.cancel.records import CancelRecords
        from amazon_tui.core.cancel.rules import operator_name

        return CancelRecords(self.journal, self.audit_trail, self.repo, self.clock, operator_name())

    @cached_property
    def cancellations(self) -> CancellationEngine:
        from amazon_tui.core.cancel.engine import CancellationEngine
        from amazon_tui.core.cancel.magento import MagentoFollowUp
        from amazon_tui.core.cancel.send import Sender
        from amazon_tui.core.cancel.settle import Settler

        config = self.settings.config
        records, holds = self.cancel_records, self.coordination.holds
        follow_up = MagentoFollowUp(
            records,
            lambda: self.gateway.magento,
            config.magento.on_amazon_cancel if config.magento else "none",
            holds,
            lambda store: config.store(store).magento_store_id,
        )
        return CancellationEngine(
            records,
            Sender(records, self.gateway, holds),
            Settler(records, self.gateway, holds),
            follow_up,
            read_only=self.read_only,
            pushed=lambda: self.notifications is not None and self.notifications.healthy(),
            push_grace=float(config.notifications.backup_poll_seconds) if config.notifications else 900.0,
        )

    @cached_property
    def cancel_desk(self) -> CancelDesk:
        from amazon_tui.core.cancel_desk import CancelDesk

        return CancelDesk(self.cancel_records, self.driver, self.order_desk.refresh, read_only=self.read_only)

    async def _feed_finished(
        self, feed_id: str, status: str, result_document_id: str | None
    ) -> list[JournalEntry]:
        """FEED_PROCESSING_FINISHED, settled under this process's fence (only the leader consumes)."""
        fence = self.leader.fence()
        if fence is None:
            return []
        return await self.cancellations.feed_finished(feed_id, status, result_document_id, fence)

    # -- shipments ------------------------------------------------------------------------------

    @cached_property
    def shipment_journal(self) -> ShipmentJournal:
        from amazon_tui.local.shipments import ShipmentJournal

        return ShipmentJournal(self.db, lease_clock=self.coordination.now)

    @cached_property
    def ship_records(self) -> ShipRecords:
        from amazon_tui.core.cancel.rules import operator_name
        from amazon_tui.core.ship.records import ShipRecords

        return ShipRecords(self.shipment_journal, self.audit_trail, self.repo, self.clock, operator_name())

    @cached_property
    def shipments(self) -> ShipmentEngine:
        """Confirms packages to Amazon: Magento's shipments (``[magento] confirm_shipments``) and
        those confirmed by hand."""
        from amazon_tui.core.ship.discover import ShipmentDiscovery
        from amazon_tui.core.ship.engine import ShipmentEngine

        magento = self.settings.config.magento
        discovery = (
            ShipmentDiscovery(self.ship_records, self.db, lambda: self.gateway.magento)
            if magento is not None and magento.confirm_shipments
            else None
        )

        def synced_at(store: str) -> datetime | None:
            row = self.store_records.get(store)
            return row.last_sync if row is not None else None

        return ShipmentEngine(
            self.ship_records,
            self.gateway,
            discovery,
            self.coordination.holds,
            stores=self.store_book.active,
            synced_at=synced_at,
        )

    @cached_property
    def ship_desk(self) -> ShipDesk:
        from amazon_tui.core.ship.desk import ShipDesk

        async def ask_leader(store: str) -> None:
            await self.shared_sync.sync([store])

        return ShipDesk(
            self.ship_records,
            lambda: self.shipments,
            self.leader,
            partial(self.order_desk.refresh, force=True),
            ask_leader,
            read_only=self.read_only,
            canceling=self._canceling,
        )

    def _canceling(self, order_id: str) -> bool:
        live = self.journal.live(order_id)
        return live is not None and not live.state.final

    async def _after_sync(self, stores: Sequence[str]) -> list[ShipmentRow]:
        """As the leader after its sync: Magento's new shipments, and every unfinished row."""
        fence = self.leader.fence()
        if fence is None:
            return []
        return await self.shipments.drive_once(fence=fence, stores=stores)

    # -- SP-API notifications -----------------------------------------------------------------

    @cached_property
    def notifications(self) -> NotificationConsumer | None:
        """The reader of the SP-API notifications queue ([notifications]), None when not configured."""
        config = self.settings.config.notifications
        if config is None:
            return None
        from amazon_tui.core.notifications import NotificationConsumer

        async def fetch_order(store: str, order_id: str) -> Order:
            return await self.gateway.orders(store).get_order(order_id)

        return NotificationConsumer(
            config,
            stores=self.settings.config.stores,
            fetch_order=fetch_order,
            local=self.repo,
            settle_feed=self._feed_finished,
            now=self.clock,
            timeout_seconds=self.settings.config.network.timeout_seconds,
            peers=self.coordination,  # its clock is the one peers share; the health is published there
        )

    async def aclose(self) -> None:
        if "leader" in self.__dict__:
            self.leader.leave()
        await self.gateway.aclose()
        self.db.close()
