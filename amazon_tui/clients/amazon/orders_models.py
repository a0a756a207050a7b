"""Wire models of the SP-API Orders 2026-01-01 responses (the subset amazon-tui reads).

Built from ``orders_2026-01-01.json``: required fields are required, everything else is
optional, and unknown fields are kept rather than rejected, so additions on Amazon's side
do not break the app.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, field_validator
from pydantic.alias_generators import to_camel

from amazon_tui.domain.models import Money


def _as_utc(value: datetime) -> datetime:
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)


Timestamp = Annotated[datetime, AfterValidator(_as_utc)]
"""An ISO 8601 timestamp as an aware UTC datetime (naive ones are taken as UTC)."""


class Wire(BaseModel):
    """Base of the wire models: camelCase on the wire, unknown fields allowed."""

    model_config = ConfigDict(extra="allow", alias_generator=to_camel, populate_by_name=True, frozen=True)


class WireMoney(Wire):
    """``Money``: a decimal string amount and an ISO 4217 code."""

    amount: str
    currency_code: str

    @field_validator("amount", mode="before")
    @classmethod
    def _decimal_string(cls, value: object) -> str:
        if not isinstance(value, str):
            raise ValueError("amount must be a decimal string")
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"amount {value[:40]!r} is not a decimal number") from None
        if not number.is_finite():
            raise ValueError(f"amount {value[:40]!r} is not a finite number")
        return value

    @field_validator("currency_code")
    @classmethod
    def _iso_code(cls, value: str) -> str:
        code = value.strip().upper()
        if len(code) != 3 or not code.isalpha():
            raise ValueError(f"currency {value[:10]!r} is not a 3-letter ISO code")
        return code

    def to_money(self) -> Money:
        return Money.parse(self.amount, self.currency_code)


class Alias(Wire):
    alias_id: str
    alias_type: str


class SalesChannel(Wire):
    channel_name: str
    marketplace_id: str | None = None
    marketplace_name: str | None = None


class Buyer(Wire):
    buyer_name: str | None = None
    buyer_email: str | None = None
    buyer_company_name: str | None = None
    buyer_purchase_order_number: str | None = None


class CustomerAddress(Wire):
    name: str | None = None
    company_name: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    address_line3: str | None = None
    city: str | None = None
    district_or_county: str | None = None
    state_or_region: str | None = None
    municipality: str | None = None
    postal_code: str | None = None
    country_code: str | None = None
    phone: str | None = None
    address_type: str | None = None


class Recipient(Wire):
    delivery_address: CustomerAddress | None = None


class OrderProceeds(Wire):
    grand_total: WireMoney | None = None


class DateTimeRange(Wire):
    earliest_date_time: Timestamp | None = None
    latest_date_time: Timestamp | None = None


class OrderFulfillment(Wire):
    fulfillment_status: str
    fulfilled_by: str | None = None
    fulfillment_service_level: str | None = None
    ship_by_window: DateTimeRange | None = None
    deliver_by_window: DateTimeRange | None = None


class ItemCondition(Wire):
    condition_type: str | None = None
    condition_subtype: str | None = None
    condition_note: str | None = None


class ItemPrice(Wire):
    unit_price: WireMoney | None = None


class ItemProduct(Wire):
    asin: str | None = None
    title: str | None = None
    seller_sku: str | None = None
    condition: ItemCondition | None = None
    price: ItemPrice | None = None


class ItemProceedsBreakdown(Wire):
    type: str
    subtotal: WireMoney


class ItemProceeds(Wire):
    proceeds_total: WireMoney | None = None
    breakdowns: tuple[ItemProceedsBreakdown, ...] = ()


class ItemPromotionBreakdown(Wire):
    promotion_id: str | None = None


class ItemPromotion(Wire):
    breakdowns: tuple[ItemPromotionBreakdown, ...] = ()


class ItemCancellationRequest(Wire):
    requester: str | None = None
    cancel_reason: str | None = None


class ItemCancellationExecution(Wire):
    cancelled_by: str | None = None
    cancel_reason: str | None = None


class ItemCancellation(Wire):
    cancellation_request: ItemCancellationRequest | None = None
    cancellation_execution: ItemCancellationExecution | None = None


class ItemFulfillment(Wire):
    quantity_fulfilled: int | None = None
    quantity_unfulfilled: int | None = None


class OrderItem(Wire):
    order_item_id: str
    quantity_ordered: int
    product: ItemProduct
    programs: tuple[str, ...] = ()
    proceeds: ItemProceeds | None = None
    promotion: ItemPromotion | None = None
    cancellation: ItemCancellation | None = None
    fulfillment: ItemFulfillment | None = None


class PackageStatus(Wire):
    status: str
    detailed_status: str | None = None


class PackageItem(Wire):
    order_item_id: str
    quantity: int


class OrderPackage(Wire):
    package_reference_id: str
    created_time: Timestamp | None = None
    package_status: PackageStatus | None = None
    carrier: str | None = None
    ship_time: Timestamp | None = None
    shipping_service: str | None = None
    tracking_number: str | None = None
    package_items: tuple[PackageItem, ...] = ()


class Order(Wire):
    order_id: str
    created_time: Timestamp
    last_updated_time: Timestamp
    sales_channel: SalesChannel
    order_items: tuple[OrderItem, ...]
    order_aliases: tuple[Alias, ...] = ()
    programs: tuple[str, ...] = ()
    buyer: Buyer | None = None
    recipient: Recipient | None = None
    proceeds: OrderProceeds | None = None
    fulfillment: OrderFulfillment | None = None
    packages: tuple[OrderPackage, ...] = ()


class Pagination(Wire):
    next_token: str | None = None


class SearchOrdersResponse(Wire):
    orders: tuple[Order, ...]
    pagination: Pagination | None = None
    last_updated_before: Timestamp | None = None
    created_before: Timestamp | None = None


class GetOrderResponse(Wire):
    order: Order
