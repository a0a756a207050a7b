"""What happens to orders outside the API: new orders arrive, orders ship, buyers ask to cancel.

Each change is saved, mirrored in Magento where ASC would, and notified to subscribed sellers.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from .catalog import STORES, SandboxStore, store_for_seller
from .clock import iso, parse_iso
from .db import Database
from .magento_orders import add_history, item_views
from .notifier import Notifier
from .seed import OrderFactory
from .seed_parts import OrderParts
from .seeding import import_to_magento


class Scenario:
    """Drives the orders of one sandbox database; `seed` keeps what it makes deterministic."""

    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime],
        notifier: Notifier,
        mutation_lock: threading.RLock,
    ) -> None:
        self.db = db
        self.clock = clock
        self.notifier = notifier
        self.mutation_lock = mutation_lock

    def arrive(self, store: SandboxStore, created_times: list[datetime], seed: int) -> list[str]:
        """New orders of `store` created at `created_times` (Unshipped ones in Magento too)."""
        with self.mutation_lock, self.db.transaction():
            count = self.db.next_sequence("arrival_sequence")
            rng = random.Random(f"{seed}:arrivals:{store.seller_id}:{count}")
            used = {
                row["order_id"]
                for row in self.db.query(
                    "SELECT order_id FROM amazon_orders WHERE seller_id = ?", (store.seller_id,)
                )
            }
            factory = OrderFactory(rng, store, self.clock(), used)
            docs = [factory.arriving_order(created) for created in created_times]
            magento = [
                import_to_magento(self.db, store, doc, rng)
                for doc in docs
                if doc["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
            ]
            self.db.insert_amazon_orders((store.seller_id, doc) for doc in docs)
            self.db.insert_magento_orders(magento)
        for doc in docs:
            self.notifier.order_changed(doc, store.seller_id, "New Order", "NewOrder")
        return [doc["orderId"] for doc in docs]

    def materialise_arrivals(self, per_minute: float, seed: int) -> None:
        """Create the orders that `per_minute` says have arrived since the last look."""
        if per_minute <= 0:
            return
        now = self.clock()
        since = parse_iso(self.db.get_meta("arrivals_until") or now.isoformat())
        interval = 60.0 / per_minute
        due = int((now - since).total_seconds() // interval)
        if due <= 0:
            return
        due_times = [since + timedelta(seconds=interval * (index + 1)) for index in range(due)]
        self.db.set_meta("arrivals_until", due_times[-1].isoformat())
        active = [store for store in STORES if store.active]
        for offset, store in enumerate(active):
            times = due_times[offset :: len(active)]
            if times:
                self.arrive(store, times, seed)

    def ship_order(self, order_id: str, seed: int) -> dict:
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
            rng = random.Random(f"{seed}:ship:{order_id}")
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
        assert row is not None  # called only for an order just read under the mutation lock
        return store_for_seller(row["seller_id"])
