"""The one facade the TUI and the CLI call.

Reads come from the local store (instant at any size); the network is used for the
incremental sync, one getOrder when an order is opened, the Magento order view, and the
cancellation feed. Never imports Textual.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property, partial
from typing import TYPE_CHECKING, NamedTuple

from amazon_tui.config.schema import StoreConfig
from amazon_tui.config.settings import Settings
from amazon_tui.core.sync import (
    Progress,
    SyncProgress,
    SyncReport,
    WrongStore,
    sync_amazon,
    sync_magento_links,
)
from amazon_tui.domain.values import (
    CancelReason,
    Marketplace,
    OrderStatus,
    StoreStatus,
    format_timestamp,
    parse_timestamp,
)
from amazon_tui.local.db import open_database
from amazon_tui.local.orders import AttentionCounts, OrderRepository, StoreStats

if TYPE_CHECKING:
    from amazon_tui.core.cancel.engine import CancellationEngine, Submission
    from amazon_tui.core.leadership import Leader
    from amazon_tui.core.notifications import NotificationConsumer
    from amazon_tui.domain.attention import AttentionItem
    from amazon_tui.domain.models import MagentoOrder, Order, OrderQuery, OrderSummary
    from amazon_tui.local.audit_trail import AuditTrail
    from amazon_tui.local.journal import Journal, JournalEntry
    from amazon_tui.local.preferences import PreferenceStore

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def describe_failure(error: BaseException) -> str:
    """One line for the operator: a service's own message, or the kind of an unexpected error."""
    from amazon_tui.clients.errors import ServiceError

    if isinstance(error, ServiceError | WrongStore):
        return str(error)
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


class StoreCard(NamedTuple):
    """Everything a store card and the dashboard header show."""

    config: StoreConfig
    status: StoreStatus
    created: datetime | None
    last_sync: datetime | None
    stats: StoreStats
    attention: AttentionCounts
    error: str | None = None

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def marketplace(self) -> Marketplace:
        return self.config.market


@dataclass
class SyncOutcome:
    reports: list[SyncReport] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict:
        """For the followers that asked the leader for this sync (sync_requests.outcome)."""
        return {
            "reports": [
                {
                    "store": r.store,
                    "pages": r.pages,
                    "orders": r.orders,
                    "inserted": r.inserted,
                    "changed": [[c.order_id, c.old.value if c.old else None, c.new.value] for c in r.changed],
                    "links": r.links,
                    "first_run": r.first_run,
                }
                for r in self.reports
            ],
            "failures": self.failures,
        }

    @classmethod
    def from_json(cls, document: dict, stores: Sequence[str] | None = None) -> SyncOutcome:
        """The outcome a leader stored; ``stores``: only these stores' part of it."""
        from amazon_tui.local.orders import StatusChange

        reports = [
            SyncReport(
                store=r["store"],
                pages=r["pages"],
                orders=r["orders"],
                inserted=list(r["inserted"]),
                changed=[
                    StatusChange(oid, OrderStatus(old) if old else None, OrderStatus(new))
                    for oid, old, new in r["changed"]
                ],
                links=r["links"],
                first_run=r["first_run"],
            )
            for r in document.get("reports", [])
            if not stores or r["store"] in stores
        ]
        return cls(
            reports,
            {
                store: why
                for store, why in document.get("failures", {}).items()
                if not stores or store in stores
            },
        )


class Gateway:
    """The network side: shared HTTP clients, Login With Amazon, throttling, per-store clients.

    Everything is built on first use, so httpx and the client models load after the first
    screen has painted (start-up time), not when the service opens.
    """

    def __init__(self, settings: Settings, *, transport=None, on_wait=None) -> None:
        self.settings = settings
        self._transport = transport
        self._on_wait = on_wait
        self._orders: dict[str, object] = {}
        self._feeds: dict[str, object] = {}

    @cached_property
    def transport(self):
        """The transport given (or made by the factory given), shared by both HTTP clients."""
        return self._transport() if callable(self._transport) else self._transport

    @cached_property
    def http(self):
        from amazon_tui.clients.http import make_http_client

        return make_http_client(
            transport=self.transport, timeout=self.settings.config.network.timeout_seconds
        )

    @cached_property
    def storage_http(self):
        from amazon_tui.clients.http import make_http_client

        return make_http_client(
            transport=self.transport, timeout=self.settings.config.network.timeout_seconds
        )

    @cached_property
    def lwa(self):
        from amazon_tui.clients.amazon.lwa import LwaClient

        amazon = self.settings.config.amazon
        if amazon is None:
            return None
        secrets = self.settings.secrets
        return LwaClient(
            self.http,
            endpoint=amazon.lwa_endpoint,
            client_id=amazon.client_id,
            client_secret=secrets.require(secrets.client_secret, "client_secret"),
        )

    @cached_property
    def throttle(self):
        from amazon_tui.clients.throttle import Throttle

        return Throttle(on_wait=self._on_wait)

    @cached_property
    def magento(self):
        return self._magento() if self.settings.config.magento is not None else None

    def _magento(self):
        from amazon_tui.clients.magento.auth import OAuth1Credentials
        from amazon_tui.clients.magento.client import MagentoClient

        magento = self.settings.config.magento
        secrets = self.settings.secrets
        if magento.auth == "oauth1":
            credentials = OAuth1Credentials(
                magento.consumer_key,
                *(
                    secrets.require(getattr(secrets, f"magento_{name}"), f"magento_{name}")
                    for name in ("consumer_secret", "access_token", "access_token_secret")
                ),
            )
            return MagentoClient(
                self.http,
                base_url=magento.base_url,
                oauth=credentials,
                amazon_order_field=magento.amazon_order_field,
            )
        return MagentoClient(
            self.http,
            base_url=magento.base_url,
            token=secrets.require(secrets.magento_token, "magento_token")
            if magento.auth == "bearer"
            else None,
            username=magento.username,
            password=secrets.require(secrets.magento_password, "magento_password")
            if magento.auth == "admin"
            else None,
            amazon_order_field=magento.amazon_order_field,
        )

    def store(self, name: str) -> StoreConfig:
        return self.settings.config.store(name)

    def seller_id(self, name: str) -> str:
        return self.store(name).seller_id

    def marketplace_id(self, name: str) -> str:
        return self.store(name).market.marketplace_id

    def _args(self, name: str) -> dict:
        store = self.store(name)
        return {
            "lwa": self.lwa,
            "refresh_token": self.settings.secrets.refresh_token(store.name),
            "seller_id": store.seller_id,
            "throttle": self.throttle,
            "endpoint": store.api_endpoint,
        }

    def orders(self, name: str):
        from amazon_tui.clients.amazon.orders import OrdersClient

        if name not in self._orders:
            self._orders[name] = OrdersClient(self.http, store=self.store(name).name, **self._args(name))
        return self._orders[name]

    def notifications(self, name: str, *, app_wide: bool = False):
        """Notifications v1 at the store's endpoint: as its seller, or ``app_wide`` (grantless:
        destinations belong to the application, one per region endpoint)."""
        from amazon_tui.clients.amazon.lwa import NOTIFICATIONS_SCOPE, grantless
        from amazon_tui.clients.amazon.notifications import NotificationsClient

        args = self._args(name)
        if app_wide:
            args["refresh_token"] = grantless(NOTIFICATIONS_SCOPE)
        return NotificationsClient(self.http, **args)

    def feeds(self, name: str):
        from amazon_tui.clients.amazon.feeds import FeedsClient

        if name not in self._feeds:
            self._feeds[name] = FeedsClient(self.http, storage_http=self.storage_http, **self._args(name))
        return self._feeds[name]

    async def aclose(self) -> None:
        for name in ("http", "storage_http"):
            if name in self.__dict__:  # only the clients that were built
                await self.__dict__[name].aclose()


class AppService:
    """Stores, orders, sync and cancellation for one run of the app or the CLI."""

    def __init__(self, settings: Settings, *, transport=None, clock: Clock = utc_now) -> None:
        """``transport``: an httpx transport, or a function making one on first use (None: the network)."""
        self.settings = settings
        self.clock = clock
        self.db = open_database(settings.data_dir)
        self.repo = OrderRepository(self.db)
        self._wait_listeners: list[Callable[[str, float], None]] = []
        self.gateway = Gateway(settings, transport=transport, on_wait=self._on_wait)
        self._sync_lock = asyncio.Lock()
        self._errors: dict[str, str] = {}
        self._register_stores()

    # The journal, the audit trail and the cancellation engine (with the feed XML) load on
    # first use: the TUI's first paint needs none of them.

    @cached_property
    def journal(self) -> Journal:
        from amazon_tui.local.journal import Journal

        return Journal(self.db)

    @cached_property
    def preferences(self) -> PreferenceStore:
        """The operator's last theme, revenue period and All Orders views (the state dir)."""
        from amazon_tui.config.schema import state_dir
        from amazon_tui.local.preferences import PreferenceStore

        profile = "sandbox" if self.settings.sandbox else str(self.settings.config_file or "config")
        return PreferenceStore(state_dir(), profile)

    @cached_property
    def audit_trail(self) -> AuditTrail:
        from amazon_tui.local.audit_trail import AuditTrail

        return AuditTrail(self.db)

    @cached_property
    def cancellations(self) -> CancellationEngine:
        from amazon_tui.core.cancel.engine import CancellationEngine

        magento = self.settings.config.magento
        return CancellationEngine(
            repo=self.repo,
            journal=self.journal,
            audit=self.audit_trail,
            gateway=self.gateway,
            clock=self.clock,
            on_amazon_cancel=magento.on_amazon_cancel if magento else "none",
            read_only=self.read_only,
            owner=lambda: self.leader.peer_id,
            owner_alive=self.leader.coordination.is_alive,
            pushed=lambda: self.notifications is not None and self.notifications.healthy(),
            push_grace=float(self.settings.config.notifications.backup_poll_seconds)
            if self.settings.config.notifications
            else 900.0,
        )

    @cached_property
    def notifications(self) -> NotificationConsumer | None:
        """The reader of the SP-API notifications queue ([notifications]), None when not configured."""
        config = self.settings.config.notifications
        if config is None:
            return None
        from amazon_tui.core.notifications import NotificationConsumer

        return NotificationConsumer(self, config)

    @cached_property
    def leader(self) -> Leader:
        """This process's part in the data dir's leadership: who syncs and finishes cancellations."""
        from amazon_tui.core.leadership import Leader

        return Leader(self)

    @classmethod
    def open(cls, settings: Settings, *, transport=None, clock: Clock = utc_now) -> AppService:
        """The service for these settings; with the sandbox, the sandbox runs in-process."""
        if transport is None and settings.sandbox:
            from amazon_tui.sandbox.embedded import embedded_sandbox

            transport = partial(embedded_sandbox, settings.data_dir)  # httpx loads on first request
        return cls(settings, transport=transport, clock=clock)

    def _register_stores(self) -> None:
        """Record the configured stores (first seen = "Created"); no write when nothing changed,
        which is every start but the first (a write would wait on another process's sync)."""
        known = {tuple(row) for row in self.db.query("SELECT name, marketplace, seller_id FROM stores")}
        changed = [
            store
            for store in self.settings.config.stores
            if (store.name, store.marketplace, store.seller_id) not in known
        ]
        if not changed:
            return
        stamp = format_timestamp(self.clock())
        with self.db.transaction() as conn:
            for store in changed:
                conn.execute(
                    "INSERT INTO stores (name, marketplace, seller_id, created) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (name) DO UPDATE SET "
                    "marketplace = excluded.marketplace, seller_id = excluded.seller_id",
                    (store.name, store.marketplace, store.seller_id, stamp),
                )

    def _on_wait(self, operation: str, seconds: float) -> None:
        for listener in list(self._wait_listeners):
            listener(operation, seconds)

    async def aclose(self) -> None:
        if "leader" in self.__dict__:
            self.leader.leave()
        await self.gateway.aclose()
        self.db.close()

    # -- stores ------------------------------------------------------------------------------

    @property
    def stores(self) -> tuple[StoreConfig, ...]:
        return self.settings.config.stores

    @property
    def magento_configured(self) -> bool:
        return self.settings.config.magento is not None

    @property
    def read_only(self) -> bool:
        return self.settings.read_only

    def store_card(self, name: str) -> StoreCard:
        store = self.settings.config.store(name)
        now = self.clock()
        row = self.db.query("SELECT created, last_sync, last_error FROM stores WHERE name = ?", (store.name,))
        created = parse_timestamp(row[0]["created"]) if row else None
        last_sync = parse_timestamp(row[0]["last_sync"]) if row and row[0]["last_sync"] else None
        error = row[0]["last_error"] if row else None
        if not store.active:
            status = StoreStatus.INACTIVE
        elif error and (
            "auth" in error.lower() or "unauthorized" in error.lower() or "invalid_grant" in error.lower()
        ):
            status = StoreStatus.AUTH_PENDING
        elif last_sync is None:
            status = StoreStatus.INCOMPLETE
        else:
            status = StoreStatus.ACTIVE
        return StoreCard(
            config=store,
            status=status,
            created=created,
            last_sync=last_sync,
            stats=self._stats(store.name, now, 30),
            attention=self.db.memo(
                ("attention", store.name, format_timestamp(now), self.due_soon),
                lambda: self.repo.attention_counts(store.name, now=now, due_soon=self.due_soon),
            ),
            error=error,
        )

    def last_sync(self, name: str) -> datetime | None:
        """When the store last synced successfully."""
        rows = self.db.query(
            "SELECT last_sync FROM stores WHERE name = ?", (self.settings.config.store(name).name,)
        )
        return parse_timestamp(rows[0]["last_sync"]) if rows and rows[0]["last_sync"] else None

    def store_cards(self) -> list[StoreCard]:
        return [self.store_card(store.name) for store in self.stores]

    def revenue(self, name: str, days: int) -> StoreStats:
        return self._stats(self.settings.config.store(name).name, self.clock(), days)

    def _stats(self, store: str, now: datetime, days: int) -> StoreStats:
        """The card's and the chart's figures; asked for several times per screen, computed once
        per second of ``now`` (the queries' resolution) until the database changes."""
        return self.db.memo(
            ("stats", store, format_timestamp(now), days), lambda: self.repo.stats(store, now=now, days=days)
        )

    @property
    def due_soon(self) -> timedelta:
        return timedelta(hours=self.settings.config.ui.due_soon_hours)

    # -- orders (local) ----------------------------------------------------------------------

    def orders(self, query: OrderQuery, *, limit: int, offset: int = 0) -> list[OrderSummary]:
        return self.repo.summaries(query, limit=limit, offset=offset)

    def count(self, query: OrderQuery) -> int:
        return self.repo.count(query)

    def recent_orders(self, store: str, limit: int | None = None) -> list[OrderSummary]:
        from amazon_tui.domain.models import OrderQuery  # pydantic: the store cards need none of it

        return self.repo.summaries(
            OrderQuery(stores=(store,)), limit=limit or self.settings.config.ui.recent_orders
        )

    def order_summary(self, order_id: str) -> OrderSummary | None:
        return self.repo.summary(order_id)

    def cached_order(self, order_id: str) -> Order | None:
        return self.repo.get(order_id)

    def fetched_at(self, order_id: str) -> datetime | None:
        return self.repo.detail_fetched(order_id)

    def find_orders(self, text: str) -> list[OrderSummary]:
        return self.repo.find(text)

    def order_notes(self, order_id: str) -> list[tuple[datetime, str]]:
        return self.repo.notes(order_id)

    def magento_link(self, order_id: str):
        return self.repo.link(order_id)

    def mark_seen(self, order_ids: Sequence[str] | None = None) -> None:
        self.repo.mark_seen(order_ids)

    def attention(self) -> list[AttentionItem]:
        """Late, due-soon and buyer-cancel orders of the active stores, most urgent first."""
        from amazon_tui.domain.attention import classify, most_urgent_first

        now = self.clock()
        stores = [store.name for store in self.stores if store.active]
        items = []
        for summary, asked in self.repo.attention(stores, now=now, due_soon=self.due_soon):
            reason = None
            if asked:
                order = self.repo.get(summary.order_id)
                reason = (order.buyer_cancellation_reason if order else None) or ""
            items.append(classify(summary, reason, now))
        return most_urgent_first(items)

    def attention_counts(self) -> dict[str, AttentionCounts]:
        """The three counts of every active store (cheap: the app compares them after each poll)."""
        now = self.clock()
        return {
            store.name: self.repo.attention_counts(store.name, now=now, due_soon=self.due_soon)
            for store in self.stores
            if store.active
        }

    # -- orders (network) --------------------------------------------------------------------

    def is_fresh(self, order_id: str) -> bool:
        fetched = self.fetched_at(order_id)
        window = timedelta(seconds=self.settings.config.ui.freshness_seconds)
        return fetched is not None and self.clock() - fetched < window

    async def refresh_order(self, order_id: str, *, force: bool = False) -> Order:
        """The order from one getOrder (all datasets), stored; cached when fresh and not forced."""
        cached = self.repo.get(order_id)
        if cached is not None and not force and self.is_fresh(order_id):
            return cached
        order = (
            await self.gateway.orders(cached.store).get_order(order_id)
            if cached is not None
            else await self._locate(order_id)
        )
        self.repo.upsert([order], now=self.clock(), detail=True)
        return self.repo.get(order_id) or order

    async def _locate(self, order_id: str) -> Order:
        """An order not in the local store: ask each active store's seller until one has it."""
        from amazon_tui.clients.errors import NotFoundError

        active = [store for store in self.stores if store.active]
        if not active:
            raise LookupError(f"Order {order_id} is not in the local store and no store is active.")
        for store in active[:-1]:
            try:
                return await self.gateway.orders(store.name).get_order(order_id)
            except NotFoundError:
                continue
        return await self.gateway.orders(active[-1].name).get_order(order_id)

    async def magento_order(self, order_id: str) -> MagentoOrder | None:
        """The Magento order linked to an Amazon order, or None when there is none."""
        if self.gateway.magento is None:
            return None
        link = self.repo.link(order_id)
        if link is None:
            return None
        return await self.gateway.magento.get_order(link.entity_id)

    # -- sync ----------------------------------------------------------------------------------

    async def sync(
        self, stores: Sequence[str] | None = None, *, progress: Progress | None = None
    ) -> SyncOutcome:
        """Sync the given (default: all active) stores, as the data dir's leader or by asking it.

        Only the leader talks to searchOrders: a process that is not the leader joins the
        leader's sync (``progress`` then reports nothing; ``leader.on_wait`` says whose).
        """
        names = [self.settings.config.store(name).name for name in stores] if stores else None
        return await self.leader.sync(names, progress=progress)

    async def sync_here(
        self, stores: Sequence[str] | None = None, *, progress: Progress | None = None
    ) -> SyncOutcome:
        """Sync in this process (the leader's part); one store failing does not stop the others."""
        names = (
            [self.settings.config.store(name).name for name in stores]
            if stores
            else [s.name for s in self.stores if s.active]
        )
        outcome = SyncOutcome()
        report = progress or (lambda _: None)
        async with self._sync_lock:
            for name in names:

                def waiting(operation: str, seconds: float, store: str = name) -> None:
                    report(
                        SyncProgress(
                            store,
                            "waiting",
                            wait_seconds=seconds,
                            message=f"Waiting {seconds:.0f} s for Amazon's rate limit ({operation})",
                        )
                    )

                self._wait_listeners.append(waiting)
                try:
                    result = await self._sync_store(name, report)
                except Exception as exc:  # noqa: BLE001 - a store's failure is shown on its card
                    message = describe_failure(exc)
                    outcome.failures[name] = message
                    self._set_store_state(name, error=message)
                    report(SyncProgress(name, "failed", message=message))
                else:
                    outcome.reports.append(result)
                    self._set_store_state(name, error=None, synced=True)
                    report(
                        SyncProgress(
                            name,
                            "done",
                            pages=result.pages,
                            orders=result.orders,
                            message=f"{len(result.inserted)} new, {len(result.changed)} changed",
                        )
                    )
                finally:
                    self._wait_listeners.remove(waiting)
        return outcome

    async def _sync_store(self, name: str, report: Progress) -> SyncReport:
        store = self.settings.config.store(name)
        sync_config = self.settings.config.sync
        result = await sync_amazon(
            store,
            self.gateway.orders(name),
            self.repo,
            now=self.clock(),
            initial_days=sync_config.initial_days,
            page_size=sync_config.page_size,
            progress=report,
        )
        if self.gateway.magento is not None:
            report(
                SyncProgress(
                    name,
                    "magento",
                    pages=result.pages,
                    orders=result.orders,
                    message="Refreshing the Magento order index…",
                )
            )
            result.links = await sync_magento_links(
                store,
                self.gateway.magento,
                self.repo,
                amazon_order_field=self.settings.config.magento.amazon_order_field,
                now=self.clock(),
            )
        return result

    @cached_property
    def _changes(self):
        from amazon_tui.local.changes import ChangeWatch

        return ChangeWatch(self.db)

    def changed_elsewhere(self) -> bool:
        """Whether another process changed what the screens show since the last call (cheap: call it
        every second)."""
        return self._changes.changed()

    def store_errors(self) -> dict[str, str]:
        """The stores whose last sync failed (by this process or another), with the cause."""
        return {
            row["name"]: row["last_error"]
            for row in self.db.query("SELECT name, last_error FROM stores WHERE last_error IS NOT NULL")
        }

    def _set_store_state(self, name: str, *, error: str | None, synced: bool = False) -> None:
        with self.db.transaction() as conn:
            if synced:
                conn.execute(
                    "UPDATE stores SET last_sync = ?, last_error = NULL WHERE name = ?",
                    (format_timestamp(self.clock()), name),
                )
            else:
                conn.execute("UPDATE stores SET last_error = ? WHERE name = ?", (error, name))

    # -- cancellation ------------------------------------------------------------------------

    def cancel_refusal(self, order: Order) -> str | None:
        """Why the app will not offer to cancel this order (None when it will)."""
        refusal = self.cancel_refusal_code(order)
        return refusal[1] if refusal else None

    def cancel_refusal_code(self, order: Order) -> tuple[str, str] | None:
        """(error code, why) when the app will not cancel this order; None when it will."""
        from amazon_tui.core.cancel.engine import READ_ONLY_MESSAGE, retry_allowed

        if self.read_only:
            return "read_only", READ_ONLY_MESSAGE
        live = self.journal.live(order.order_id)
        if live is not None and not retry_allowed(live):
            from amazon_tui.local.journal import already

            return "already_canceling", f"This order {already(live.state, live.operator, live.requested_at)}"
        from amazon_tui.domain.models import not_cancelable_reason

        why = not_cancelable_reason(order)
        if why is None:
            return None
        amazon_fulfilled = order.status is OrderStatus.UNSHIPPED
        return ("amazon_fulfilled" if amazon_fulfilled else "not_cancelable"), why

    async def cancel(self, order_ids: Sequence[str], reason: CancelReason) -> list[Submission]:
        """Journal, verify and submit; one feed per store. Returns once Amazon has the feed.

        Raises ReadOnlySession in a read-only session (the engine refuses too).
        """
        if self.read_only:
            from amazon_tui.core.cancel.engine import ReadOnlySession

            raise ReadOnlySession()
        from amazon_tui.core.cancel.engine import Submission

        by_store: dict[str, list[str]] = {}
        refused: list[tuple[str, str]] = []
        for order_id in dict.fromkeys(order_ids):
            # Read again between Confirm and the journal: a getOrder when the copy is older than
            # the freshness window, so a status that changed meanwhile is refused here, unjournaled.
            order = await self.refresh_order(order_id)
            refusal = self.cancel_refusal_code(order)
            if refusal is None:
                by_store.setdefault(order.store, []).append(order_id)
            elif refusal[0] == "already_canceling":
                refused.append((order_id, f"Order {order_id} {refusal[1].removeprefix('This order ')}"))
            else:
                refused.append((order_id, f"Order {order_id} ({order.status.label}): {refusal[1]}"))
        async with self.leader.present():  # the journal rows name this process, alive while it sends
            submissions = [
                await self.cancellations.submit(store, ids, reason) for store, ids in by_store.items()
            ]
        return submissions + ([Submission((), tuple(refused), None)] if refused else [])

    async def finish_cancellations(self, submissions: Sequence[Submission]) -> list[JournalEntry]:
        """Wait for Amazon's report on submitted cancellations (run in a background worker)."""
        entries = [entry for submission in submissions for entry in submission.submitted]
        return await self.leader.finish(entries)

    async def resume_cancellations(self) -> list[JournalEntry]:
        """Finish every journal row a crash or a closed session left behind (a read-only
        session leaves them to one that may write, and returns none)."""
        if self.read_only:
            return []
        return await self.leader.resume()

    def cancellation(self, order_id: str) -> JournalEntry | None:
        return self.journal.latest(order_id)

    def pending_cancellations(self) -> list[JournalEntry]:
        return self.journal.unfinished()

    def audit(self, limit: int = 1000):
        return self.audit_trail.entries(limit)

    def cancellation_history(self, limit: int = 500) -> list[JournalEntry]:
        """One row per cancellation, newest first, with its state and Amazon's message."""
        return self.journal.all(limit)
