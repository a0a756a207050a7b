"""The Sandbox: state, seeding, credentials, faults and the helpers tests drive it with."""

from __future__ import annotations

import gc
import json
import random
import secrets
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import cached_property
from pathlib import Path

from .accesslog import AccessLog, LogEntry
from .catalog import (
    MAGENTO_ACCESS_TOKEN_SECRET,
    MAGENTO_CONSUMER_KEY,
    MAGENTO_CONSUMER_SECRET,
    MAGENTO_INTEGRATION_TOKEN,
    STORES,
    SandboxStore,
    find_store,
    store_for_seller,
)
from .clock import iso, parse_iso, real_clock
from .db import Database
from .faults import Fault, FaultSet
from .magento_orders import add_history, build_magento_order, item_views
from .notifications import Notifier
from .oauth1 import OAuthVerifier
from .ratelimit import RateLimiter
from .seed import OrderFactory, is_imported_by_asc
from .seed_parts import OrderParts

MAGENTO_ADMIN_TOKEN_TTL = timedelta(hours=4)
SEED_CHUNK = 5000


class Sandbox:
    """The other side of the wire: Amazon (LWA, Orders 2026-01-01, Feeds) and Magento REST."""

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
        need a second factor (Magento_TwoFactorAuth, on by default), so no admin token is issued."""
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        self.magento_bearer_tokens = magento_bearer_tokens
        self.magento_two_factor = magento_two_factor
        self.magento_oauth = OAuthVerifier(
            MAGENTO_CONSUMER_KEY,
            MAGENTO_CONSUMER_SECRET,
            MAGENTO_INTEGRATION_TOKEN,
            MAGENTO_ACCESS_TOKEN_SECRET,
        )
        self.db = Database(db_path)
        self.clock = clock or real_clock
        self.seed = seed
        self.orders_per_store = orders_per_store
        self.store_orders = _by_seller(store_orders or {})
        self.time_scale = time_scale
        self.token_ttl_seconds = token_ttl_seconds
        self.feed_delay_seconds = feed_delay_seconds
        self.arrivals_per_minute = arrivals_per_minute
        self.gzip_reports = gzip_reports
        self.rate_limiter = RateLimiter(self.clock, time_scale, enforce_rate_limits)
        self.faults = FaultSet()
        self.fault_generation = 0  # bumps on clear_faults: ends hanging "timeout" requests
        self.log = AccessLog()
        self._ticker_stop = threading.Event()
        self.notifier = Notifier(self, sqs_endpoint)  # ``sqs_endpoint``: where subscribed notifications go
        self.mutation_lock = threading.RLock()
        self.signing_key = self._signing_key()
        if self.db.get_meta("seed") is None:
            self.reset()

    # the ASGI app --------------------------------------------------------------------------

    @cached_property
    def app(self):
        """The Starlette app serving every endpoint of this sandbox."""
        from .app import create_app

        return create_app(self)

    # stores and seeding --------------------------------------------------------------------

    @property
    def stores(self) -> list[SandboxStore]:
        return list(STORES)

    def store_of(self, seller_id: str) -> SandboxStore:
        return store_for_seller(seller_id)

    @property
    def seeded_with(self) -> dict:
        """The seed and sizes the current data was made with (`store_orders`: by store name)."""
        store_orders = json.loads(self.db.get_meta("store_orders", "{}"))
        return {
            "seed": int(self.db.get_meta("seed", "0")),
            "orders_per_store": int(self.db.get_meta("orders_per_store", "0")),
            "store_orders": {
                store_for_seller(seller_id).name: count for seller_id, count in store_orders.items()
            },
            "seeded_at": self.db.get_meta("seeded_at"),
        }

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
            self.store_orders = _by_seller(store_orders)
        self.seed, self.orders_per_store = seed, orders_per_store
        now = self.clock()
        as_of = now if as_of is None else as_of
        with self.mutation_lock, self.db.transaction():
            self.db.wipe()
            self.db.set_meta("signing_key", self.signing_key.hex())
            self.db.set_meta("seed", seed)
            self.db.set_meta("orders_per_store", orders_per_store)
            if self.store_orders:
                self.db.set_meta("store_orders", json.dumps(self.store_orders))
            self.db.set_meta("seeded_at", iso(as_of))
            self.db.set_meta("arrivals_until", now.isoformat())
            self._seed_orders(seed, as_of)
        self.faults.clear()
        self.rate_limiter.reset()

    def _seed_orders(self, seed: int, now: datetime) -> None:
        """Generate and bulk-insert in chunks, so a 100,000-order store fits in memory.

        Magento entity ids, and the rows of both tables, follow purchase time within each
        chunk (searchOrders reads by creation time: neighbouring orders share pages).
        """
        used_ids: set[str] = set()
        import_rng = random.Random(f"{seed}:magento")
        entity_id = 0
        with _collector_paused():
            for store in STORES:
                factory = OrderFactory(random.Random(f"{seed}:{store.seller_id}"), store, now, used_ids)
                count = self.orders_seeded_in(store)
                # a deactivated store: only settled orders from before its last month
                min_age_days = 0.0 if store.active else 30.0
                increment = 0
                for start in range(0, count, SEED_CHUNK):
                    docs = [
                        factory.random_order(min_age_days=min_age_days)
                        for _ in range(min(SEED_CHUNK, count - start))
                    ]
                    docs.sort(key=_created_time)
                    magento_docs = []
                    for doc in docs:
                        if is_imported_by_asc(doc, import_rng):
                            entity_id += 1
                            increment += 1
                            magento_docs.append(
                                self._import_to_magento(store, doc, import_rng, entity_id, increment)
                            )
                    self.db.insert_amazon_orders((store.seller_id, doc) for doc in docs)
                    self.db.insert_magento_orders(magento_docs)
                self.db.set_meta(f"magento_increment:{store.magento_store_id}", increment)
        self.db.set_meta("magento_entity_id", entity_id)

    def _import_to_magento(
        self,
        store: SandboxStore,
        amazon: dict,
        rng: random.Random,
        entity_id: int | None = None,
        number: int | None = None,
    ) -> dict:
        """Create the Magento order ASC would have made; the Amazon order gets its alias."""
        entity_id = entity_id or self.db.next_sequence("magento_entity_id")
        number = number or self.db.next_sequence(f"magento_increment:{store.magento_store_id}")
        increment_id = (
            f"{number:09d}" if store.magento_store_id == 1 else f"{store.magento_store_id}{number:08d}"
        )
        amazon_order = dict(amazon)
        aliases = [{"aliasId": increment_id, "aliasType": "SELLER_ORDER_ID"}]
        amazon.clear()
        amazon.update(
            {
                "orderId": amazon_order["orderId"],
                "orderAliases": aliases,
                **{key: value for key, value in amazon_order.items() if key != "orderId"},
            }
        )
        return build_magento_order(amazon, store, entity_id, increment_id, rng)

    def _signing_key(self) -> bytes:
        stored = self.db.get_meta("signing_key")
        if stored:
            return bytes.fromhex(stored)
        key = secrets.token_bytes(32)
        self.db.set_meta("signing_key", key.hex())
        return key

    # credentials ---------------------------------------------------------------------------

    def issue_access_token(self, seller_id: str) -> str:
        token = "Atza|" + secrets.token_urlsafe(48)
        expires = self.clock() + timedelta(seconds=self.token_ttl_seconds)
        self.db.execute(
            "INSERT INTO access_tokens (token, kind, subject, expires_at) VALUES (?, 'lwa', ?, ?)",
            (token, seller_id, expires.isoformat()),
        )
        return token

    def seller_for_access_token(self, token: str) -> tuple[str, str | None]:
        """("valid", seller_id), ("expired", None) or ("invalid", None)."""
        row = self.db.query_one(
            "SELECT subject, expires_at FROM access_tokens WHERE token = ? AND kind = 'lwa'", (token,)
        )
        if not token or row is None:
            return "invalid", None
        if parse_iso(row["expires_at"]) <= self.clock():
            return "expired", None
        return "valid", row["subject"]

    def issue_magento_admin_token(self) -> str:
        token = secrets.token_hex(16)
        expires = self.clock() + MAGENTO_ADMIN_TOKEN_TTL
        self.db.execute(
            "INSERT INTO access_tokens (token, kind, subject, expires_at)"
            " VALUES (?, 'magento_admin', 'admin', ?)",
            (token, expires.isoformat()),
        )
        return token

    def magento_token_valid(self, token: str) -> bool:
        """A Bearer token: an admin token, or the integration's where the store allows that."""
        if not token:
            return False
        if secrets.compare_digest(token, MAGENTO_INTEGRATION_TOKEN):
            return self.magento_bearer_tokens
        row = self.db.query_one(
            "SELECT expires_at FROM access_tokens WHERE token = ? AND kind = 'magento_admin'", (token,)
        )
        return row is not None and parse_iso(row["expires_at"]) > self.clock()

    # access log and faults -----------------------------------------------------------------

    @property
    def access_log(self) -> list[LogEntry]:
        return self.log.entries()

    def count(self, operation: str, status: int | None = None) -> int:
        return self.log.count(operation, status)

    def clear_log(self) -> None:
        self.log.clear()

    def inject_fault(
        self, operation: str, kind: str, *, count: int | None = None, latency: float = 0
    ) -> Fault:
        """Make `operation` (or "*" for every operation) misbehave; see faults.FAULT_KINDS."""
        return self.faults.add(operation, kind, count=count, latency=latency)

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
        from .feeds import settle_feeds

        with self.mutation_lock:
            self._materialise_arrivals()
            settle_feeds(self)

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
        return self._arrive(store, [now - timedelta(seconds=n - index) for index in range(n)])

    def _arrive(self, store: SandboxStore, created_times: list[datetime]) -> list[str]:
        with self.mutation_lock, self.db.transaction():
            count = self.db.next_sequence("arrival_sequence")
            rng = random.Random(f"{self.seed}:arrivals:{store.seller_id}:{count}")
            used = {
                row["order_id"]
                for row in self.db.query(
                    "SELECT order_id FROM amazon_orders WHERE seller_id = ?", (store.seller_id,)
                )
            }
            factory = OrderFactory(rng, store, self.clock(), used)
            docs = [factory.arriving_order(created) for created in created_times]
            magento = [
                self._import_to_magento(store, doc, rng)
                for doc in docs
                if doc["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
            ]
            self.db.insert_amazon_orders((store.seller_id, doc) for doc in docs)
            self.db.insert_magento_orders(magento)
        for doc in docs:
            self.notifier.order_changed(doc, store.seller_id, "New Order", "NewOrder")
        return [doc["orderId"] for doc in docs]

    def _materialise_arrivals(self) -> None:
        """Create the orders that `arrivals_per_minute` says have arrived since the last look."""
        if self.arrivals_per_minute <= 0:
            return
        now = self.clock()
        since = parse_iso(self.db.get_meta("arrivals_until") or now.isoformat())
        interval = 60.0 / self.arrivals_per_minute
        due = int((now - since).total_seconds() // interval)
        if due <= 0:
            return
        due_times = [since + timedelta(seconds=interval * (index + 1)) for index in range(due)]
        self.db.set_meta("arrivals_until", due_times[-1].isoformat())
        active = [store for store in STORES if store.active]
        for offset, store in enumerate(active):
            times = due_times[offset :: len(active)]
            if times:
                self._arrive(store, times)

    def ship_order(self, order_id: str) -> dict:
        """Ship every unshipped item now (one package); Magento follows as ASC would."""
        with self.mutation_lock:
            doc = self.db.amazon_order(order_id)
            if doc is None:
                raise KeyError(order_id)
            status = doc["fulfillment"]["fulfillmentStatus"]
            if status not in ("UNSHIPPED", "PARTIALLY_SHIPPED") or (
                doc["fulfillment"]["fulfilledBy"] != "MERCHANT"
            ):
                raise ValueError(
                    f"order {order_id} is {status}; only unshipped merchant orders can be shipped"
                )
            store = self._store_of_order(order_id)
            now = self.clock()
            rng = random.Random(f"{self.seed}:ship:{order_id}")
            shipping_now = []
            for item in doc["orderItems"]:
                fulfillment = item["fulfillment"]
                unshipped = fulfillment["quantityUnfulfilled"]
                if unshipped:
                    fulfillment["quantityFulfilled"] += unshipped
                    fulfillment["quantityUnfulfilled"] = 0
                    shipping_now.append({**item, "fulfillment": {"quantityFulfilled": unshipped}})
            doc.setdefault("packages", []).append(OrderParts(rng, store, now).package(shipping_now, now))
            doc["fulfillment"]["fulfillmentStatus"] = "SHIPPED"
            doc["lastUpdatedTime"] = iso(now)
            self.db.save_amazon_order(doc)
            self._mirror_shipment_in_magento(doc, now)
            self.notifier.order_changed(doc, store.seller_id, "Order Status Changed")
            return doc

    def request_cancellation(self, order_id: str, reason: str | None = None) -> dict:
        """The buyer asks to cancel an unshipped order (Orders 2026-01-01: every item's
        cancellation.cancellationRequest); subscribed sellers get an ORDER_CHANGE."""
        with self.mutation_lock:
            doc = self.db.amazon_order(order_id)
            if doc is None:
                raise KeyError(order_id)
            status = doc["fulfillment"]["fulfillmentStatus"]
            if status not in ("PENDING", "UNSHIPPED", "PARTIALLY_SHIPPED"):
                raise ValueError(
                    f"order {order_id} is {status}; a buyer can only ask to cancel an order not yet shipped"
                )
            request = {"requester": "BUYER"} | ({"cancelReason": reason} if reason else {})
            for item in doc["orderItems"]:
                item.setdefault("cancellation", {})["cancellationRequest"] = request
            doc["lastUpdatedTime"] = iso(self.clock())
            self.db.save_amazon_order(doc)
            self.notifier.order_changed(
                doc,
                self._store_of_order(order_id).seller_id,
                "Buyer Requested Cancel",
                "BuyerRequestedChange",
            )
            return doc

    def _mirror_shipment_in_magento(self, amazon: dict, now: datetime) -> None:
        magento = self.db.magento_order_for_amazon(amazon["orderId"])
        if magento is None or magento["state"] == "closed":
            return
        shipped = {
            item["orderItemId"]: item["fulfillment"]["quantityFulfilled"] for item in amazon["orderItems"]
        }
        for item in item_views(magento):
            item["qty_shipped"] = shipped.get(item["ext_order_item_id"], item["qty_shipped"])
        magento["state"] = "complete"
        add_history(magento, "Status updated to Shipped.", now, "complete")
        self.db.save_magento_order(magento)

    def _store_of_order(self, order_id: str) -> SandboxStore:
        row = self.db.query_one("SELECT seller_id FROM amazon_orders WHERE order_id = ?", (order_id,))
        return store_for_seller(row["seller_id"])

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


def _by_seller(store_orders: Mapping[str, int]) -> dict[str, int]:
    """{seller id: count} from store names or seller ids (KeyError for an unknown store)."""
    counts = {}
    for name, count in store_orders.items():
        if int(count) < 0:
            raise ValueError(f"a store cannot have {count} orders")
        counts[find_store(name).seller_id] = int(count)
    return counts


def _created_time(doc: dict) -> str:
    return doc["createdTime"]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: seeding builds millions of small acyclic dicts,
    and the collections they would trigger took about 40% of making them (refcounting still
    frees everything)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
