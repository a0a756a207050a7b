"""The sandbox's world: its state and settings, and what the handlers and tests do with it.

Built from parts (credentials, seeding, scenario, notifier, feed_lifecycle, ...); it knows
nothing of HTTP: the app (app.py) serves a world, and `Sandbox` (sandbox.py) adds that app.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path

from .accesslog import AccessLog, LogEntry
from .catalog import STORES, SandboxStore, find_store, store_for_seller
from .clock import real_clock
from .credentials import Tokens, magento_oauth_verifier, signing_key
from .db import Database
from .document_urls import DocumentUrls
from .faults import Fault, FaultSet
from .feed_lifecycle import settle_feeds
from .feed_processing import REPORT_MODES
from .magento_shipments import create_shipment, shipments_of
from .notifier import Notifier
from .ratelimit import RateLimiter
from .scenario import Scenario
from .seeding import by_seller, reseed, seeded_with


class SandboxWorld:
    """Amazon's and Magento's side of the wire: orders, feeds, tokens, faults, the clock."""

    def __init__(
        self,
        db_path: str | Path,
        *,
        seed: int = 42,
        orders_per_store: int = 320,
        store_orders: Mapping[str, int] | None = None,
        clock: Callable[[], datetime] | None = None,
        time_scale: float = 1.0,
        token_ttl_seconds: int = 3600,
        feed_delay_seconds: float = 2.0,
        arrivals_per_minute: float = 0.0,
        enforce_rate_limits: bool = True,
        gzip_reports: bool | None = None,
        magento_bearer_tokens: bool = False,
        magento_two_factor: bool = True,
        sqs_endpoint: str | None = None,
    ) -> None:
        """``magento_bearer_tokens``: the store allows integration tokens as standalone Bearer
        tokens (before 2.4.4, or the setting turned on); ``magento_two_factor``: admin logins
        need a second factor (Magento_TwoFactorAuth, on by default), so no admin token is issued;
        ``sqs_endpoint``: where subscribed notifications go."""
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        self.magento_bearer_tokens = magento_bearer_tokens
        self.magento_two_factor = magento_two_factor
        self.magento_oauth = magento_oauth_verifier()
        self.db = Database(db_path)
        self.clock = clock or real_clock
        self.seed = seed
        self.orders_per_store = orders_per_store
        self.store_orders = by_seller(store_orders or {})
        self.time_scale = time_scale
        self.token_ttl_seconds = token_ttl_seconds
        self.feed_delay_seconds = feed_delay_seconds
        self.arrivals_per_minute = arrivals_per_minute
        self.gzip_reports = gzip_reports
        self.report_mode = "normal"  # how acknowledgement feeds are answered: feed_processing.REPORT_MODES
        self.document_urls = DocumentUrls()  # where document URLs lead: the sandbox's own bucket
        self.rate_limiter = RateLimiter(self.clock, time_scale, enforce_rate_limits)
        self.faults = FaultSet()
        self.fault_generation = 0  # bumps on clear_faults: ends hanging "timeout" requests
        self.log = AccessLog()
        self._ticker_stop = threading.Event()
        self.notifier = Notifier(self.db, self.clock, sqs_endpoint)
        self.mutation_lock = threading.RLock()
        self.tokens = Tokens(self.db, self.clock)
        self.scenario = Scenario(self.db, self.clock, self.notifier, self.mutation_lock)
        self.signing_key = signing_key(self.db)
        if self.db.get_meta("seed") is None:
            self.reset()

    # stores and seeding --------------------------------------------------------------------

    @property
    def stores(self) -> list[SandboxStore]:
        return list(STORES)

    def store_of(self, seller_id: str) -> SandboxStore:
        return store_for_seller(seller_id)

    @property
    def seeded_with(self) -> dict:
        """The seed and sizes the current data was made with (`store_orders`: by store name)."""
        return seeded_with(self.db)

    def orders_seeded_in(self, store: SandboxStore) -> int:
        """How many orders a reset gives `store` now: its own count, else orders_per_store
        (an eighth of it for a deactivated store)."""
        if store.seller_id in self.store_orders:
            return self.store_orders[store.seller_id]
        return self.orders_per_store if store.active else self.orders_per_store // 8

    def reset(
        self,
        seed: int | None = None,
        orders_per_store: int | None = None,
        store_orders: Mapping[str, int] | None = None,
        *,
        as_of: datetime | None = None,
    ) -> None:
        """Wipe every order, feed and document and seed again (access tokens stay valid).

        None keeps the sandbox's current setting. `store_orders` maps store names (or seller
        ids) to their own order count, e.g. {"Acme US": 100_000}; {} drops such counts.
        `as_of` makes the orders as if it were that time (default: the sandbox clock's now):
        the same seed, sizes and as_of give the same data.
        """
        seed = self.seed if seed is None else seed
        orders_per_store = self.orders_per_store if orders_per_store is None else orders_per_store
        if store_orders is not None:
            self.store_orders = by_seller(store_orders)
        self.seed, self.orders_per_store = seed, orders_per_store
        now = self.clock()
        with self.mutation_lock:
            reseed(
                self.db,
                signing_key=self.signing_key,
                seed=seed,
                orders_per_store=orders_per_store,
                store_orders=self.store_orders,
                counts={store: self.orders_seeded_in(store) for store in STORES},
                now=now,
                as_of=now if as_of is None else as_of,
            )
        self.faults.clear()
        self.rate_limiter.reset()

    # credentials ---------------------------------------------------------------------------

    def issue_access_token(self, seller_id: str) -> str:
        return self.tokens.issue_access_token(seller_id, self.token_ttl_seconds)

    def seller_for_access_token(self, token: str) -> tuple[str, str | None]:
        """("valid", seller_id), ("expired", None) or ("invalid", None)."""
        return self.tokens.seller_for_access_token(token)

    def issue_magento_admin_token(self) -> str:
        return self.tokens.issue_magento_admin_token()

    def magento_token_valid(self, token: str) -> bool:
        """A Bearer token: an admin token, or the integration's where the store allows that."""
        return self.tokens.magento_token_valid(token, integration_token_as_bearer=self.magento_bearer_tokens)

    # access log and faults -----------------------------------------------------------------

    @property
    def access_log(self) -> list[LogEntry]:
        return self.log.entries()

    def count(self, operation: str, status: int | None = None) -> int:
        return self.log.count(operation, status)

    def clear_log(self) -> None:
        self.log.clear()

    def inject_fault(
        self,
        operation: str,
        kind: str,
        *,
        count: int | None = None,
        latency: float = 0,
        status: int | None = None,
    ) -> Fault:
        """Make `operation` (or "*" for every operation) misbehave; see faults.FAULT_KINDS.
        `status`: what an "echo" fault answers (default 400)."""
        return self.faults.add(operation, kind, count=count, latency=latency, status=status)

    def clear_faults(self) -> None:
        self.faults.clear()
        self.release_hanging_requests()

    def release_hanging_requests(self) -> None:
        """End every request currently held by a "timeout" fault (it answers 504)."""
        self.fault_generation += 1

    # the clock -----------------------------------------------------------------------------

    def set_clock(self, when: datetime) -> None:
        self._controllable_clock().set(when)

    def advance_clock(self, seconds: float) -> None:
        self._controllable_clock().advance(seconds)

    def _controllable_clock(self):
        if not hasattr(self.clock, "advance"):
            raise RuntimeError("this sandbox runs on the real clock; pass a ControllableClock")
        return self.clock

    # orders --------------------------------------------------------------------------------

    def start_ticking(self, interval: float = 1.0) -> None:
        """Settle every ``interval`` seconds in a daemon thread: a served sandbox that sends
        notifications must finish feeds and bring arrivals when they are due, not on the next request."""

        def tick() -> None:
            while not self._ticker_stop.wait(interval):
                try:
                    self.settle()
                except Exception:  # noqa: BLE001 - the database closed at exit: stop
                    return

        threading.Thread(target=tick, name="sandbox-ticker", daemon=True).start()

    def settle(self) -> None:
        """Bring the world up to the clock: arrivals and feeds that are due."""
        with self.mutation_lock:
            self.scenario.materialise_arrivals(self.arrivals_per_minute, self.seed)
            feed_delay = timedelta(seconds=self.feed_delay_seconds / self.time_scale)
            settle_feeds(
                self.db, self.notifier, self.clock(), feed_delay, self.gzip_reports, self.report_mode
            )

    def set_report_mode(self, mode: str) -> None:
        """Answer the acknowledgement feeds finished from now on in this way (REPORT_MODES)."""
        if mode not in REPORT_MODES:
            raise ValueError(f"unknown report mode {mode!r}; expected one of {sorted(REPORT_MODES)}")
        self.report_mode = mode

    def set_document_urls(
        self, base: str | None = None, *, redirect: str | None = None, redirect_status: int = 302
    ) -> None:
        """Hand out document URLs on `base` instead of the sandbox's own origin, and/or make the
        bucket answer every upload and download with `redirect_status` to `redirect`; no
        arguments: the sandbox's own bucket again (a reset keeps the setting)."""
        self.document_urls = DocumentUrls(base, redirect, redirect_status)

    def get_order_raw(self, order_id: str) -> dict:
        """The stored order with every dataset (what getOrder returns with all includedData)."""
        self.settle()
        doc = self.db.amazon_order(order_id)
        if doc is None:
            raise KeyError(order_id)
        return doc

    def magento_order_for(self, amazon_order_id: str) -> dict | None:
        """The Magento order whose payment.po_number is this Amazon order id, if imported."""
        return self.db.magento_order_for_amazon(amazon_order_id)

    def add_orders(self, store_name_or_seller_id: str, n: int) -> list[str]:
        """Make `n` new orders arrive now (Pending or Unshipped; Unshipped ones in Magento too)."""
        store = find_store(store_name_or_seller_id)
        now = self.clock()
        return self.scenario.arrive(
            store, [now - timedelta(seconds=n - index) for index in range(n)], self.seed
        )

    def ship_order(self, order_id: str) -> dict:
        """Ship every unshipped item now (one package); Magento follows as ASC would."""
        return self.scenario.ship_order(order_id, self.seed)

    def magento_ship(
        self,
        amazon_order_id: str,
        *,
        carrier_code: str,
        track_number: str,
        title: str | None = None,
        items: Mapping[str, int] | None = None,
    ) -> dict:
        """Ship in Magento only, as a warehouse does when nobody tells Amazon: a Magento shipment
        of `items` ({sku: qty}; None: all not yet shipped) with one track; the Magento order's
        qty_shipped and state move as Magento's do. Returns the shipment (GET /V1/shipment/{id}).
        KeyError: no Magento order for this Amazon order; ValueError: Magento refuses."""
        with self.mutation_lock, self.db.transaction():
            order = self.db.magento_order_for_amazon(amazon_order_id)
            if order is None:
                raise KeyError(f"no Magento order for Amazon order {amazon_order_id}")
            return create_shipment(
                self.db,
                order,
                carrier_code=carrier_code,
                title=title,
                track_number=track_number,
                items=items,
                now=self.clock(),
            )

    def magento_shipments_for(self, amazon_order_id: str) -> list[dict]:
        """The Magento shipments of the Magento order of this Amazon order, oldest first."""
        return shipments_of(self.db, amazon_order_id)

    def request_cancellation(self, order_id: str, reason: str | None = None) -> dict:
        """The buyer asks to cancel an unshipped order; subscribed sellers get an ORDER_CHANGE."""
        return self.scenario.request_cancellation(order_id, reason)

    def close(self) -> None:
        self._ticker_stop.set()
        self.db.close()

    def describe(self) -> dict:
        """Counts per store and status, for the admin endpoint and the CLI."""
        rows = self.db.query(
            "SELECT seller_id, fulfillment_status, COUNT(*) AS n"
            " FROM amazon_orders GROUP BY seller_id, fulfillment_status"
        )
        counts: dict[str, dict[str, int]] = {}
        for row in rows:
            counts.setdefault(row["seller_id"], {})[row["fulfillment_status"]] = row["n"]
        return {
            **self.seeded_with,
            "stores": [
                {
                    "name": store.name,
                    "seller_id": store.seller_id,
                    "marketplace_id": store.marketplace_id,
                    "active": store.active,
                    "orders": counts.get(store.seller_id, {}),
                }
                for store in STORES
            ],
            "faults": [fault.as_dict() for fault in self.faults.active()],
        }
