"""Filling the database: the seeded Amazon orders and the Magento orders ASC made of them."""

from __future__ import annotations

import gc
import json
import random
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime

from .catalog import STORES, SandboxStore, find_store, store_for_seller
from .clock import iso
from .db import Database
from .magento_orders import build_magento_order
from .seed import OrderFactory

SEED_CHUNK = 5000


def by_seller(store_orders: Mapping[str, int]) -> dict[str, int]:
    """{seller id: count} from store names or seller ids (KeyError for an unknown store)."""
    counts = {}
    for name, count in store_orders.items():
        if int(count) < 0:
            raise ValueError(f"a store cannot have {count} orders")
        counts[find_store(name).seller_id] = int(count)
    return counts


def seeded_with(db: Database) -> dict:
    """The seed and sizes the current data was made with (`store_orders`: by store name)."""
    store_orders = json.loads(db.get_meta("store_orders", "{}"))
    return {
        "seed": int(db.get_meta("seed", "0")),
        "orders_per_store": int(db.get_meta("orders_per_store", "0")),
        "store_orders": {
            store_for_seller(seller_id).name: count for seller_id, count in store_orders.items()
        },
        "seeded_at": db.get_meta("seeded_at"),
    }


def reseed(
    db: Database,
    *,
    signing_key: bytes,
    seed: int,
    orders_per_store: int,
    store_orders: dict[str, int],
    counts: Mapping[SandboxStore, int],
    now: datetime,
    as_of: datetime,
) -> None:
    """Wipe the data and seed it again, in one transaction: `counts` orders per store, made as
    if it were `as_of`; arrivals start from `now`. The signing key and the settings are kept."""
    with db.transaction():
        db.wipe()
        db.set_meta("signing_key", signing_key.hex())
        db.set_meta("seed", seed)
        db.set_meta("orders_per_store", orders_per_store)
        if store_orders:
            db.set_meta("store_orders", json.dumps(store_orders))
        db.set_meta("seeded_at", iso(as_of))
        db.set_meta("arrivals_until", now.isoformat())
        _seed_orders(db, seed, as_of, counts)


def _seed_orders(db: Database, seed: int, now: datetime, counts: Mapping[SandboxStore, int]) -> None:
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
            count = counts[store]
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
                            import_to_magento(db, store, doc, import_rng, entity_id, increment)
                        )
                db.insert_amazon_orders((store.seller_id, doc) for doc in docs)
                db.insert_magento_orders(magento_docs)
            db.set_meta(f"magento_increment:{store.magento_store_id}", increment)
    db.set_meta("magento_entity_id", entity_id)


def is_imported_by_asc(doc: dict, rng: random.Random) -> bool:
    """Would the Amazon Sales Channel have made a Magento order for this Amazon order?"""
    fulfillment = doc["fulfillment"]
    status, afn = fulfillment["fulfillmentStatus"], fulfillment["fulfilledBy"] == "AMAZON"
    if afn:
        return status == "SHIPPED"  # ASC imports FBA orders only once shipped
    if status in ("UNSHIPPED", "PARTIALLY_SHIPPED"):
        return rng.random() > 0.03  # a few failed imports (ASC shows them as Error)
    if status == "SHIPPED":
        return True
    if status == "CANCELLED":
        return rng.random() < 0.6  # canceled after import
    return False


def import_to_magento(
    db: Database,
    store: SandboxStore,
    amazon: dict,
    rng: random.Random,
    entity_id: int | None = None,
    number: int | None = None,
) -> dict:
    """Create the Magento order ASC would have made; the Amazon order gets its alias.

    Without `entity_id` and `number` the next ones are taken from the database's sequences."""
    entity_id = entity_id or db.next_sequence("magento_entity_id")
    number = number or db.next_sequence(f"magento_increment:{store.magento_store_id}")
    increment_id = f"{number:09d}" if store.magento_store_id == 1 else f"{store.magento_store_id}{number:08d}"
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
