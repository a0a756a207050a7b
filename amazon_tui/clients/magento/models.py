"""Wire models of the Magento REST order payload (the subset amazon-tui reads), and their mapping."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from amazon_tui.domain.models import MagentoAddress, MagentoComment, MagentoItem, MagentoLink, MagentoOrder

AMAZON_PAYMENT_METHOD = "amazonpayment"
AMAZON_PAYMENT_TITLE = "Amazon Channel Payment"


class Wire(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class Address(Wire):
    firstname: str | None = None
    middlename: str | None = None
    lastname: str | None = None
    company: str | None = None
    street: tuple[str, ...] = ()
    city: str | None = None
    region: str | None = None
    postcode: str | None = None
    country_id: str | None = None
    telephone: str | None = None

    def to_domain(self) -> MagentoAddress:
        return MagentoAddress(
            name=_join_name(self.firstname, self.middlename, self.lastname),
            street=self.street,
            city=self.city,
            region=self.region,
            postcode=self.postcode,
            country_id=self.country_id,
            telephone=self.telephone,
        )


class Item(Wire):
    item_id: int | None = None
    parent_item_id: int | None = None
    sku: str | None = None
    name: str | None = None
    qty_ordered: Decimal = Decimal(0)
    qty_shipped: Decimal = Decimal(0)
    qty_refunded: Decimal = Decimal(0)
    price: Decimal | None = None
    row_total: Decimal | None = None
    tax_amount: Decimal | None = None

    def to_domain(self) -> MagentoItem:
        return MagentoItem(**self.model_dump(include=set(MagentoItem.model_fields)))


class Payment(Wire):
    method: str | None = None
    po_number: str | None = None
    additional_information: tuple[str | None, ...] = ()

    @property
    def title(self) -> str | None:
        if self.additional_information and self.additional_information[0]:
            return self.additional_information[0]
        return AMAZON_PAYMENT_TITLE if self.method == AMAZON_PAYMENT_METHOD else None


class StatusHistory(Wire):
    comment: str | None = None
    created_at: str | None = None
    status: str | None = None


class Shipping(Wire):
    address: Address | None = None
    method: str | None = None


class ShippingAssignment(Wire):
    shipping: Shipping | None = None


class ExtensionAttributes(Wire):
    shipping_assignments: tuple[ShippingAssignment, ...] = ()


class Order(Wire):
    entity_id: int
    increment_id: str
    status: str | None = None
    state: str | None = None
    created_at: str | None = None
    store_name: str | None = None
    customer_firstname: str | None = None
    customer_middlename: str | None = None
    customer_lastname: str | None = None
    customer_email: str | None = None
    order_currency_code: str | None = None
    shipping_description: str | None = None
    subtotal: Decimal | None = None
    shipping_amount: Decimal | None = None
    tax_amount: Decimal | None = None
    grand_total: Decimal | None = None
    total_refunded: Decimal | None = None
    billing_address: Address | None = None
    payment: Payment | None = None
    items: tuple[Item, ...] = ()
    status_histories: tuple[StatusHistory, ...] = ()
    extension_attributes: ExtensionAttributes | None = None

    def to_domain(self, amazon_order_id: str | None) -> MagentoOrder:
        assignments = self.extension_attributes.shipping_assignments if self.extension_attributes else ()
        shipping = next((a.shipping for a in assignments if a.shipping), None)
        customer = _join_name(self.customer_firstname, self.customer_middlename, self.customer_lastname)
        return MagentoOrder(
            entity_id=self.entity_id,
            increment_id=self.increment_id,
            status=self.status,
            state=self.state,
            created_at=self.created_at,
            store_name=self.store_name.strip() if self.store_name else None,
            customer_name=customer
            or (self.billing_address.to_domain().name if self.billing_address else None),
            customer_email=self.customer_email,
            currency=self.order_currency_code,
            payment_method=self.payment.method if self.payment else None,
            payment_title=self.payment.title if self.payment else None,
            amazon_order_id=amazon_order_id,
            shipping_description=self.shipping_description,
            shipping_method=shipping.method if shipping else None,
            subtotal=self.subtotal,
            shipping_amount=self.shipping_amount,
            tax_amount=self.tax_amount,
            grand_total=self.grand_total,
            total_refunded=self.total_refunded,
            billing_address=self.billing_address.to_domain() if self.billing_address else None,
            shipping_address=shipping.address.to_domain() if shipping and shipping.address else None,
            items=tuple(item.to_domain() for item in self.items if item.parent_item_id is None),
            comments=tuple(
                MagentoComment(comment=h.comment, created_at=h.created_at, status=h.status)
                for h in self.status_histories
            ),
        )


class SearchResult(Wire):
    items: tuple[dict[str, Any], ...] = ()
    total_count: int


def amazon_order_id_from(payload: Mapping[str, Any], field_path: str) -> str | None:
    """The Amazon order number stored at ``field_path`` ("payment.po_number", "increment_id",
    "ext_order_id", ...) of a Magento order payload, or None when it is not there."""
    value: Any = payload
    for key in field_path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


def link_from(payload: Mapping[str, Any], field_path: str) -> MagentoLink | None:
    """The link-index row of a (partial) Magento order payload; None when it names no Amazon order."""
    order_id = amazon_order_id_from(payload, field_path)
    if order_id is None or payload.get("entity_id") is None or payload.get("increment_id") is None:
        return None
    return MagentoLink(
        order_id=order_id,
        entity_id=int(payload["entity_id"]),
        increment_id=str(payload["increment_id"]),
        status=payload.get("status"),
        store_id=int(payload["store_id"]) if payload.get("store_id") is not None else None,
        magento_updated=str(payload["updated_at"])[:40] if payload.get("updated_at") else None,
    )


def link_index_fields(amazon_order_field: str) -> str:
    """The ``fields=`` projection of a link-index search: only what ``link_from`` reads."""
    nested = amazon_order_field.split(".")
    projection = nested[-1]
    for parent in reversed(nested[:-1]):
        projection = f"{parent}[{projection}]"
    columns = ["entity_id", "increment_id", "status", "store_id", "updated_at"]
    if projection not in columns:
        columns.append(projection)
    return f"items[{','.join(columns)}],total_count"


def _join_name(*parts: str | None) -> str | None:
    name = " ".join(part.strip() for part in parts if part and part.strip())
    return name or None
