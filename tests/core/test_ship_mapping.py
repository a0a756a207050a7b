"""A Magento shipment as a confirmShipment package: carriers, SKUs, quantities, refusals."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from amazon_tui.core.ship.mapping import Unmatched, match_items, package_for
from amazon_tui.domain.models import Order, OrderItem
from amazon_tui.domain.shipping import MagentoShipment, ShipmentLine, Track, amazon_carrier
from amazon_tui.domain.values import OrderStatus

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def order(*items: tuple[str, str, int], status: OrderStatus = OrderStatus.UNSHIPPED) -> Order:
    return Order(
        order_id="111-0000000-0000001",
        store="Acme US",
        status=status,
        created=NOW,
        last_updated=NOW,
        items=tuple(
            OrderItem(order_item_id=item_id, seller_sku=sku, quantity_ordered=qty, quantity_unshipped=qty)
            for item_id, sku, qty in items
        ),
    )


def shipment(
    *lines: tuple[str, int], carrier: str = "ups", title: str = "UPS", number: str = "1Z999"
) -> MagentoShipment:
    return MagentoShipment(
        entity_id=4001,
        order_entity_id=7,
        increment_id="000000041",
        created_at=NOW,
        lines=tuple(ShipmentLine(sku=sku, qty=qty) for sku, qty in lines),
        tracks=(Track(carrier_code=carrier, title=title, number=number),),
    )


def test_magentos_carriers_map_to_amazons_codes_and_custom_is_other_with_its_title():
    assert amazon_carrier("ups", "United Parcel") == ("UPS", None)
    assert amazon_carrier("fedex") == ("FedEx", None)
    assert amazon_carrier("usps") == ("USPS", None)
    assert amazon_carrier("dhl") == ("DHL", None)
    assert amazon_carrier("royal mail") == ("Royal Mail", None)  # Amazon's own code, any case
    assert amazon_carrier("custom", "Bob's Couriers") == ("Other", "Bob's Couriers")
    assert amazon_carrier("tablerate", None) == ("Other", "tablerate")
    assert amazon_carrier("custom", "") == ("Other", None)


def test_a_full_shipment_becomes_one_package_with_the_shipment_id_and_tracking():
    package = package_for(
        order(("A1", "SKU-1", 2), ("A2", "SKU-2", 1)), shipment(("SKU-1", 2), ("SKU-2", 1)), "Ground"
    )
    assert not isinstance(package, Unmatched)
    assert package.package_reference_id == "4001"
    assert (package.carrier_code, package.carrier_name, package.tracking_number) == ("UPS", None, "1Z999")
    assert package.shipping_method == "Ground" and package.ship_date == NOW
    assert {(i.order_item_id, i.quantity) for i in package.items} == {("A1", 2), ("A2", 1)}


def test_a_partial_shipment_confirms_only_its_quantities():
    package = package_for(order(("A1", "SKU-1", 3)), shipment(("SKU-1", 1)), None)
    assert not isinstance(package, Unmatched)
    assert [(i.order_item_id, i.quantity) for i in package.items] == [("A1", 1)]


def test_a_custom_carrier_is_other_with_the_tracks_title():
    package = package_for(
        order(("A1", "SKU-1", 1)), shipment(("SKU-1", 1), carrier="custom", title="Parcel Bros"), None
    )
    assert not isinstance(package, Unmatched)
    assert (package.carrier_code, package.carrier_name) == ("Other", "Parcel Bros")


def test_what_amazons_order_does_not_hold_unshipped_is_refused_with_why():
    refused = package_for(order(("A1", "SKU-1", 1)), shipment(("SKU-1", 2), ("GIFT-WRAP", 1)), None)
    assert isinstance(refused, Unmatched)
    assert "SKU-1 × 1" in refused.cause and "GIFT-WRAP × 1" in refused.cause


def test_a_shipment_without_a_tracking_number_is_refused():
    refused = package_for(order(("A1", "SKU-1", 1)), shipment(("SKU-1", 1), number="  "), None)
    assert isinstance(refused, Unmatched) and "no tracking number" in refused.cause


@given(
    unshipped=st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=4),
    wanted=st.integers(min_value=1, max_value=25),
)
def test_one_sku_over_several_items_is_split_and_never_exceeds_what_is_unshipped(unshipped, wanted):
    held = order(*((f"A{n}", "SKU-1", qty) for n, qty in enumerate(unshipped)))
    matched = match_items(held, [ShipmentLine(sku="sku-1", qty=wanted)], "The shipment")
    if wanted > sum(unshipped):
        assert isinstance(matched, Unmatched)
        return
    assert not isinstance(matched, Unmatched)
    assert sum(item.quantity for item in matched) == wanted
    limits = {f"A{n}": qty for n, qty in enumerate(unshipped)}
    assert all(1 <= item.quantity <= limits[item.order_item_id] for item in matched)
