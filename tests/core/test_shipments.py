"""Shipments reach Amazon (DESIGN 5c): Magento's shipments and hand-made ones, confirmed once,
journaled and fenced, decided from Amazon's order — against the sandbox over HTTP semantics."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from amazon_tui.core.ship.desk import ShipmentForm, ShipRefused
from amazon_tui.core.ship.rules import ShipRefusalCode
from amazon_tui.domain.attention import NOT_CONFIRMED
from amazon_tui.domain.models import OrderQuery
from amazon_tui.domain.values import OrderStatus
from amazon_tui.local.fenced import LeaseLost
from amazon_tui.local.shipments import ShipFailure, ShipState
from tests.core.test_money_path import amazon_status


def shippable(service, n: int = 1, *, min_units: int = 1) -> list[str]:
    """Unshipped merchant-fulfilled orders of Acme US that Magento holds."""
    rows = service.orders(OrderQuery(stores=("Acme US",), statuses=(OrderStatus.UNSHIPPED,)), limit=500)
    ids = []
    for row in rows:
        if row.fulfilled_by is None or row.fulfilled_by.value != "MERCHANT" or row.cancel_state is not None:
            continue
        order = service.cached_order(row.order_id)
        units = sum(item.quantity_unshipped for item in order.items) if order else 0
        if service.magento_link(row.order_id) is not None and units >= min_units:
            ids.append(row.order_id)
    assert len(ids) >= n
    return ids[:n]


def packages(world, order_id: str) -> list[dict]:
    return world.sandbox.get_order_raw(order_id).get("packages") or []


def rows(service, order_id: str):
    return service.shipment_journal.of_order(order_id)


async def test_a_magento_shipment_is_confirmed_to_amazon_once_after_one_sync(world):
    service = world.open_service()
    await service.sync()
    [order_id] = shippable(service)
    shipment = world.sandbox.magento_ship(
        order_id, carrier_code="ups", title="United Parcel", track_number="1Z999AA1"
    )
    world.sandbox.clear_log()
    await service.sync()
    assert amazon_status(world, order_id) == "SHIPPED"
    [package] = [
        p for p in packages(world, order_id) if p["packageReferenceId"] == str(shipment["entity_id"])
    ]
    assert (package["carrier"], package["trackingNumber"]) == ("UPS", "1Z999AA1")
    [row] = rows(service, order_id)
    assert row.state is ShipState.CONFIRMED and row.source == "magento"
    assert world.sandbox.count("confirmShipment") == 1
    for _ in range(2):  # later syncs, and another process on the data dir, send nothing again
        await service.sync()
        await world.open_service().sync()
    assert world.sandbox.count("confirmShipment") == 1
    trail = [e.outcome for e in service.audit() if e.order_id == order_id and e.action == "ship"]
    assert trail == ["confirmed", "requested"]  # newest first


async def test_a_custom_carrier_is_sent_as_other_with_the_tracks_title(world):
    service = world.open_service()
    await service.sync()
    [order_id] = shippable(service)
    world.sandbox.magento_ship(order_id, carrier_code="custom", title="Parcel Bros", track_number="PB-77")
    await service.sync()
    assert [p["carrier"] for p in packages(world, order_id)] == ["Parcel Bros"]
    assert rows(service, order_id)[0].carrier_code == "Other"


async def test_a_partial_shipment_then_the_rest_are_two_packages(world):
    service = world.open_service()
    await service.sync()
    [order_id] = shippable(service, min_units=2)
    order = service.cached_order(order_id)
    first = next(item for item in order.items if item.quantity_unshipped)
    world.sandbox.magento_ship(
        order_id, carrier_code="usps", track_number="9400A", items={first.seller_sku: 1}
    )
    await service.sync()
    assert amazon_status(world, order_id) == "PARTIALLY_SHIPPED"
    world.sandbox.magento_ship(order_id, carrier_code="fedex", track_number="7700B")
    await service.sync()
    assert amazon_status(world, order_id) == "SHIPPED"
    assert [p["carrier"] for p in packages(world, order_id)] == ["USPS", "FedEx"]
    assert [r.state for r in rows(service, order_id)] == [ShipState.CONFIRMED, ShipState.CONFIRMED]
    assert world.sandbox.count("confirmShipment") == 2


async def test_shipments_are_not_confirmed_when_switched_off(world):
    service = world.open_service(magento={"confirm_shipments": False})
    await service.sync()
    [order_id] = shippable(service)
    world.sandbox.magento_ship(order_id, carrier_code="ups", track_number="1Z1")
    await service.sync()
    assert world.sandbox.count("confirmShipment") == 0 and rows(service, order_id) == []


async def test_a_shipment_confirmed_by_hand_is_confirmed_and_audited(world):
    service = world.open_service()
    await service.sync()
    [order_id] = shippable(service)
    form = ShipmentForm(
        carrier="UPS", tracking_number="1ZHAND", ship_date=datetime.now(UTC), shipping_method="Ground"
    )
    row = await service.ship_desk.ship(order_id, form)
    assert row.state is ShipState.CONFIRMED and row.source == "manual"
    assert amazon_status(world, order_id) == "SHIPPED"
    assert [p["trackingNumber"] for p in packages(world, order_id)] == ["1ZHAND"]
    with pytest.raises(ShipRefused) as refused:  # shipped now: nothing more to confirm
        await service.ship_desk.ship(order_id, form)
    assert refused.value.code is ShipRefusalCode.NOT_SHIPPABLE
    assert world.sandbox.count("confirmShipment") == 1


async def test_a_read_only_session_confirms_nothing(world):
    await world.open_service().sync()
    service = world.open_service(read_only=True)
    [order_id] = shippable(service)
    with pytest.raises(ShipRefused) as refused:
        await service.ship_desk.ship(order_id, ShipmentForm("UPS", "1Z", datetime.now(UTC)))
    assert refused.value.code is ShipRefusalCode.READ_ONLY
    assert world.sandbox.count("confirmShipment") == 0


async def test_amazons_400_fails_the_row_with_amazons_words_and_attention_lists_it(world):
    service = world.open_service()
    await service.sync()
    [order_id] = shippable(service)
    world.sandbox.magento_ship(order_id, carrier_code="ups", track_number="1Z2")
    world.sandbox.inject_fault("confirmShipment", "echo", count=1, status=400)
    await service.sync()
    [row] = rows(service, order_id)
    assert row.state is ShipState.FAILED and row.failure is ShipFailure.REFUSED_BY_AMAZON
    assert row.cause.startswith("Amazon: ")
    assert amazon_status(world, order_id) == "UNSHIPPED"
    [item] = [i for i in service.attention() if i.order.order_id == order_id]
    assert item.kind == NOT_CONFIRMED and item.state == "failed" and item.problem == row.cause
    await service.sync()  # a failed row is the operator's: never sent again by itself
    assert world.sandbox.count("confirmShipment") == 1


async def test_a_lost_answer_is_settled_from_amazons_order_never_sent_twice(world):
    service = world.open_service()
    await service.sync()
    [order_id] = shippable(service)
    world.sandbox.magento_ship(order_id, carrier_code="ups", track_number="1Z3")
    world.sandbox.inject_fault("confirmShipment", "applied_error", count=1)
    await service.sync()
    [row] = rows(service, order_id)
    assert row.state is ShipState.SENDING and "lost" in (row.cause or "")
    assert amazon_status(world, order_id) == "SHIPPED"
    await service.sync()
    [row] = rows(service, order_id)
    assert row.state is ShipState.CONFIRMED and row.attempts == 1
    assert world.sandbox.count("confirmShipment") == 1


async def test_a_process_that_lost_the_lease_sends_nothing(world):
    one, two = world.open_service(), world.open_service()
    await one.sync()
    [order_id] = shippable(one)
    world.sandbox.magento_ship(order_id, carrier_code="ups", track_number="1Z4")
    assert one.coordination.acquire()
    stale = one.leader.fence()
    with one.db.transaction() as conn:  # one froze past its lease; two takes it (a new epoch)
        conn.execute("UPDATE lease SET expires = 0")
    assert two.coordination.acquire()
    world.sandbox.clear_log()
    assert await one.shipments.drive_once(fence=stale) == []
    assert world.sandbox.count("confirmShipment") == 0 and rows(one, order_id) == []
    await two.sync()
    assert [r.state for r in rows(two, order_id)] == [ShipState.CONFIRMED]


async def test_a_magento_shipment_amazons_order_cannot_hold_is_listed_with_why(world):
    """A shipment listing a SKU Amazon's order lacks (a gift wrap, a bundle's part): nothing is
    sent, and the operator reads why on Attention; once Magento's shipment is right, it is sent."""
    service = world.open_service()
    await service.sync()
    [order_id] = shippable(service)
    shipment = world.sandbox.magento_ship(order_id, carrier_code="ups", track_number="X1")
    odd = {**shipment, "items": [{**shipment["items"][0], "sku": "GIFT-WRAP"}]}
    with world.sandbox.db.transaction() as conn:
        conn.execute(
            "UPDATE magento_shipments SET doc = ? WHERE entity_id = ?",
            (json.dumps(odd), shipment["entity_id"]),
        )
    await service.sync()
    [row] = rows(service, order_id)
    assert row.state is ShipState.FAILED and row.failure is ShipFailure.UNMATCHED
    [item] = [i for i in service.attention() if i.order.order_id == order_id]
    assert item.kind == NOT_CONFIRMED and "GIFT-WRAP × 1" in item.problem
    assert world.sandbox.count("confirmShipment") == 0
    with world.sandbox.db.transaction() as conn:  # Magento's shipment put right
        conn.execute(
            "UPDATE magento_shipments SET doc = ? WHERE entity_id = ?",
            (json.dumps(shipment), shipment["entity_id"]),
        )
    await service.sync()
    assert [r.state for r in rows(service, order_id)] == [ShipState.CONFIRMED]
    assert world.sandbox.count("confirmShipment") == 1


def test_leaselost_is_the_journals(world):
    assert LeaseLost.__module__ == "amazon_tui.local.fenced"
