"""Trim a stored order document to the datasets a request asked for (`includedData`)."""

from __future__ import annotations

INCLUDED_DATA = (
    "BUYER",
    "RECIPIENT",
    "PROCEEDS",
    "EXPENSE",
    "PROMOTION",
    "CANCELLATION",
    "FULFILLMENT",
    "PACKAGES",
    "TAX",
    "PAYMENT",
    "FULFILLMENT_ORDERS",
)
ORDER_DATASETS = {
    "buyer": "BUYER",
    "recipient": "RECIPIENT",
    "proceeds": "PROCEEDS",
    "payment": "PAYMENT",
    "tax": "TAX",
    "fulfillment": "FULFILLMENT",
    "packages": "PACKAGES",
    "fulfillmentOrders": "FULFILLMENT_ORDERS",
}
ITEM_DATASETS = {
    "proceeds": "PROCEEDS",
    "expense": "EXPENSE",
    "promotion": "PROMOTION",
    "cancellation": "CANCELLATION",
    "fulfillment": "FULFILLMENT",
    "tax": "TAX",
}


def project_order(doc: dict, included: frozenset[str]) -> dict:
    """A copy of `doc` with only the base fields and the included datasets."""
    order = {
        key: value
        for key, value in doc.items()
        if key not in ORDER_DATASETS or ORDER_DATASETS[key] in included
    }
    order["orderItems"] = [
        {
            key: value
            for key, value in item.items()
            if key not in ITEM_DATASETS or ITEM_DATASETS[key] in included
        }
        for item in doc["orderItems"]
    ]
    return order
