"""The parts of a demo order: items with their products and proceeds, buyer, recipient, packages.

Every draw comes from the order's rng, in the order the order factory asks for the parts.
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


ITEM_COUNTS = Weighted({1: 60, 2: 22, 3: 10, 4: 5, 5: 3})
QUANTITIES = Weighted({1: 80, 2: 15, 3: 5})
CANCELLED_BY = Weighted({"BUYER": 55, "MERCHANT": 35, "AMAZON": 10})
EMAIL_CHARACTERS = string.ascii_lowercase + string.digits


class OrderParts:
    """Makes the parts of one store's orders from the factory's rng (same state, same parts)."""

    def __init__(self, rng: random.Random, store: SandboxStore, now: datetime) -> None:
        self.rng = rng
        self.store = store
        self.now = now
        self.country = store.marketplace

    def items(self, status: str, business: bool, buyer_cancel_request: bool) -> list[dict]:
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

    def buyer(self, business: bool) -> dict:
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

    def recipient(self, buyer: dict, business: bool, status: str, deliver_latest) -> dict:
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

    def packages(self, items: list[dict], created: datetime) -> list[dict]:
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


def order_proceeds(items: list[dict], currency: str) -> dict:
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
