"""The values of amazon-tui: enums, marketplaces, timestamps, money formatting. No I/O, no UI.

Money is always ``Decimal`` with a currency code, never ``float``. The pydantic models live
in ``amazon_tui.domain.models``: the TUI's first screen needs none of them (start-up time).
"""

from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum
from typing import NamedTuple


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
    Marketplace(
        "US", "ATVPDKIKX0DER", "Amazon.com", Region.NA, "USD", "https://sellercentral.amazon.com", "🇺🇸"
    ),
    Marketplace(
        "CA", "A2EUQ1WTGCTBG2", "Amazon.ca", Region.NA, "CAD", "https://sellercentral.amazon.ca", "🇨🇦"
    ),
    Marketplace(
        "MX", "A1AM78C64UM0Y8", "Amazon.com.mx", Region.NA, "MXN", "https://sellercentral.amazon.com.mx", "🇲🇽"
    ),
    Marketplace(
        "BR", "A2Q3Y263D00KWC", "Amazon.com.br", Region.NA, "BRL", "https://sellercentral.amazon.com.br", "🇧🇷"
    ),
    Marketplace(
        "GB", "A1F83G8C2ARO7P", "Amazon.co.uk", Region.EU, "GBP", "https://sellercentral.amazon.co.uk", "🇬🇧"
    ),
    Marketplace(
        "DE", "A1PA6795UKMFR9", "Amazon.de", Region.EU, "EUR", "https://sellercentral.amazon.de", "🇩🇪"
    ),
    Marketplace(
        "FR", "A13V1IB3VIYZZH", "Amazon.fr", Region.EU, "EUR", "https://sellercentral.amazon.fr", "🇫🇷"
    ),
    Marketplace(
        "IT", "APJ6JRA9NG5V4", "Amazon.it", Region.EU, "EUR", "https://sellercentral.amazon.it", "🇮🇹"
    ),
    Marketplace(
        "ES", "A1RKKUPIHCS9HS", "Amazon.es", Region.EU, "EUR", "https://sellercentral.amazon.es", "🇪🇸"
    ),
    Marketplace(
        "NL", "A1805IZSGTT6HS", "Amazon.nl", Region.EU, "EUR", "https://sellercentral.amazon.nl", "🇳🇱"
    ),
    Marketplace(
        "SE", "A2NODRKZP88ZB9", "Amazon.se", Region.EU, "SEK", "https://sellercentral.amazon.se", "🇸🇪"
    ),
    Marketplace(
        "PL", "A1C3SOZRARQ6R3", "Amazon.pl", Region.EU, "PLN", "https://sellercentral.amazon.pl", "🇵🇱"
    ),
    Marketplace(
        "JP", "A1VC38T7YXB528", "Amazon.co.jp", Region.FE, "JPY", "https://sellercentral.amazon.co.jp", "🇯🇵"
    ),
    Marketplace(
        "AU", "A39IBJ37TRP1C6", "Amazon.com.au", Region.FE, "AUD", "https://sellercentral.amazon.com.au", "🇦🇺"
    ),
    Marketplace(
        "SG", "A19VAU5U5O7RUS", "Amazon.sg", Region.FE, "SGD", "https://sellercentral.amazon.sg", "🇸🇬"
    ),
)

_BY_CODE = {m.code: m for m in MARKETPLACES}
_BY_ID = {m.marketplace_id: m for m in MARKETPLACES}


def find_marketplace(code_or_id: str) -> Marketplace | None:
    """The marketplace for a code ("US") or a marketplace id ("ATVPDKIKX0DER")."""
    key = code_or_id.strip()
    return _BY_CODE.get(key.upper()) or _BY_ID.get(key)


class OrderStatus(str, Enum):
    """Amazon order status: the Orders 2026-01-01 ``fulfillmentStatus`` values.

    A value Amazon adds later (its enums grow) is kept as received: ``OrderStatus("EXPLODED")``
    is a status of its own that is not ``is_known``, labelled "Unknown status EXPLODED", and
    that no rule treats as cancelable.
    """

    PENDING_AVAILABILITY = "PENDING_AVAILABILITY"
    PENDING = "PENDING"
    UNSHIPPED = "UNSHIPPED"
    PARTIALLY_SHIPPED = "PARTIALLY_SHIPPED"
    SHIPPED = "SHIPPED"
    CANCELLED = "CANCELLED"
    UNFULFILLABLE = "UNFULFILLABLE"

    @classmethod
    def _missing_(cls, value: object) -> "OrderStatus | None":
        if not isinstance(value, str) or not 0 < len(value) <= 64 or not value.isprintable():
            return None
        unknown = str.__new__(cls, value)
        unknown._name_ = unknown._value_ = value
        return unknown

    @property
    def is_known(self) -> bool:
        """A value of the model this release was built from."""
        return self in _STATUS_LABELS

    @property
    def label(self) -> str:
        """The label the Amazon Sales Channel admin shows."""
        return _STATUS_LABELS.get(self) or f"Unknown status {self.value}"

    @property
    def tone(self) -> str:
        """Colour family of the status dot (ASC: shipped blue, unshipped yellow, error orange)."""
        return _STATUS_TONES.get(self, "muted")

    @classmethod
    def from_label(cls, text: str) -> "OrderStatus":
        """Parse an API value ("UNSHIPPED") or an ASC label ("Unshipped", "Canceled")."""
        key = text.strip()
        for status in cls:
            if key.upper() == status.value or key.lower() in (
                status.label.lower(),
                status.value.lower().replace("_", " "),
            ):
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
        raise ValueError(
            f"unknown cancel reason {text!r}; expected one of: " + ", ".join(r.value for r in cls)
        )


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


# ISO 4217 currencies whose minor unit is not the cent (every other one has two decimals).
_MINOR_UNITS = dict.fromkeys(
    (
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "ISK",
        "JPY",
        "KMF",
        "KRW",
        "PYG",
        "RWF",
        "UGX",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    ),
    0,
) | dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3)
_SHOWN_AS_RECEIVED = Decimal(10) ** 15  # beyond this an amount is not grouped nor padded


def minor_units(currency: str) -> int:
    """The decimals of ``currency``'s minor unit (ISO 4217): JPY 0, USD 2, KWD 3."""
    return _MINOR_UNITS.get(currency.upper(), 2)


def format_amount(amount: Decimal, currency: str) -> str:
    """The number with the currency's decimals at least: "1,234.50" (USD), "5,000" (JPY),
    "1.250" (KWD). An amount no real order has is shown as received ("1E+400")."""
    if not amount.is_finite() or abs(amount) >= _SHOWN_AS_RECEIVED:
        return str(amount)
    places = minor_units(currency)
    exponent = amount.as_tuple().exponent
    shown = (
        amount
        if isinstance(exponent, int) and -exponent > places
        else amount.quantize(Decimal(1).scaleb(-places))
    )
    return f"{shown:,}"


def format_money(amount: Decimal, currency: str) -> str:
    """Human form: "USD 1,234.50", "JPY 5,000" (``Money.format`` without a Money)."""
    return f"{currency} {format_amount(amount, currency)}"


def parse_timestamp(text: str | None) -> datetime | None:
    """An ISO 8601 timestamp as an aware UTC datetime; naive ones are taken as UTC."""
    if text is None or not str(text).strip():
        return None
    value = datetime.fromisoformat(str(text).strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def timestamp(text: str) -> datetime:
    """A timestamp that must be there (a NOT NULL column, a required field); ValueError if blank."""
    value = parse_timestamp(text)
    if value is None:
        raise ValueError("a timestamp is missing")
    return value


def format_timestamp(value: datetime) -> str:
    """ISO 8601 in UTC to the second with a trailing Z, as Amazon writes it.

    Kept cheap: an upsert formats three per order. Any UTC tzinfo (pydantic's own too) is
    used as it is; a naive time is taken as local time, as ``astimezone`` does.
    """
    if value.tzinfo is None or value.utcoffset():
        value = value.astimezone(UTC)
    if value.year < 1000:  # strftime does not pad the year; keep its output exactly
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
        f"T{value.hour:02d}:{value.minute:02d}:{value.second:02d}Z"
    )


class StoreStatus(str, Enum):
    """The store card's status dot."""

    ACTIVE = "Active"
    INACTIVE = "Inactive"
    AUTH_PENDING = "Authentication pending"
    INCOMPLETE = "Incomplete"


class SortField(str, Enum):
    """Columns an order list can be sorted by (over all matching orders, in SQL)."""

    PURCHASE_DATE = "purchase_date"
    ORDER_NUMBER = "order_number"
    STATUS = "status"
    SHIP_BY = "ship_by"
    BUYER_NAME = "buyer_name"
    TOTAL = "total"
    NOTES = "notes"
