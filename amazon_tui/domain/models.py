"""The pydantic domain models of amazon-tui: orders, their lines and packages, money, the
Magento view of an order, the list rows and queries. Pure data: no I/O, no UI.

Import them from ``amazon_tui.domain`` (which loads this module on first use) or from here.
"""

# No ``from __future__ import annotations`` here: pydantic would compile and evaluate each
# field's annotation string when the classes are created; written as objects they are read
# as they are (~20% of this module's import). Forward references in signatures are quoted.

from datetime import datetime
from decimal import Decimal, InvalidOperation

from pydantic import BaseModel, ConfigDict, Field, field_validator

from amazon_tui.domain.values import FulfilledBy, MoneyError, OrderStatus, SortField, format_money


class Money(BaseModel):
    """An amount with its currency. Amazon sends amounts as decimal strings."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    amount: Decimal
    currency: str = Field(min_length=3, max_length=3)

    @field_validator("amount", mode="before")
    @classmethod
    def _no_float(cls, value: object) -> object:
        if isinstance(value, float):
            raise ValueError("money must not be a float")
        return value

    @classmethod
    def parse(cls, amount: str | int | Decimal | None, currency: str | None) -> "Money":
        """Money from Amazon's ``{amount, currencyCode}`` strings, refusing what is not money."""
        if amount is None or (isinstance(amount, str) and not amount.strip()):
            raise MoneyError("amount is missing")
        if isinstance(amount, float):
            raise MoneyError("amount must be a decimal string, not a float")
        try:
            value = Decimal(str(amount).strip())
        except InvalidOperation:
            raise MoneyError(f"amount {str(amount)[:40]!r} is not a decimal number") from None
        if not value.is_finite():
            raise MoneyError(f"amount {str(amount)[:40]!r} is not a finite number")
        code = (currency or "").strip().upper()
        if len(code) != 3 or not code.isalpha():
            raise MoneyError(f"currency {str(currency)[:10]!r} is not a 3-letter ISO code")
        return cls(amount=value, currency=code)

    def format(self) -> str:
        """Human form with two decimals at least: "USD 1,234.50"."""
        return format_money(self.amount, self.currency)

    def __add__(self, other: "Money") -> "Money":
        if other.currency != self.currency:
            raise MoneyError(f"cannot add {other.currency} to {self.currency}")
        return Money(amount=self.amount + other.amount, currency=self.currency)


class _Model(BaseModel):
    # defer_build: validators are built on first use, not at import (start-up time)
    model_config = ConfigDict(frozen=True, defer_build=True)


class Address(_Model):
    """A delivery address; every field may be absent (Amazon withholds them for AFN orders)."""

    name: str | None = None
    company: str | None = None
    line1: str | None = None
    line2: str | None = None
    line3: str | None = None
    city: str | None = None
    district: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country_code: str | None = None
    phone: str | None = None
    address_type: str | None = None


class BuyerCancellationRequest(_Model):
    """A buyer asked to cancel an item (``cancellation.cancellationRequest``)."""

    requester: str = "BUYER"
    reason: str | None = None


class OrderItem(_Model):
    """One line of an Amazon order, with the columns of the Order Items tab."""

    order_item_id: str
    asin: str | None = None
    seller_sku: str | None = None
    title: str | None = None
    quantity_ordered: int
    quantity_shipped: int = 0
    quantity_unshipped: int = 0
    condition: str | None = None
    subcondition: str | None = None
    unit_price: Money | None = None
    row_price: Money | None = None
    row_total: Money | None = None
    row_tax: Money | None = None
    shipping_price: Money | None = None
    promotion_discount: Money | None = None
    promotion_ids: tuple[str, ...] = ()
    cancellation_request: BuyerCancellationRequest | None = None
    canceled_by: str | None = None
    cancel_reason: str | None = None


class PackageLine(_Model):
    """An order item and its quantity inside a package."""

    order_item_id: str
    quantity: int


class Package(_Model):
    """A shipped package: carrier, tracking number, status (the Tracking tab)."""

    reference_id: str
    carrier: str | None = None
    shipping_service: str | None = None
    tracking_number: str | None = None
    ship_time: datetime | None = None
    status: str | None = None
    detailed_status: str | None = None
    lines: tuple[PackageLine, ...] = ()


class Order(_Model):
    """An Amazon order as amazon-tui knows it (from searchOrders or getOrder)."""

    order_id: str
    store: str
    marketplace_id: str | None = None
    status: OrderStatus
    fulfilled_by: FulfilledBy | None = None
    service_level: str | None = None
    created: datetime
    last_updated: datetime
    ship_by: datetime | None = None
    earliest_ship: datetime | None = None
    deliver_by: datetime | None = None
    buyer_name: str | None = None
    buyer_email: str | None = None
    buyer_company: str | None = None
    total: Money | None = None
    programs: tuple[str, ...] = ()
    address: Address | None = None
    items: tuple[OrderItem, ...] = ()
    packages: tuple[Package, ...] = ()
    notes: str | None = None
    seller_order_id: str | None = None

    @property
    def currency(self) -> str | None:
        return self.total.currency if self.total else None

    @property
    def is_prime(self) -> bool:
        return "PRIME" in self.programs

    @property
    def is_premium(self) -> bool:
        return "PREMIUM" in self.programs

    @property
    def is_business(self) -> bool:
        return "AMAZON_BUSINESS" in self.programs

    @property
    def is_merchant_fulfilled(self) -> bool:
        return self.fulfilled_by is FulfilledBy.MERCHANT

    @property
    def items_shipped(self) -> int:
        return sum(item.quantity_shipped for item in self.items)

    @property
    def items_unshipped(self) -> int:
        return sum(item.quantity_unshipped for item in self.items)

    @property
    def cancelable(self) -> bool:
        """What ASC allows: only Unshipped, merchant-fulfilled orders."""
        return self.status is OrderStatus.UNSHIPPED and self.is_merchant_fulfilled

    @property
    def buyer_cancellation_reason(self) -> str | None:
        """The buyer's own reason when any item carries a buyer cancellation request."""
        for item in self.items:
            if item.cancellation_request is not None:
                return item.cancellation_request.reason or ""
        return None


def not_cancelable_reason(order: Order) -> str | None:
    """Why the order cannot be canceled here (None when it can), in ASC's words."""
    if order.cancelable:
        return None
    where = "through your Amazon Seller Central account"
    if not order.status.is_known:
        return (
            f"Amazon reports a status this version does not know ({order.status.value}): cancel it {where}."
        )
    if order.status is OrderStatus.UNSHIPPED:
        return f"Amazon fulfils this order (AFN); it can only be canceled {where}."
    if order.status in (OrderStatus.PENDING, OrderStatus.PENDING_AVAILABILITY, OrderStatus.PARTIALLY_SHIPPED):
        return f"{order.status.label} orders can only be canceled {where}."
    if order.status is OrderStatus.SHIPPED:
        return "Shipped orders cannot be canceled: returns and refunds are handled in Amazon Seller Central."
    if order.status is OrderStatus.CANCELLED:
        return "This order is already canceled."
    return f"{order.status.label} orders can only be canceled {where}."


class MagentoLink(_Model):
    """Where an Amazon order lives in Magento (the link index)."""

    order_id: str
    entity_id: int
    increment_id: str
    status: str | None = None
    store_id: int | None = None
    magento_updated: str | None = None  # Magento's updated_at of the order, as Magento wrote it


class MagentoItem(_Model):
    sku: str | None = None
    name: str | None = None
    qty_ordered: Decimal = Decimal(0)
    qty_shipped: Decimal = Decimal(0)
    qty_refunded: Decimal = Decimal(0)
    price: Decimal | None = None
    row_total: Decimal | None = None
    tax_amount: Decimal | None = None
    item_id: int | None = None


class MagentoAddress(_Model):
    name: str | None = None
    street: tuple[str, ...] = ()
    city: str | None = None
    region: str | None = None
    postcode: str | None = None
    country_id: str | None = None
    telephone: str | None = None


class MagentoComment(_Model):
    comment: str | None = None
    created_at: str | None = None
    status: str | None = None


class MagentoOrder(_Model):
    """The Magento sales order that ASC created for an Amazon order."""

    entity_id: int
    increment_id: str
    status: str | None = None
    state: str | None = None
    created_at: str | None = None
    store_name: str | None = None
    customer_name: str | None = None
    customer_email: str | None = None
    currency: str | None = None
    payment_method: str | None = None
    payment_title: str | None = None
    amazon_order_id: str | None = None
    shipping_description: str | None = None
    shipping_method: str | None = None
    subtotal: Decimal | None = None
    shipping_amount: Decimal | None = None
    tax_amount: Decimal | None = None
    grand_total: Decimal | None = None
    total_refunded: Decimal | None = None
    billing_address: MagentoAddress | None = None
    shipping_address: MagentoAddress | None = None
    items: tuple[MagentoItem, ...] = ()
    comments: tuple[MagentoComment, ...] = ()


class OrderSummary(_Model):
    """One row of an order list (Recent Orders, All Amazon Orders, the CLI)."""

    order_id: str
    store: str
    purchase_date: datetime
    status: OrderStatus
    fulfilled_by: FulfilledBy | None = None
    buyer_name: str | None = None
    total: Money | None = None
    notes: str | None = None
    magento_increment_id: str | None = None
    ship_by: datetime | None = None
    last_updated: datetime | None = None
    unseen: bool = False
    cancel_state: str | None = None

    @property
    def status_label(self) -> str:
        """The status as ASC shows it, with "Canceling…" while a cancellation is in flight."""
        if self.canceling:
            return "Canceling…"
        return self.status.label

    @property
    def canceling(self) -> bool:
        """A cancellation of this order is in flight."""
        return self.cancel_state in ("requested", "verified", "sending", "submitted", "confirming")

    @property
    def cancelable_hint(self) -> bool:
        """What the row alone says: Unshipped, not Amazon-fulfilled, no cancellation in flight.

        Lists use it to offer a mark; the full order (``AppService.cancel_refusal``) decides.
        """
        return (
            self.status is OrderStatus.UNSHIPPED
            and self.fulfilled_by is not FulfilledBy.AMAZON
            and not self.canceling
        )


FILTER_TEXT_LIMIT = 200  # no order number, buyer name or note searched for is longer
TOTAL_LIMIT = Decimal(10) ** 12  # the largest order total the local store adds up (local/order_sql.py)


class OrderQuery(_Model):
    """Filters of All Amazon Orders (ASC's grid) plus a quick filter and sorting."""

    stores: tuple[str, ...] = ()
    statuses: tuple[OrderStatus, ...] = ()
    purchased_from: datetime | None = None
    purchased_to: datetime | None = None
    order_number: str | None = Field(default=None, max_length=FILTER_TEXT_LIMIT)
    buyer_name: str | None = Field(default=None, max_length=FILTER_TEXT_LIMIT)
    total_min: Decimal | None = Field(default=None, ge=-TOTAL_LIMIT, le=TOTAL_LIMIT, allow_inf_nan=False)
    total_max: Decimal | None = Field(default=None, ge=-TOTAL_LIMIT, le=TOTAL_LIMIT, allow_inf_nan=False)
    quick: str | None = Field(default=None, max_length=FILTER_TEXT_LIMIT)
    sort: SortField = SortField.PURCHASE_DATE
    descending: bool = True
