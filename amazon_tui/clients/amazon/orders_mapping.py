"""Orders 2026-01-01 wire models -> domain orders. Absent data stays None: nothing is invented."""

from __future__ import annotations

from collections.abc import Iterable

from amazon_tui.clients.amazon import orders_models as wire
from amazon_tui.domain.models import (
    Address,
    BuyerCancellationRequest,
    Money,
    Order,
    OrderItem,
    Package,
    PackageLine,
)
from amazon_tui.domain.values import FulfilledBy, MoneyError, OrderStatus

SELLER_ORDER_ID = "SELLER_ORDER_ID"


class MappingError(ValueError):
    """A payload that matches the wire model but cannot become a domain order."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"invalid {field}: {problem}")
        self.field = field


def order_from_wire(order: wire.Order, store: str) -> Order:
    """The domain order of ``store`` for a wire order."""
    fulfillment = order.fulfillment
    if fulfillment is None:
        raise MappingError("fulfillment.fulfillmentStatus", "missing (request includedData FULFILLMENT)")
    status = OrderStatus(_as_received(fulfillment.fulfillment_status))
    buyer = order.buyer
    ship_by = fulfillment.ship_by_window
    deliver_by = fulfillment.deliver_by_window
    return Order(
        order_id=order.order_id,
        store=store,
        marketplace_id=order.sales_channel.marketplace_id,
        status=status,
        fulfilled_by=_fulfilled_by(fulfillment.fulfilled_by),
        service_level=fulfillment.fulfillment_service_level,
        created=order.created_time,
        last_updated=order.last_updated_time,
        ship_by=ship_by.latest_date_time if ship_by else None,
        earliest_ship=ship_by.earliest_date_time if ship_by else None,
        deliver_by=deliver_by.latest_date_time if deliver_by else None,
        buyer_name=_blank_to_none(buyer.buyer_name) if buyer else None,
        buyer_email=_blank_to_none(buyer.buyer_email) if buyer else None,
        buyer_company=_blank_to_none(buyer.buyer_company_name) if buyer else None,
        total=_money(order.proceeds.grand_total) if order.proceeds else None,
        programs=order.programs,
        address=_address(order.recipient.delivery_address) if order.recipient else None,
        items=tuple(_item(item, index) for index, item in enumerate(order.order_items)),
        packages=tuple(_package(package) for package in order.packages),
        seller_order_id=next(
            (a.alias_id for a in order.order_aliases if a.alias_type == SELLER_ORDER_ID), None
        ),
    )


def _item(item: wire.OrderItem, index: int) -> OrderItem:
    product = item.product
    condition = product.condition
    proceeds = item.proceeds
    breakdowns = proceeds.breakdowns if proceeds else ()
    promotions = item.promotion.breakdowns if item.promotion else ()
    cancellation = item.cancellation
    request = cancellation.cancellation_request if cancellation else None
    execution = cancellation.cancellation_execution if cancellation else None
    where = f"orderItems[{index}].proceeds.breakdowns"
    return OrderItem(
        order_item_id=item.order_item_id,
        asin=product.asin,
        seller_sku=product.seller_sku,
        title=product.title,
        quantity_ordered=item.quantity_ordered,
        quantity_shipped=(item.fulfillment.quantity_fulfilled or 0) if item.fulfillment else 0,
        quantity_unshipped=(item.fulfillment.quantity_unfulfilled or 0) if item.fulfillment else 0,
        condition=_blank_to_none(condition.condition_type) if condition else None,
        subcondition=_blank_to_none(condition.condition_subtype) if condition else None,
        unit_price=_money(product.price.unit_price) if product.price else None,
        row_price=_sum(breakdowns, "ITEM", where),
        row_total=_money(proceeds.proceeds_total) if proceeds else None,
        row_tax=_sum(breakdowns, "TAX", where),
        shipping_price=_sum(breakdowns, "SHIPPING", where),
        promotion_discount=_sum(breakdowns, "DISCOUNT", where),
        promotion_ids=tuple(p.promotion_id for p in promotions if p.promotion_id),
        cancellation_request=(
            BuyerCancellationRequest(requester=request.requester or "BUYER", reason=request.cancel_reason)
            if request is not None
            else None
        ),
        canceled_by=execution.cancelled_by if execution else None,
        cancel_reason=execution.cancel_reason if execution else None,
    )


def _package(package: wire.OrderPackage) -> Package:
    status = package.package_status
    return Package(
        reference_id=package.package_reference_id,
        carrier=package.carrier,
        shipping_service=package.shipping_service,
        tracking_number=package.tracking_number,
        ship_time=package.ship_time,
        status=status.status if status else None,
        detailed_status=status.detailed_status if status else None,
        lines=tuple(
            PackageLine(order_item_id=p.order_item_id, quantity=p.quantity) for p in package.package_items
        ),
    )


def _address(address: wire.CustomerAddress | None) -> Address | None:
    if address is None:
        return None
    mapped = Address(
        name=_blank_to_none(address.name),
        company=_blank_to_none(address.company_name),
        line1=_blank_to_none(address.address_line1),
        line2=_blank_to_none(address.address_line2),
        line3=_blank_to_none(address.address_line3),
        city=_blank_to_none(address.city),
        district=_blank_to_none(address.district_or_county),
        region=_blank_to_none(address.state_or_region),
        postal_code=_blank_to_none(address.postal_code),
        country_code=_blank_to_none(address.country_code),
        phone=_blank_to_none(address.phone),
        address_type=_blank_to_none(address.address_type),
    )
    return mapped if mapped != Address() else None


def _sum(breakdowns: Iterable[wire.ItemProceedsBreakdown], kind: str, where: str) -> Money | None:
    """The total of the breakdowns of one proceeds type, or None when there is none."""
    total: Money | None = None
    for breakdown in breakdowns:
        if breakdown.type != kind:
            continue
        money = _money(breakdown.subtotal)
        if money is None:
            continue
        try:
            total = money if total is None else total + money
        except MoneyError as exc:
            raise MappingError(where, str(exc)) from None
    return total


def _money(value: wire.WireMoney | None) -> Money | None:
    return value.to_money() if value is not None else None


def _fulfilled_by(value: str | None) -> FulfilledBy | None:
    return FulfilledBy(value) if value in FulfilledBy._value2member_map_ else None


def _as_received(value: str) -> str:
    """An enum value as Amazon sent it, fit to keep: printable, at most 64 characters."""
    return "".join(char if char.isprintable() else "?" for char in value[:64]) or "?"


def _blank_to_none(value: str | None) -> str | None:
    return value if value and value.strip() else None
