"""Hostile data: strings a terminal would act on, and orders in the sandbox made to carry them."""

from __future__ import annotations

from amazon_tui.sandbox import Sandbox
from amazon_tui.sandbox.clock import iso

# Every payload of issue 9: markup, escapes, controls, bidi, emoji, zero-width.
MARKUP = "[bold]B[/bold] [/] [link=x]x[/link] [@click=app.quit]Q[/]"
ANSI = "\x1b[2J\x1b[31mred\x1b[0m\x1b]52;c;cHduZWQ=\x07"
CONTROL = "nul\x00bs\x08del\x7fcsi\x9b31m"
RTL = "\u202eevil\u202c שלום مرحبا"
EMOJI = "👩\u200d👩\u200d👧 zero\u200bwidth\ufeff é"
HOSTILE = f"{MARKUP} {ANSI} {CONTROL} {RTL} {EMOJI}"
LONG_TITLE = ("W" * 9_990) + "-end-title"  # 10,000 characters
# What must reach a screen or stdout verbatim (the visible parts of the payloads).
VISIBLE = ["[bold]B[/bold]", "[/]", "[link=x]x[/link]", "[@click=app.quit]Q[/]", "שלום", "مرحبا", "👩"]
# Bytes a terminal would act on: C0 controls (but tab/newline), DEL, C1 controls.
FORBIDDEN = [chr(c) for c in range(32) if c not in (9, 10)] + ["\x7f"] + [chr(c) for c in range(0x80, 0xA0)]


def terminal_bytes(text: str) -> list[str]:
    """The forbidden control characters present in ``text`` (none, for safe output)."""
    return sorted({char for char in text if char in FORBIDDEN})


def bump(sandbox: Sandbox, doc: dict) -> dict:
    doc["lastUpdatedTime"] = iso(sandbox.clock())
    return doc


def make_hostile_amazon(
    sandbox: Sandbox, order_id: str, text: str = HOSTILE, *, title: str | None = None
) -> dict:
    """Put ``text`` in every free-text field of the order Amazon holds, and mark it updated."""
    doc = sandbox.db.amazon_order(order_id)
    doc.setdefault("buyer", {})["buyerName"] = text
    doc["buyer"]["buyerEmail"] = text
    address = doc.setdefault("recipient", {}).setdefault("deliveryAddress", {})
    for key in ("name", "addressLine1", "addressLine2", "city", "stateOrRegion", "phone"):
        address[key] = text
    for item in doc["orderItems"]:
        item["product"]["title"] = title if title is not None else text
        item["product"]["sellerSku"] = "SKU " + text
    for package in doc.get("packages", []):
        package["carrier"] = text
        package["trackingNumber"] = text
        package["shippingService"] = text
    sandbox.db.save_amazon_order(bump(sandbox, doc))
    return doc


def make_hostile_magento(sandbox: Sandbox, order_id: str, text: str = HOSTILE) -> dict | None:
    doc = sandbox.magento_order_for(order_id)
    if doc is None:
        return None
    doc["customer_firstname"] = text
    doc["customer_lastname"] = text
    for item in doc.get("items", []):
        item["name"] = text
    for key in ("billing_address",):
        if isinstance(doc.get(key), dict):
            doc[key]["firstname"] = text
            doc[key]["street"] = [text]
            doc[key]["city"] = text
    for history in doc.get("status_histories", []):
        history["comment"] = text
    sandbox.db.save_magento_order(doc)
    return doc


def unshipped_mfn(
    sandbox: Sandbox, seller_id: str = "A1SANDBOXACMEUS", *, with_magento: bool | None = None
) -> list[str]:
    rows = sandbox.db.query(
        "SELECT order_id FROM amazon_orders WHERE seller_id = ? AND fulfillment_status = 'UNSHIPPED' "
        "AND fulfilled_by = 'MERCHANT' ORDER BY created_time DESC",
        (seller_id,),
    )
    ids = [row["order_id"] for row in rows]
    if with_magento is None:
        return ids
    return [oid for oid in ids if (sandbox.magento_order_for(oid) is not None) == with_magento]
