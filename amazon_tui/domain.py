"""Domain models and enums of amazon-tui. Pure data: no I/O, no UI.

Amazon's wire format (Orders 2026-01-01) is mapped onto these models by
``clients.spapi``; the local store persists them; screens and the CLI show them.
Money is always ``Decimal`` with a currency code, never ``float``.
"""

# No ``from __future__ import annotations`` here: pydantic would compile and evaluate each
# field's annotation string when the classes are created (start-up path); written as
# objects they are read as they are (~20% of this module's import). Forward references
# in signatures are quoted.

from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Region(str, Enum):
    """SP-API regions; each has its own endpoint."""

    NA = "na"
    EU = "eu"
    FE = "fe"

    @property
    def endpoint(self) -> str:
        return f"https://sellingpartnerapi-{self.value}.amazon.com"


class Marketplace(NamedTuple):
    """An Amazon marketplace: code, id, region, currency and where Seller Central lives."""

    code: str
    marketplace_id: str
    name: str
    region: Region
    currency: str
    seller_central: str
    flag: str


MARKETPLACES: tuple[Marketplace, ...] = (
    Marketplace("US", "ATVPDKIKX0DER", "Amazon.com", Region.NA, "USD", "https://sellercentral.amazon.com", "🇺🇸"),
    Marketplace("CA", "A2EUQ1WTGCTBG2", "Amazon.ca", Region.NA, "CAD", "https://sellercentral.amazon.ca", "🇨🇦"),
    Marketplace("MX", "A1AM78C64UM0Y8", "Amazon.com.mx", Region.NA, "MXN", "https://sellercentral.amazon.com.mx", "🇲🇽"),
    Marketplace("BR", "A2Q3Y263D00KWC", "Amazon.com.br", Region.NA, "BRL", "https://sellercentral.amazon.com.br", "🇧🇷"),
    Marketplace("GB", "A1F83G8C2ARO7P", "Amazon.co.uk", Region.EU, "GBP", "https://sellercentral.amazon.co.uk", "🇬🇧"),
    Marketplace("DE", "A1PA6795UKMFR9", "Amazon.de", Region.EU, "EUR", "https://sellercentral.amazon.de", "🇩🇪"),
    Marketplace("FR", "A13V1IB3VIYZZH", "Amazon.fr", Region.EU, "EUR", "https://sellercentral.amazon.fr", "🇫🇷"),
    Marketplace("IT", "APJ6JRA9NG5V4", "Amazon.it", Region.EU, "EUR", "https://sellercentral.amazon.it", "🇮🇹"),
    Marketplace("ES", "A1RKKUPIHCS9HS", "Amazon.es", Region.EU, "EUR", "https://sellercentral.amazon.es", "🇪🇸"),
    Marketplace("NL", "A1805IZSGTT6HS", "Amazon.nl", Region.EU, "EUR", "https://sellercentral.amazon.nl", "🇳🇱"),
    Marketplace("SE", "A2NODRKZP88ZB9", "Amazon.se", Region.EU, "SEK", "https://sellercentral.amazon.se", "🇸🇪"),
    Marketplace("PL", "A1C3SOZRARQ6R3", "Amazon.pl", Region.EU, "PLN", "https://sellercentral.amazon.pl", "🇵🇱"),
    Marketplace("JP", "A1VC38T7YXB528", "Amazon.co.jp", Region.FE, "JPY", "https://sellercentral.amazon.co.jp", "🇯🇵"),
    Marketplace("AU", "A39IBJ37TRP1C6", "Amazon.com.au", Region.FE, "AUD", "https://sellercentral.amazon.com.au", "🇦🇺"),
    Marketplace("SG", "A19VAU5U5O7RUS", "Amazon.sg", Region.FE, "SGD", "https://sellercentral.amazon.sg", "🇸🇬"),
)

_BY_CODE = {m.code: m for m in MARKETPLACES}
_BY_ID = {m.marketplace_id: m for m in MARKETPLACES}


def find_marketplace(code_or_id: str) -> Marketplace | None:
    """The marketplace for a code ("US") or a marketplace id ("ATVPDKIKX0DER")."""
    key = code_or_id.strip()
    return _BY_CODE.get(key.upper()) or _BY_ID.get(key)


class OrderStatus(str, Enum):
    """Amazon order status: the Orders 2026-01-01 ``fulfillmentStatus`` values."""

    PENDING_AVAILABILITY = "PENDING_AVAILABILITY"
    PENDING = "PENDING"
    UNSHIPPED = "UNSHIPPED"
    PARTIALLY_SHIPPED = "PARTIALLY_SHIPPED"
    SHIPPED = "SHIPPED"
    CANCELLED = "CANCELLED"
    UNFULFILLABLE = "UNFULFILLABLE"

    @property
    def label(self) -> str:
        """The label the Amazon Sales Channel admin shows."""
        return _STATUS_LABELS[self]

    @property
    def tone(self) -> str:
        """Colour family of the status dot (ASC: shipped blue, unshipped yellow, error orange)."""
        return _STATUS_TONES[self]

    @classmethod
    def from_label(cls, text: str) -> "OrderStatus":
        """Parse an API value ("UNSHIPPED") or an ASC label ("Unshipped", "Canceled")."""
        key = text.strip()
        for status in cls:
            if key.upper() == status.value or key.lower() in (status.label.lower(), status.value.lower().replace("_", " ")):
                return status
        if key.lower() in ("canceled", "cancelled"):
            return cls.CANCELLED
        raise ValueError(f"unknown order status {text!r}")


_STATUS_LABELS = {
    OrderStatus.PENDING_AVAILABILITY: "Pending Availability",
    OrderStatus.PENDING: "Pending",
    OrderStatus.UNSHIPPED: "Unshipped",
    OrderStatus.PARTIALLY_SHIPPED: "Partially Shipped",
    OrderStatus.SHIPPED: "Shipped",
    OrderStatus.CANCELLED: "Canceled",
    OrderStatus.UNFULFILLABLE: "Error",
}

_STATUS_TONES = {
    OrderStatus.PENDING_AVAILABILITY: "muted",
    OrderStatus.PENDING: "muted",
    OrderStatus.UNSHIPPED: "warning",
    OrderStatus.PARTIALLY_SHIPPED: "warning",
    OrderStatus.SHIPPED: "primary",
    OrderStatus.CANCELLED: "muted",
    OrderStatus.UNFULFILLABLE: "error",
}


class FulfilledBy(str, Enum):
    """Who fulfils the order: the merchant (MFN) or Amazon (AFN)."""

    MERCHANT = "MERCHANT"
    AMAZON = "AMAZON"

    @property
    def channel_label(self) -> str:
        return "MFN (merchant)" if self is FulfilledBy.MERCHANT else "AFN (Amazon)"


class CancelReason(str, Enum):
    """The ``CancelReason`` values of the order acknowledgement feed."""

    NO_INVENTORY = "NoInventory"
    SHIPPING_ADDRESS_UNDELIVERABLE = "ShippingAddressUndeliverable"
    CUSTOMER_EXCHANGE = "CustomerExchange"
    BUYER_CANCELED = "BuyerCanceled"
    GENERAL_ADJUSTMENT = "GeneralAdjustment"
    CARRIER_CREDIT_DECISION = "CarrierCreditDecision"
    RISK_ASSESSMENT_INFORMATION_NOT_VALID = "RiskAssessmentInformationNotValid"
    CARRIER_COVERAGE_FAILURE = "CarrierCoverageFailure"
    CUSTOMER_RETURN = "CustomerReturn"
    MERCHANDISE_NOT_RECEIVED = "MerchandiseNotReceived"

    @property
    def label(self) -> str:
        """The ASC label: "NoInventory" -> "No Inventory"."""
        return _REASON_LABELS[self]

    @classmethod
    def parse(cls, text: str) -> "CancelReason":
        """Accept the feed value, the label, or a case/space-insensitive spelling of either."""
        key = "".join(text.split()).lower()
        for reason in cls:
            if key == reason.value.lower():
                return reason
        raise ValueError(f"unknown cancel reason {text!r}; expected one of: " + ", ".join(r.value for r in cls))


_REASON_LABELS = {
    CancelReason.NO_INVENTORY: "No Inventory",
    CancelReason.SHIPPING_ADDRESS_UNDELIVERABLE: "Shipping Address Undeliverable",
    CancelReason.CUSTOMER_EXCHANGE: "Customer Exchange",
    CancelReason.BUYER_CANCELED: "Buyer Canceled",
    CancelReason.GENERAL_ADJUSTMENT: "General Adjustment",
    CancelReason.CARRIER_CREDIT_DECISION: "Carrier Credit Decision",
    CancelReason.RISK_ASSESSMENT_INFORMATION_NOT_VALID: "Risk Assessment Information Not Valid",
    CancelReason.CARRIER_COVERAGE_FAILURE: "Carrier Coverage Failure",
    CancelReason.CUSTOMER_RETURN: "Customer Return",
    CancelReason.MERCHANDISE_NOT_RECEIVED: "Merchandise Not Received",
}


class MoneyError(ValueError):
    """An amount that cannot be read as money."""


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
        quantum = self.amount if -self.amount.as_tuple().exponent > 2 else self.amount.quantize(Decimal("0.01"))
        return f"{self.currency} {quantum:,}"

    def __add__(self, other: "Money") -> "Money":
        if other.currency != self.currency:
            raise MoneyError(f"cannot add {other.currency} to {self.currency}")
        return Money(amount=self.amount + other.amount, currency=self.currency)


def parse_timestamp(text: str | None) -> datetime | None:
    """An ISO 8601 timestamp as an aware UTC datetime; naive ones are taken as UTC."""
    if text is None or not str(text).strip():
        return None
    value = datetime.fromisoformat(str(text).strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def format_timestamp(value: datetime) -> str:
    """ISO 8601 in UTC to the second with a trailing Z, as Amazon writes it.

    Kept cheap: an upsert formats three per order. Any UTC tzinfo (pydantic's own too) is
    used as it is; a naive time is taken as local time, as ``astimezone`` does.
    """
    if value.tzinfo is None or value.utcoffset():
        value = value.astimezone(timezone.utc)
    if value.year < 1000:  # strftime does not pad the year; keep its output exactly
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % (value.year, value.month, value.day, value.hour, value.minute, value.second)


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


class StoreStatus(str, Enum):
    """The store card's status dot."""

    ACTIVE = "Active"
    INACTIVE = "Inactive"
    AUTH_PENDING = "Authentication pending"
    INCOMPLETE = "Incomplete"


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
        if self.cancel_state in ("requested", "verified", "submitted"):
            return "Canceling…"
        return self.status.label


class SortField(str, Enum):
    """Columns an order list can be sorted by (over all matching orders, in SQL)."""

    PURCHASE_DATE = "purchase_date"
    ORDER_NUMBER = "order_number"
    STATUS = "status"
    BUYER_NAME = "buyer_name"
    TOTAL = "total"
    NOTES = "notes"


class OrderQuery(_Model):
    """Filters of All Amazon Orders (ASC's grid) plus a quick filter and sorting."""

    stores: tuple[str, ...] = ()
    statuses: tuple[OrderStatus, ...] = ()
    purchased_from: datetime | None = None
    purchased_to: datetime | None = None
    order_number: str | None = None
    buyer_name: str | None = None
    total_min: Decimal | None = None
    total_max: Decimal | None = None
    quick: str | None = None
    sort: SortField = SortField.PURCHASE_DATE
    descending: bool = True
