"""Deterministic demo orders in the Orders 2026-01-01 shape (every dataset filled in).

The stored document holds all datasets; the API trims it to the requested `includedData`.
"""

from __future__ import annotations

import random
import string
from bisect import bisect
from datetime import datetime, timedelta
from itertools import accumulate

from . import seed_data as data
from .catalog import SandboxStore
from .clock import iso

MFN_STATUS_WEIGHTS = {
    "SHIPPED": 58,
    "UNSHIPPED": 18,
    "CANCELLED": 7,
    "PENDING": 6,
    "PARTIALLY_SHIPPED": 6,
    "PENDING_AVAILABILITY": 5,
}
AFN_STATUS_WEIGHTS = {"SHIPPED": 80, "CANCELLED": 6, "PENDING": 6, "UNFULFILLABLE": 5, "UNSHIPPED": 3}
AFN_SHARE = 0.25
SERVICE_LEVELS = ["STANDARD"] * 6 + ["EXPEDITED", "SECOND_DAY", "NEXT_DAY", "FREE_ECONOMY"]
PREMIUM_LEVELS = {"EXPEDITED", "SECOND_DAY", "NEXT_DAY"}
ITEM_COUNT_WEIGHTS = {1: 60, 2: 22, 3: 10, 4: 5, 5: 3}
HOUR = 3600.0
DAY = 24 * HOUR
TAXED_MARKETPLACES = {"US", "CA"}  # prices elsewhere include VAT


class Weighted:
    """`rng.choices(population, weights)[0]` with the cumulative weights worked out once.

    It draws exactly as `random.choices` does (one `random()` and the same bisect), so the
    seeded data does not depend on which of the two picked.
    """

    __slots__ = ("cumulative", "hi", "population", "total")

    def __init__(self, weights: dict) -> None:
        self.population = tuple(weights)
        self.cumulative = list(accumulate(weights.values()))
        self.total = self.cumulative[-1] + 0.0
        self.hi = len(self.population) - 1

    def pick(self, rng: random.Random):
        return self.population[bisect(self.cumulative, rng.random() * self.total, 0, self.hi)]


MFN_STATUSES = Weighted(MFN_STATUS_WEIGHTS)
AFN_STATUSES = Weighted(AFN_STATUS_WEIGHTS)
ITEM_COUNTS = Weighted(ITEM_COUNT_WEIGHTS)
QUANTITIES = Weighted({1: 80, 2: 15, 3: 5})
CANCELLED_BY = Weighted({"BUYER": 55, "MERCHANT": 35, "AMAZON": 10})
EMAIL_CHARACTERS = string.ascii_lowercase + string.digits


class OrderFactory:
    """Makes orders for one store; the same rng state always yields the same orders."""

    def __init__(self, rng: random.Random, store: SandboxStore, now: datetime, used_ids: set[str]):
        self.rng = rng
        self.store = store
        self.now = now
        self.used_ids = used_ids
        self.country = store.marketplace

    # choosing what kind of order ------------------------------------------------------------

    def random_order(self, *, max_age_days: float = 60.0, min_age_days: float = 0.0) -> dict:
        """An order of a realistic status, channel and age."""
        rng = self.rng
        afn = rng.random() < AFN_SHARE
        status = (AFN_STATUSES if afn else MFN_STATUSES).pick(rng)
        if min_age_days > 0:  # an old store: only settled orders
            status = "SHIPPED" if rng.random() < 0.9 else "CANCELLED"
        created, ship_by_latest = self._timeline(status, afn, max_age_days, min_age_days)
        return self.order(
            status=status,
            fulfilled_by="AMAZON" if afn else "MERCHANT",
            created=created,
            ship_by_latest=ship_by_latest,
            buyer_cancel_request=(not afn and status == "UNSHIPPED" and rng.random() < 0.12),
        )

    def arriving_order(self, created: datetime) -> dict:
        """A new order as it first shows up: Pending, or Unshipped once payment cleared."""
        status = "UNSHIPPED" if self.rng.random() < 0.7 else "PENDING"
        return self.order(
            status=status,
            fulfilled_by="MERCHANT",
            created=created,
            ship_by_latest=created + timedelta(days=2),
            last_updated=created,
        )

    def _timeline(self, status: str, afn: bool, max_age: float, min_age: float):
        rng, now = self.rng, self.now
        if status == "UNSHIPPED" and not afn:
            bucket = rng.random()
            if bucket < 0.3:  # late: the ship-by time has passed
                latest = now - timedelta(seconds=rng.uniform(1 * HOUR, 72 * HOUR))
            elif bucket < 0.6:  # due within the day
                latest = now + timedelta(seconds=rng.uniform(1 * HOUR, 23 * HOUR))
            else:
                latest = now + timedelta(seconds=rng.uniform(25 * HOUR, 70 * HOUR))
            created = latest - timedelta(seconds=rng.uniform(1.5 * DAY, 3 * DAY))
            return min(created, now - timedelta(hours=1)), latest
        age_days = {
            "PENDING": (0.01, 0.9),
            "UNSHIPPED": (0.05, 0.9),
            "PARTIALLY_SHIPPED": (1.0, 6.0),
            "PENDING_AVAILABILITY": (1.0, 30.0),
            "UNFULFILLABLE": (1.0, 30.0),
            "SHIPPED": (max(min_age, 1.5), max_age),
            "CANCELLED": (max(min_age, 0.2), max_age),
        }[status]
        created = now - timedelta(days=rng.uniform(*age_days))
        if status == "PENDING_AVAILABILITY":
            return created, now + timedelta(days=rng.uniform(7, 40))
        return created, created + timedelta(days=rng.choice((1, 2, 2, 3)))

    # building the document ------------------------------------------------------------------

    def order(
        self,
        *,
        status: str,
        fulfilled_by: str,
        created: datetime,
        ship_by_latest: datetime,
        buyer_cancel_request: bool = False,
        last_updated: datetime | None = None,
    ) -> dict:
        rng, store = self.rng, self.store
        afn = fulfilled_by == "AMAZON"
        service_level = rng.choice(SERVICE_LEVELS)
        programs = []
        if (afn and rng.random() < 0.7) or (not afn and rng.random() < 0.3):
            programs.append("PRIME")
        if service_level in PREMIUM_LEVELS and rng.random() < 0.5:
            programs.append("PREMIUM")
        business = rng.random() < 0.1
        if business:
            programs.append("AMAZON_BUSINESS")
        if status == "PENDING_AVAILABILITY":
            programs.append("PREORDER")

        items = self._items(status, business, buyer_cancel_request)
        ship_by_earliest = min(created, ship_by_latest - timedelta(hours=1))
        deliver_earliest = ship_by_latest + timedelta(days=1)
        deliver_latest = ship_by_latest + timedelta(days=rng.choice((2, 3, 5)))
        packages = [] if afn else self._packages(items, created, ship_by_latest)
        last_updated = last_updated or self._last_update(status, created, packages)

        doc: dict = {
            "orderId": self._order_id(),
            "createdTime": iso(created),
            "lastUpdatedTime": iso(last_updated),
        }
        if programs:
            doc["programs"] = programs
        unfulfillable = status == "UNFULFILLABLE"
        doc["salesChannel"] = {
            "channelName": "NON_AMAZON" if unfulfillable else "AMAZON",
            "marketplaceId": store.marketplace_id,
            "marketplaceName": store.marketplace_name,
        }
        if not afn:
            doc["buyer"] = self._buyer(business)
            doc["recipient"] = self._recipient(doc["buyer"], business, status, deliver_latest)
        doc["proceeds"] = _order_proceeds(items, store.currency)
        doc["fulfillment"] = {
            "fulfillmentStatus": status,
            "fulfilledBy": fulfilled_by,
            "fulfillmentServiceLevel": service_level,
            "shipByWindow": {
                "earliestDateTime": iso(ship_by_earliest),
                "latestDateTime": iso(ship_by_latest),
            },
            "deliverByWindow": {
                "earliestDateTime": iso(deliver_earliest),
                "latestDateTime": iso(deliver_latest),
            },
        }
        doc["orderItems"] = items
        if packages:
            doc["packages"] = packages
        return doc

    def _order_id(self) -> str:
        while True:
            prefix = self.rng.choice(self.store.order_id_prefixes)
            order_id = f"{prefix}-{self.rng.randrange(10**7):07d}-{self.rng.randrange(10**7):07d}"
            if order_id not in self.used_ids:
                self.used_ids.add(order_id)
                return order_id

    def _items(self, status: str, business: bool, buyer_cancel_request: bool) -> list[dict]:
        rng, currency = self.rng, self.store.currency
        count = ITEM_COUNTS.pick(rng)
        if status == "PARTIALLY_SHIPPED":
            count = max(count, 2)
        products = rng.sample(data.PRODUCTS, count)
        shipped_items = rng.randrange(1, count) if status == "PARTIALLY_SHIPPED" else 0
        buyer_reason = rng.choice(data.BUYER_CANCEL_REASONS) if buyer_cancel_request else None
        cancel_execution = self._cancel_execution() if status == "CANCELLED" else None
        items = []
        for index, (asin, title, sku, usd_price, serialised, transparency) in enumerate(products):
            quantity = QUANTITIES.pick(rng)
            unit_price = round(usd_price * data.CURRENCY_FACTOR[currency], 2)
            if status == "SHIPPED" or index < shipped_items:
                fulfilled, unfulfilled = quantity, 0
            elif status == "CANCELLED":
                fulfilled, unfulfilled = 0, 0
            else:
                fulfilled, unfulfilled = 0, quantity
            item: dict = {
                "orderItemId": f"{rng.randrange(10**13, 10**14)}",
                "quantityOrdered": quantity,
            }
            if rng.random() < 0.2:
                item["measurement"] = {"unit": "COUNT", "value": quantity}
            if transparency:
                item["programs"] = ["TRANSPARENCY"]
            item["product"] = self._product(asin, title, sku, unit_price, serialised, fulfilled, business)
            item["proceeds"] = _item_proceeds(unit_price, quantity, currency, self.country, rng)
            if rng.random() < 0.15:
                item["promotion"] = {"breakdowns": [{"promotionId": f"PROMO-{rng.randrange(1000, 9999)}"}]}
            if buyer_reason:
                item["cancellation"] = {
                    "cancellationRequest": {"requester": "BUYER", "cancelReason": buyer_reason}
                }
            elif cancel_execution:
                item["cancellation"] = {"cancellationExecution": dict(cancel_execution)}
            item["fulfillment"] = {"quantityFulfilled": fulfilled, "quantityUnfulfilled": unfulfilled}
            if rng.random() < 0.08:
                item["fulfillment"]["packing"] = {
                    "giftOption": {"giftMessage": rng.choice(data.GIFT_MESSAGES), "giftWrapLevel": "STANDARD"}
                }
            if self.country in ("US", "GB"):
                item["tax"] = {
                    "taxCollections": [
                        {"model": "MarketplaceFacilitator", "responsibleParty": "Amazon Services, Inc."}
                    ]
                }
            items.append(item)
        return items

    def _product(self, asin, title, sku, unit_price, serialised, fulfilled, business) -> dict:
        rng = self.rng
        condition = {"conditionType": "NEW", "conditionSubtype": "NEW", "conditionNote": ""}
        if rng.random() < 0.08:
            kind, subtype, note = rng.choice(data.USED_CONDITIONS)
            condition = {"conditionType": kind, "conditionSubtype": subtype, "conditionNote": note}
        price: dict = {"unitPrice": _money(unit_price, self.store.currency)}
        if business and rng.random() < 0.5:
            price["priceDesignation"] = "BUSINESS_PRICE"
        product = {
            "asin": asin,
            "title": title,
            "sellerSku": f"{sku}-{self.country}",
            "condition": condition,
            "price": price,
        }
        if serialised and fulfilled:
            product["serialNumbers"] = [f"{sku[:4]}{rng.randrange(10**9, 10**10)}" for _ in range(fulfilled)]
        return product

    def _cancel_execution(self) -> dict:
        who = CANCELLED_BY.pick(self.rng)
        if who == "BUYER":
            reason = self.rng.choice(data.BUYER_CANCEL_REASONS)
        elif who == "MERCHANT":
            reason = self.rng.choice(data.MERCHANT_CANCEL_REASONS)
        else:
            reason = "PaymentNotAuthorized"
        return {"cancelledBy": who, "cancelReason": reason}

    def _buyer(self, business: bool) -> dict:
        rng = self.rng
        first, last = rng.choice(data.BUYER_NAMES[self.country])
        local = "".join(rng.choices(EMAIL_CHARACTERS, k=14))
        domain = self.store.marketplace_name.split(".", 1)[1]
        buyer = {"buyerName": f"{first} {last}", "buyerEmail": f"{local}@marketplace.amazon.{domain}"}
        if business:
            buyer["buyerCompanyName"] = rng.choice(
                ["Müller & Söhne GmbH", "Northwind Traders", "Café Crème Ltd", "Contoso Supplies"]
            )
            if rng.random() < 0.6:
                buyer["buyerPurchaseOrderNumber"] = f"PO-{rng.randrange(10**5, 10**6)}"
        return buyer

    def _recipient(self, buyer: dict, business: bool, status: str, deliver_latest) -> dict:
        rng = self.rng
        city, region, postcode, phone_prefix = rng.choice(data.PLACES[self.country])
        address = {
            "name": buyer["buyerName"],
            "addressLine1": f"{rng.randrange(1, 400)} {rng.choice(data.STREETS[self.country])}",
        }
        if business:
            address["companyName"] = buyer["buyerCompanyName"]
        if rng.random() < 0.3:
            address["addressLine2"] = f"Apt {rng.randrange(1, 60)}"
        address.update(
            {
                "city": city,
                "stateOrRegion": region,
                "postalCode": postcode,
                "countryCode": self.store.country_code,
            }
        )
        # Amazon suppresses the phone of shipped merchant orders past the latest delivery date.
        if not (status == "SHIPPED" and deliver_latest < self.now):
            address["phone"] = f"{phone_prefix} {rng.randrange(100, 999)} {rng.randrange(1000, 9999)}"
        address["addressType"] = "COMMERCIAL" if business else "RESIDENTIAL"
        return {"deliveryAddress": address}

    def _packages(self, items: list[dict], created: datetime, ship_by_latest: datetime) -> list[dict]:
        shipped = [item for item in items if item["fulfillment"]["quantityFulfilled"]]
        if not shipped:
            return []
        groups = [shipped]
        if len(shipped) >= 3 and self.rng.random() < 0.3:
            groups = [shipped[:1], shipped[1:]]
        ship_time = min(
            created + timedelta(seconds=self.rng.uniform(2 * HOUR, 40 * HOUR)),
            self.now - timedelta(minutes=30),
        )
        return [self.package(group, ship_time) for group in groups]

    def package(self, items: list[dict], ship_time: datetime) -> dict:
        """A package holding the fulfilled quantity of `items`, handed over at ship_time."""
        rng = self.rng
        carrier, service, pattern = rng.choice(data.CARRIERS[self.country])
        name, line1, city, region, postcode = data.SHIP_FROM[self.country]
        age = self.now - ship_time
        status = (
            {"status": "DELIVERED", "detailedStatus": "DELIVERED"}
            if age > timedelta(days=4)
            else {"status": "IN_TRANSIT", "detailedStatus": "PICKED_UP"}
        )
        package_items = []
        for item in items:
            entry = {"orderItemId": item["orderItemId"], "quantity": item["fulfillment"]["quantityFulfilled"]}
            if "TRANSPARENCY" in item.get("programs", ()):
                entry["transparencyCodes"] = [f"AZ:{rng.randrange(10**11, 10**12)}"]
            package_items.append(entry)
        return {
            "packageReferenceId": str(rng.randrange(10**9, 10**10)),
            "createdTime": iso(ship_time - timedelta(hours=1)),
            "packageStatus": status,
            "carrier": carrier,
            "shipTime": iso(ship_time),
            "shippingService": service,
            "trackingNumber": _tracking_number(rng, pattern),
            "shipFromAddress": {
                "name": name,
                "addressLine1": line1,
                "city": city,
                "stateOrRegion": region,
                "postalCode": postcode,
                "countryCode": self.store.country_code,
            },
            "packageItems": package_items,
        }

    def _last_update(self, status: str, created: datetime, packages: list[dict]) -> datetime:
        rng, now = self.rng, self.now
        if packages:
            return max(datetime.fromisoformat(p["shipTime"]) for p in packages)
        if status == "PENDING":
            return created
        later = created + timedelta(seconds=rng.uniform(300, 2 * DAY))
        return min(later, now - timedelta(minutes=5))


def _money(amount: float, currency: str) -> dict:
    return {"amount": f"{amount:.2f}", "currencyCode": currency}


def _item_proceeds(unit_price: float, quantity: int, currency: str, country: str, rng) -> dict:
    item_total = round(unit_price * quantity, 2)
    parts = [("ITEM", item_total)]
    shipping = rng.choice((0.0, 0.0, 3.99, 5.99))
    if shipping:
        parts.append(("SHIPPING", shipping))
    if country in TAXED_MARKETPLACES:
        parts.append(("TAX", round((item_total + shipping) * 0.0725, 2)))
    return {
        "proceedsTotal": _money(round(sum(value for _, value in parts), 2), currency),
        "breakdowns": [{"type": kind, "subtotal": _money(value, currency)} for kind, value in parts],
    }


def _order_proceeds(items: list[dict], currency: str) -> dict:
    sums: dict[str, float] = {}
    for item in items:
        for part in item["proceeds"]["breakdowns"]:
            sums[part["type"]] = sums.get(part["type"], 0.0) + float(part["subtotal"]["amount"])
    total = round(sum(sums.values()), 2)
    return {
        "grandTotal": _money(total, currency),
        "breakdowns": [
            {"type": kind, "subtotal": _money(round(value, 2), currency)} for kind, value in sums.items()
        ],
    }


def _tracking_number(rng: random.Random, pattern: str) -> str:
    return "".join(
        rng.choice(string.digits) if ch == "#" else rng.choice(string.ascii_uppercase) if ch == "X" else ch
        for ch in pattern
    )


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
