"""Magento order documents as the Amazon Sales Channel import would have created them.

Shape: reference/magento/example_GET_V1_orders_3_response.json, with the ASC specifics
(payment `amazonpayment` + `po_number`, shipping method `amazonshipping_amazonshipping`).
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import NamedTuple

from .catalog import SandboxStore
from .clock import magento_time

ITEM_ID_STRIDE = 10  # item ids are entity_id * stride + index, unique without a counter


def magento_status_for(amazon_status: str) -> tuple[str, str]:
    """(state, status) of the Magento order mirroring an Amazon fulfillment status."""
    if amazon_status == "SHIPPED":
        return "complete", "complete"
    if amazon_status == "CANCELLED":
        return "closed", "closed"
    return "processing", "processing"


class Amounts(NamedTuple):
    """The order's money, from the Amazon proceeds (Magento's own total: item + shipping + tax)."""

    subtotal: float
    shipping: float
    tax: float
    grand_total: float


def build_magento_order(
    amazon: dict,
    store: SandboxStore,
    entity_id: int,
    increment_id: str,
    rng: random.Random,
) -> dict:
    """A full Magento order for an imported Amazon order (its current Amazon state mirrored)."""
    created = datetime.fromisoformat(amazon["createdTime"])
    updated = datetime.fromisoformat(amazon["lastUpdatedTime"])
    amounts = _amounts(amazon)
    first, last, email = _customer(amazon, store)
    address = _address(amazon, store, entity_id, email, first, last)
    created_at = magento_time(created)
    items = [
        _item(entity_id, index, item, store, created_at) for index, item in enumerate(amazon["orderItems"])
    ]
    state, status = magento_status_for(amazon["fulfillment"]["fulfillmentStatus"])
    order = {
        **_base_amounts(store.currency, amounts),
        "billing_address_id": entity_id * 2,
        "created_at": created_at,
        "customer_email": email,
        "customer_firstname": first,
        "customer_group_id": 0,
        "customer_is_guest": 1,
        "customer_lastname": last,
        "customer_note_notify": 0,
        **_identity(amazon, store, entity_id, increment_id, amounts.grand_total, rng),
        **_order_amounts(amazon, store, amounts, state, status),
        "total_item_count": len(items),
        "total_paid": amounts.grand_total,
        "total_qty_ordered": sum(item["qty_ordered"] for item in items),
        "updated_at": magento_time(updated),
        "weight": sum(item["row_weight"] for item in items),
        "items": items,
        "billing_address": {**address, "address_type": "billing", "entity_id": entity_id * 2},
        "payment": _payment(amazon["orderId"], entity_id, amounts),
        "status_histories": [],
        "extension_attributes": _extension_attributes(address, entity_id, items, amounts.shipping),
    }
    add_history(
        order, f"Amazon order {amazon['orderId']} imported by Amazon Sales Channel.", created, "processing"
    )
    if status == "complete":
        add_history(order, "Status updated to Shipped.", updated, "complete")
    if status == "closed":
        close_as_refunded(order, updated, "Status updated to canceled.")
    return order


def add_history(
    order: dict,
    comment: str,
    when: datetime,
    status: str | None,
    *,
    visible_on_front: int = 0,
    customer_notified: int | None = None,
) -> dict:
    """Prepend a comment (Magento lists the newest first); the order takes its status."""
    histories = order["status_histories"]
    entry = {
        "comment": comment,
        "created_at": magento_time(when),
        "entity_id": order["entity_id"] * 100 + len(histories) + 1,
        "entity_name": "order",
        "is_customer_notified": customer_notified,
        "is_visible_on_front": visible_on_front,
        "parent_id": order["entity_id"],
        "status": status or order["status"],
    }
    histories.insert(0, entry)
    if status:
        order["status"] = status
    order["updated_at"] = magento_time(when)
    return entry


def close_as_refunded(order: dict, when: datetime, comment: str | None) -> None:
    """Mark every item and amount refunded offline; the order becomes closed."""
    for item in item_views(order):
        item["qty_refunded"] = item["qty_invoiced"]
        item["amount_refunded"] = item["row_total"]
        item["base_amount_refunded"] = item["row_total"]
    for key in (
        "total_refunded",
        "base_total_refunded",
        "total_offline_refunded",
        "base_total_offline_refunded",
    ):
        order[key] = order["grand_total"]
    order["subtotal_refunded"] = order["subtotal"]
    order["shipping_refunded"] = order["shipping_amount"]
    order["tax_refunded"] = order["tax_amount"]
    order["state"] = "closed"
    order["status"] = "closed"
    if comment:
        add_history(order, comment, when, "closed")
    order["updated_at"] = magento_time(when)


def item_views(order: dict):
    """Every copy of every item: the payload lists them at the top and in the shipping assignment."""
    yield from order["items"]
    for assignment in order["extension_attributes"]["shipping_assignments"]:
        yield from assignment["items"]


def _amounts(amazon: dict) -> Amounts:
    proceeds = {part["type"]: float(part["subtotal"]["amount"]) for part in amazon["proceeds"]["breakdowns"]}
    subtotal = round(proceeds.get("ITEM", 0.0), 2)
    shipping = round(proceeds.get("SHIPPING", 0.0), 2)
    tax = round(proceeds.get("TAX", 0.0), 2)
    return Amounts(subtotal, shipping, tax, round(subtotal + shipping + tax, 2))


def _base_amounts(currency: str, amounts: Amounts) -> dict:
    """The order's base_* fields (the store's base currency is the order's)."""
    subtotal, shipping, tax, grand_total = amounts
    return {
        "base_currency_code": currency,
        "base_discount_amount": 0,
        "base_grand_total": grand_total,
        "base_discount_tax_compensation_amount": 0,
        "base_shipping_amount": shipping,
        "base_shipping_discount_amount": 0,
        "base_shipping_incl_tax": shipping,
        "base_shipping_tax_amount": 0,
        "base_subtotal": subtotal,
        "base_subtotal_incl_tax": round(subtotal + tax, 2),
        "base_tax_amount": tax,
        "base_total_due": 0,
        "base_total_invoiced": grand_total,
        "base_total_paid": grand_total,
        "base_to_global_rate": 1,
        "base_to_order_rate": 1,
    }


def _identity(
    amazon: dict,
    store: SandboxStore,
    entity_id: int,
    increment_id: str,
    grand_total: float,
    rng: random.Random,
) -> dict:
    """Ids, currencies and the grand total, in Magento's field order."""
    currency = store.currency
    return {
        "discount_amount": 0,
        "email_sent": 0,
        "entity_id": entity_id,
        "ext_order_id": amazon["orderId"],
        "global_currency_code": currency,
        "grand_total": grand_total,
        "discount_tax_compensation_amount": 0,
        "increment_id": increment_id,
        "is_virtual": 0,
        "order_currency_code": currency,
        "protect_code": f"{rng.randrange(16**6):06x}",
        "quote_id": entity_id + 1000,
    }


def _order_amounts(amazon: dict, store: SandboxStore, amounts: Amounts, state: str, status: str) -> dict:
    """Shipping, state, store and the totals, in Magento's field order."""
    subtotal, shipping, tax, grand_total = amounts
    service_level = amazon["fulfillment"].get("fulfillmentServiceLevel", "STANDARD")
    return {
        "shipping_amount": shipping,
        "shipping_description": f"Amazon Shipping - {service_level.title()}",
        "shipping_discount_amount": 0,
        "shipping_discount_tax_compensation_amount": 0,
        "shipping_incl_tax": shipping,
        "shipping_tax_amount": 0,
        "state": state,
        "status": status,
        "store_currency_code": store.currency,
        "store_id": store.magento_store_id,
        "store_name": f"{store.magento_website}\n{store.magento_website} Store\n",
        "store_to_base_rate": 0,
        "store_to_order_rate": 0,
        "subtotal": subtotal,
        "subtotal_incl_tax": round(subtotal + tax, 2),
        "tax_amount": tax,
        "total_due": 0,
        "total_invoiced": grand_total,
    }


def _payment(amazon_order_id: str, entity_id: int, amounts: Amounts) -> dict:
    """ASC's payment: method `amazonpayment`, the Amazon order id as `po_number`."""
    grand_total, shipping = amounts.grand_total, amounts.shipping
    return {
        "account_status": None,
        "additional_information": ["Amazon Channel Payment", ""],
        "amount_ordered": grand_total,
        "amount_paid": grand_total,
        "base_amount_ordered": grand_total,
        "base_amount_paid": grand_total,
        "base_shipping_amount": shipping,
        "cc_last4": None,
        "entity_id": entity_id,
        "method": "amazonpayment",
        "parent_id": entity_id,
        "po_number": amazon_order_id,
        "shipping_amount": shipping,
    }


def _extension_attributes(address: dict, entity_id: int, items: list[dict], shipping: float) -> dict:
    """The one shipping assignment: the address, ASC's shipping method and its totals, the items."""
    totals = {
        "base_shipping_amount": shipping,
        "base_shipping_discount_amount": 0,
        "base_shipping_incl_tax": shipping,
        "base_shipping_tax_amount": 0,
        "shipping_amount": shipping,
        "shipping_discount_amount": 0,
        "shipping_discount_tax_compensation_amount": 0,
        "shipping_incl_tax": shipping,
        "shipping_tax_amount": 0,
    }
    return {
        "shipping_assignments": [
            {
                "shipping": {
                    "address": {**address, "address_type": "shipping", "entity_id": entity_id * 2 - 1},
                    "method": "amazonshipping_amazonshipping",
                    "total": totals,
                },
                "items": items,
            }
        ],
    }


def _customer(amazon: dict, store: SandboxStore) -> tuple[str, str, str]:
    buyer = amazon.get("buyer") or {}
    name = buyer.get("buyerName")
    if not name:  # Amazon-fulfilled orders carry no buyer name: ASC fills placeholders
        return "Amazon", "Customer", f"{amazon['orderId']}@marketplace.amazon.invalid"
    first, _, last = name.partition(" ")
    return first, last or first, buyer.get("buyerEmail", "")


def _address(amazon: dict, store: SandboxStore, entity_id: int, email: str, first: str, last: str) -> dict:
    delivery = (amazon.get("recipient") or {}).get("deliveryAddress") or {}
    street = [line for line in (delivery.get("addressLine1"), delivery.get("addressLine2")) if line] or [
        "Not provided by Amazon"
    ]
    address = {
        "city": delivery.get("city", "Not provided by Amazon"),
        "country_id": delivery.get("countryCode", store.country_code),
        "email": email,
        "firstname": first,
        "lastname": last,
        "parent_id": entity_id,
        "postcode": delivery.get("postalCode", ""),
        "region": delivery.get("stateOrRegion", ""),
        "street": street,
        "telephone": delivery.get("phone", "0000000000"),
    }
    if "companyName" in delivery:
        address["company"] = delivery["companyName"]
    return address


def _item(entity_id: int, index: int, amazon_item: dict, store: SandboxStore, stamp: str) -> dict:
    product = amazon_item["product"]
    qty = amazon_item["quantityOrdered"]
    price = float(product["price"]["unitPrice"]["amount"])
    row_total = round(price * qty, 2)
    tax = sum(
        float(part["subtotal"]["amount"])
        for part in amazon_item["proceeds"]["breakdowns"]
        if part["type"] == "TAX"
    )
    return {
        "amount_refunded": 0,
        "base_amount_refunded": 0,
        "base_discount_amount": 0,
        "base_discount_invoiced": 0,
        "base_discount_tax_compensation_amount": 0,
        "base_original_price": price,
        "base_price": price,
        "base_price_incl_tax": price,
        "base_row_invoiced": row_total,
        "base_row_total": row_total,
        "base_row_total_incl_tax": round(row_total + tax, 2),
        "base_tax_amount": round(tax, 2),
        "base_tax_invoiced": round(tax, 2),
        "created_at": stamp,
        "discount_amount": 0,
        "discount_invoiced": 0,
        "discount_percent": 0,
        "ext_order_item_id": amazon_item["orderItemId"],
        "free_shipping": 0,
        "discount_tax_compensation_amount": 0,
        "is_qty_decimal": 0,
        "is_virtual": 0,
        "item_id": entity_id * ITEM_ID_STRIDE + index,
        "name": product["title"],
        "no_discount": 0,
        "order_id": entity_id,
        "original_price": price,
        "price": price,
        "price_incl_tax": price,
        "product_id": _product_id(product["asin"]),
        "product_type": "simple",
        "qty_canceled": 0,
        "qty_invoiced": qty,
        "qty_ordered": qty,
        "qty_refunded": 0,
        "qty_shipped": amazon_item["fulfillment"]["quantityFulfilled"],
        "quote_item_id": entity_id * ITEM_ID_STRIDE + index + 500,
        "row_invoiced": row_total,
        "row_total": row_total,
        "row_total_incl_tax": round(row_total + tax, 2),
        "row_weight": qty,
        "sku": product["sellerSku"],
        "store_id": store.magento_store_id,
        "tax_amount": round(tax, 2),
        "tax_invoiced": round(tax, 2),
        "tax_percent": 7.25 if tax else 0,
        "updated_at": stamp,
        "weight": 1,
    }


def _product_id(asin: str) -> int:
    """A stable catalog id for an ASIN (no Python hash randomisation)."""
    product_id = _PRODUCT_IDS.get(asin)
    if product_id is None:
        product_id = 1000 + sum(ord(ch) * (index + 1) for index, ch in enumerate(asin)) % 9000
        _PRODUCT_IDS[asin] = product_id
    return product_id


_PRODUCT_IDS: dict[str, int] = {}  # the catalog is small and fixed: work each id out once
