"""Hostile tests of shipment confirmation (issue 33): a hostile Amazon, a hostile Magento, an
operator racing the warehouse. Each test states what must hold; a failing one is a finding."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from amazon_tui.core.service import AppService
from amazon_tui.core.ship.desk import ShipmentForm, ShipRefused
from amazon_tui.domain.attention import NOT_CONFIRMED
from amazon_tui.domain.models import OrderQuery
from amazon_tui.domain.values import OrderStatus
from amazon_tui.local.shipments import ShipFailure, ShipState
from amazon_tui.sandbox.clock import iso
from tests.support.hostile import bump
from tests.support.services import sandbox_settings


def linked_unshipped(service, *, items: int = 1, units_of_one: int = 1) -> str:
    """An Unshipped merchant-fulfilled Acme US order in Magento with at least ``items`` items, one
    of which has ``units_of_one`` units or more unshipped."""
    rows = service.orders(OrderQuery(stores=("Acme US",), statuses=(OrderStatus.UNSHIPPED,)), limit=500)
    for row in rows:
        if row.fulfilled_by is None or row.fulfilled_by.value != "MERCHANT" or row.cancel_state is not None:
            continue
        order = service.cached_order(row.order_id)
        if order is None or service.magento_link(row.order_id) is None:
            continue
        if len(order.items) >= items and max(i.quantity_unshipped for i in order.items) >= units_of_one:
            return row.order_id
    raise AssertionError("no such order in the sandbox")


def packages(world, order_id: str) -> list[dict]:
    return world.sandbox.get_order_raw(order_id).get("packages") or []


def unfulfilled(world, order_id: str) -> dict[str, int]:
    doc = world.sandbox.get_order_raw(order_id)
    return {i["orderItemId"]: i["fulfillment"]["quantityUnfulfilled"] for i in doc["orderItems"]}


def rewrite_shipment(world, shipment: dict) -> None:
    """Magento's stored shipment document replaced (what GET /V1/shipments answers)."""
    with world.sandbox.db.transaction() as conn:
        conn.execute(
            "UPDATE magento_shipments SET doc = ? WHERE entity_id = ?",
            (json.dumps(shipment), shipment["entity_id"]),
        )


def add_amazon_package(world, order_id: str, package: dict, *, fulfil: bool = False) -> None:
    """Amazon's order gains ``package`` (as another app, or a hostile Amazon, put it there)."""
    doc = world.sandbox.db.amazon_order(order_id)
    now = iso(world.sandbox.clock())
    stored = {"createdTime": now, "shipTime": now, "packageStatus": {"status": "SHIPPED"}, **package}
    doc.setdefault("packages", []).append(stored)
    if fulfil:
        by_id = {item["orderItemId"]: item for item in doc["orderItems"]}
        for line in package["packageItems"]:
            fulfillment = by_id[line["orderItemId"]]["fulfillment"]
            fulfillment["quantityFulfilled"] += line["quantity"]
            fulfillment["quantityUnfulfilled"] -= line["quantity"]
        left = any(item["fulfillment"]["quantityUnfulfilled"] for item in doc["orderItems"])
        doc["fulfillment"]["fulfillmentStatus"] = "PARTIALLY_SHIPPED" if left else "SHIPPED"
    world.sandbox.db.save_amazon_order(bump(world.sandbox, doc))


# --- a hostile Amazon ----------------------------------------------------------------------------


async def test_a_package_with_our_reference_id_but_other_items_is_not_taken_for_ours(world):
    """Amazon's order shows a package with our packageReferenceId, but for another item, another
    tracking number, and the items we shipped still unshipped. Expected: the row is not
    ``confirmed`` (it is sent, or fails with why). Actual: confirmed without a request; the
    order stays Unshipped at Amazon and goes late while amazon-tui says it is confirmed."""
    service = world.open_service()
    await service.sync()
    order_id = linked_unshipped(service, items=2)
    order = service.cached_order(order_id)
    first, second = order.items[0], order.items[1]
    shipment = world.sandbox.magento_ship(
        order_id,
        carrier_code="ups",
        track_number="1ZOURS",
        items={first.seller_sku: first.quantity_unshipped},
    )
    add_amazon_package(
        world,
        order_id,
        {
            "packageReferenceId": str(shipment["entity_id"]),
            "carrier": "USPS",
            "trackingNumber": "NOT-OURS",
            "packageItems": [{"orderItemId": second.order_item_id, "quantity": 1}],
        },
    )
    await service.sync()
    [row] = service.shipment_journal.of_order(order_id)
    still_unshipped = unfulfilled(world, order_id)[first.order_item_id]
    assert not (row.state is ShipState.CONFIRMED and still_unshipped > 0), (
        f"row {row.state.value} while Amazon still has {still_unshipped} of {first.seller_sku} unshipped; "
        f"confirmShipment calls: {world.sandbox.count('confirmShipment')}"
    )


# --- another app (or the operator) confirmed the same box ------------------------------------------


async def test_a_box_confirmed_by_hand_then_recorded_in_magento_is_not_confirmed_twice(world):
    """The operator confirms 1 of 2 units by hand (tracking 1ZBOX); the warehouse then records the
    same box in Magento (1 unit, tracking 1ZBOX). Expected: one package at Amazon, 1 unit left
    unshipped. Actual: the Magento shipment is sent as a second package with the same tracking
    number: Amazon counts both units shipped and marks the order Shipped."""
    service = world.open_service()
    await service.sync()
    order_id = linked_unshipped(service, units_of_one=2)
    order = service.cached_order(order_id)
    item = max(order.items, key=lambda i: i.quantity_unshipped)
    form = ShipmentForm(
        carrier="UPS", tracking_number="1ZBOX", ship_date=datetime.now(UTC), items={item.seller_sku: 1}
    )
    row = await service.ship_desk.ship(order_id, form)
    assert row.state is ShipState.CONFIRMED
    before = unfulfilled(world, order_id)[item.order_item_id]
    world.sandbox.magento_ship(order_id, carrier_code="ups", track_number="1ZBOX", items={item.seller_sku: 1})
    await service.sync()
    assert [p["trackingNumber"] for p in packages(world, order_id)].count("1ZBOX") == 1
    assert unfulfilled(world, order_id)[item.order_item_id] == before


async def test_ship_by_hand_while_a_magento_shipment_is_unfinished_sends_what_was_asked(world):
    """A Magento shipment of item A is unfinished (its answer was lost); the operator confirms
    item B by hand. Expected: B is confirmed (or refused with why). Actual: ``ship`` finishes
    Magento's row of A and returns it as if it were the operator's: B is never sent, and the
    CLI/TUI report success."""
    service = world.open_service()
    await service.sync()
    order_id = linked_unshipped(service, items=2)
    order = service.cached_order(order_id)
    first, second = order.items[0], order.items[1]
    world.sandbox.magento_ship(
        order_id, carrier_code="ups", track_number="1ZA", items={first.seller_sku: first.quantity_unshipped}
    )
    world.sandbox.inject_fault("confirmShipment", "applied_error", count=1)
    await service.sync()
    [magento_row] = service.shipment_journal.of_order(order_id)
    assert magento_row.state is ShipState.SENDING
    form = ShipmentForm(
        carrier="USPS",
        tracking_number="9400B",
        ship_date=datetime.now(UTC),
        items={second.seller_sku: second.quantity_unshipped},
    )
    row = await service.ship_desk.ship(order_id, form)
    assert row.tracking_number == "9400B", f"ship() returned {row.source} row {row.tracking_number}"
    assert unfulfilled(world, order_id)[second.order_item_id] == 0


# --- a hostile Magento ---------------------------------------------------------------------------


async def test_a_fractional_shipment_line_is_not_dropped_silently(world):
    """Magento lists A × 1 and B × 1.5 in one shipment. Expected: the shipment is not confirmed as
    it stands (``failed`` unmatched, naming B), as a SKU Amazon lacks is. Actual: B's line is
    dropped while reading, A alone is confirmed and the row says ``confirmed``: nobody is told
    that B is in the box."""
    service = world.open_service()
    await service.sync()
    order_id = linked_unshipped(service, items=2)
    order = service.cached_order(order_id)
    first, second = order.items[0], order.items[1]
    shipment = world.sandbox.magento_ship(order_id, carrier_code="ups", track_number="1ZFRAC")
    lines = {line["sku"]: line for line in shipment["items"]}
    lines[second.seller_sku]["qty"] = 1.5
    lines[first.seller_sku]["qty"] = 1
    rewrite_shipment(world, shipment)
    await service.sync()
    [row] = service.shipment_journal.of_order(order_id)
    assert row.state is ShipState.FAILED and second.seller_sku in (row.cause or ""), (
        row.state,
        row.items,
        row.cause,
    )


async def test_a_negative_shipment_line_is_not_dropped_silently(world):
    """Magento lists A × 1 and B × -1: a broken document. Expected: not confirmed as it stands.
    Actual: B's line is dropped, A is confirmed."""
    service = world.open_service()
    await service.sync()
    order_id = linked_unshipped(service, items=2)
    order = service.cached_order(order_id)
    first, second = order.items[0], order.items[1]
    shipment = world.sandbox.magento_ship(order_id, carrier_code="ups", track_number="1ZNEG")
    lines = {line["sku"]: line for line in shipment["items"]}
    lines[second.seller_sku]["qty"] = -1
    lines[first.seller_sku]["qty"] = 1
    rewrite_shipment(world, shipment)
    await service.sync()
    [row] = service.shipment_journal.of_order(order_id)
    assert row.state is ShipState.FAILED, (row.state, row.items, row.cause)


async def test_a_configurable_parent_and_its_child_listed_both_count_once(world):
    """Magento's shipment of a configurable product lists the parent line and the child line,
    both with the simple product's SKU and the quantity shipped (1). Amazon's order has 2 units.
    Expected: 1 unit confirmed. Actual: 2 units confirmed (the order is told Shipped)."""
    service = world.open_service()
    await service.sync()
    order_id = linked_unshipped(service, units_of_one=2)
    order = service.cached_order(order_id)
    item = max(order.items, key=lambda i: i.quantity_unshipped)
    shipment = world.sandbox.magento_ship(
        order_id, carrier_code="ups", track_number="1ZCONF", items={item.seller_sku: 1}
    )
    [parent] = shipment["items"]
    child = {
        **parent,
        "entity_id": parent["entity_id"] + 100_000,
        "order_item_id": parent["order_item_id"] + 100_000,
        "price": 0,
    }
    shipment["items"] = [parent, child]
    rewrite_shipment(world, shipment)
    await service.sync()
    assert unfulfilled(world, order_id)[item.order_item_id] == item.quantity_unshipped - 1


# --- hostile servers behind a transport ------------------------------------------------------------


class Hostile(httpx.AsyncBaseTransport):
    """The in-process sandbox, with Magento's shipment search and Amazon's confirmShipment
    answered as a hostile implementation would (``mode``)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, mode: str, sandbox) -> None:
        self.inner = inner
        self.sandbox = sandbox
        self.first_page: dict | None = None
        self.extra: list[dict] = []
        self.refuse_confirm = False
        self.swap: tuple[str, str] | None = None  # getOrder of [0] answered with [1]'s id
        self.mode = mode
        self.searches = 0
        self.confirms = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/shipmentConfirmation") and self.refuse_confirm:
            raise httpx.ConnectError("connection refused", request=request)
        if path.endswith("/shipmentConfirmation") and self.mode == "applied-400":
            await self.inner.handle_async_request(request)  # carried out...
            error = {"code": "InvalidInput", "message": "Failed to create package.", "details": ""}
            return httpx.Response(400, json={"errors": [error]})  # ...and answered 400
        if path.endswith("/shipmentConfirmation") and self.mode == "204-not-applied":
            self.confirms += 1
            return httpx.Response(204)
        if self.mode == "getorder-other-id" and self.swap and path.endswith(f"/orders/{self.swap[0]}"):
            answer = await self.inner.handle_async_request(request)
            await answer.aread()
            body = json.loads(answer.content)
            body["order"]["orderId"] = self.swap[1]  # another order's id on this order's document
            return httpx.Response(answer.status_code, json=body)
        if not path.endswith("/rest/V1/shipments"):
            return await self.inner.handle_async_request(request)
        self.searches += 1
        if self.searches > 40:  # the test's own fuse: an empty page ends any loop
            return httpx.Response(200, json={"items": [], "search_criteria": {}, "total_count": 0})
        if self.mode == "ignore-filter":  # every shipment Magento holds, whatever was asked
            rows = self.sandbox.db.query("SELECT doc FROM magento_shipments")
            docs = [json.loads(r["doc"]) for r in rows] + self.extra
            return httpx.Response(200, json={"items": docs, "search_criteria": {}, "total_count": len(docs)})
        if self.mode == "repeat-last-page" and self.first_page is not None:  # page 1 again, and again
            return httpx.Response(200, json=self.first_page)
        answer = await self.inner.handle_async_request(request)
        await answer.aread()
        body = json.loads(answer.content)
        if self.mode == "repeat-last-page" and body.get("items"):
            body["total_count"] = 10**9
            self.first_page = body
        return httpx.Response(answer.status_code, json=body)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
def hostile(world, tmp_path):
    opened = []

    def open_hostile(mode: str, clock=None) -> tuple[AppService, Hostile]:
        transport = Hostile(httpx.ASGITransport(app=world.sandbox.app), mode, world.sandbox)
        service = AppService(sandbox_settings(tmp_path / "data"), transport=transport, clock=clock)
        service.shipments.schedule.poll_interval = service.shipments.schedule.poll_max_interval = 0.0
        opened.append(service)
        return service, transport

    return open_hostile


async def test_a_shipment_search_whose_pages_repeat_is_read_a_bounded_number_of_times(world, hostile):
    """Magento answers every page with page 1 and a total_count of 10^9. Expected: reading stops
    when a page repeats (a few requests). Actual: the leader asks until total_count is reached
    (here: until the test's fuse of 40 requests; in life, ~10^7 requests per sync)."""
    service, transport = hostile("repeat-last-page")
    await service.sync()
    order_id = linked_unshipped(service)
    world.sandbox.magento_ship(order_id, carrier_code="ups", track_number="1ZPAGE")
    transport.searches = 0
    await service.sync()
    assert transport.searches <= 3, f"{transport.searches} shipment searches for one sync"


async def test_a_search_ignoring_the_order_filter_confirms_no_other_orders_shipments(world, hostile):
    """Held: Magento ignores ``order_id in``; shipments of orders not asked about are not journaled."""
    plain = world.open_service()
    await plain.sync()
    one = linked_unshipped(plain)
    service, transport = hostile("ignore-filter")
    world.sandbox.magento_ship(one, carrier_code="ups", track_number="1ZONE")
    # a shipment of a Magento order no Amazon order of ours is linked to, made in Magento's db
    stray = {**world.sandbox.magento_shipments_for(one)[0], "entity_id": 999_999, "order_id": 999_998}
    transport.extra.append(stray)
    await service.sync()
    journaled = {row.order_id for row in service.shipment_journal.all()}
    assert journaled == {one}


async def test_a_204_never_applied_is_never_called_confirmed(world, hostile):
    """Held?: confirmShipment answers 204 and does nothing. The row stays ``confirming`` and
    fails (not_confirmed) after an hour; never ``confirmed``."""
    offset = [timedelta(0)]
    service, transport = hostile("204-not-applied", clock=lambda: datetime.now(UTC) + offset[0])
    await service.sync()
    order_id = linked_unshipped(service)
    world.sandbox.magento_ship(order_id, carrier_code="ups", track_number="1ZNOOP")
    await service.sync()
    [row] = service.shipment_journal.of_order(order_id)
    assert row.state is ShipState.CONFIRMING and transport.confirms == 1
    offset[0] = timedelta(hours=2)
    await service.sync()
    [row] = service.shipment_journal.of_order(order_id)
    assert row.state is ShipState.FAILED and row.failure is ShipFailure.NOT_CONFIRMED
    assert transport.confirms == 1


async def test_a_box_confirmed_by_hand_then_recorded_in_magento_raises_no_false_alarm(world):
    """Two items; the operator confirms A by hand in amazon-tui, then the warehouse records the
    same box (A) in Magento. Expected: Attention does not say A's shipment is not confirmed on
    Amazon (Amazon holds it: amazon-tui confirmed it itself). Actual: the Magento shipment is
    journaled ``failed`` (unmatched: "A × 1") and Attention lists the order as "Shipped in
    Magento, not confirmed on Amazon" until the whole order ships."""
    service = world.open_service()
    await service.sync()
    order_id = linked_unshipped(service, items=2)
    order = service.cached_order(order_id)
    first = order.items[0]
    form = ShipmentForm(
        carrier="UPS",
        tracking_number="1ZHAND",
        ship_date=datetime.now(UTC),
        items={first.seller_sku: first.quantity_unshipped},
    )
    assert (await service.ship_desk.ship(order_id, form)).state is ShipState.CONFIRMED
    world.sandbox.magento_ship(
        order_id,
        carrier_code="ups",
        track_number="1ZHAND",
        items={first.seller_sku: first.quantity_unshipped},
    )
    await service.sync()
    alarms = [i for i in service.attention() if i.order.order_id == order_id and i.kind == NOT_CONFIRMED]
    assert alarms == [], [(i.state, i.problem) for i in alarms]


async def test_the_same_sku_named_twice_in_other_case_is_not_two_lines(world):
    """``--items PLUG=1 --items plug=1`` passes the CLI's "each SKU once" check (the keys differ)
    and SKUs are matched without case: Expected: refused as named twice. Actual: both units sent."""
    service = world.open_service()
    await service.sync()
    order_id = linked_unshipped(service, units_of_one=2)
    order = service.cached_order(order_id)
    item = max(order.items, key=lambda i: i.quantity_unshipped)
    form = ShipmentForm(
        carrier="UPS",
        tracking_number="1ZCASE",
        ship_date=datetime.now(UTC),
        items={item.seller_sku: 1, item.seller_sku.lower(): 1},
    )
    try:
        await service.ship_desk.ship(order_id, form)
    except ShipRefused:
        return
    assert unfulfilled(world, order_id)[item.order_item_id] == item.quantity_unshipped - 1


async def test_odd_magento_lines_and_tracks_are_failed_with_why_not_sent(world):
    """Held: a line without SKU, a huge quantity, and 100 tracks whose first has no number: the
    no-SKU and huge lines fail the row (unmatched, with why); nothing is sent."""
    service = world.open_service()
    await service.sync()
    order_id = linked_unshipped(service)
    shipment = world.sandbox.magento_ship(order_id, carrier_code="ups", track_number="1ZODD")
    line = shipment["items"][0]
    shipment["items"] = [line, {**line, "sku": None, "qty": 1}, {**line, "qty": 10**12}]
    track = shipment["tracks"][0]
    shipment["tracks"] = [{**track, "track_number": " "}] + [
        {**track, "track_number": f"1Z{n:04d}"} for n in range(99)
    ]
    rewrite_shipment(world, shipment)
    await service.sync()
    [row] = service.shipment_journal.of_order(order_id)
    assert row.state is ShipState.FAILED and row.failure is ShipFailure.UNMATCHED
    assert "(no SKU) × 1" in row.cause
    assert world.sandbox.count("confirmShipment") == 0


async def test_a_getorder_answer_for_another_order_id_is_not_stored_as_that_order(world, hostile):
    """Amazon answers getOrder(X) with a document whose orderId is Y (another Unshipped order of
    the seller). Expected: the answer is refused as malformed (or ignored); Y's local copy stays
    Y's. Actual: the answer is stored as Y: after X is confirmed by hand, Y shows X's items and
    X's package and status Shipped, so Y (still Unshipped at Amazon) drops off the late-shipment
    watch."""
    service, transport = hostile("getorder-other-id")
    await service.sync()
    rows = service.orders(OrderQuery(stores=("Acme US",), statuses=(OrderStatus.UNSHIPPED,)), limit=500)
    mfn = [r.order_id for r in rows if r.fulfilled_by is not None and r.fulfilled_by.value == "MERCHANT"]
    x, y = mfn[0], mfn[1]
    transport.swap = (x, y)
    form = ShipmentForm(carrier="UPS", tracking_number="1ZSWAP", ship_date=datetime.now(UTC))
    with contextlib.suppress(Exception):  # refusing the odd answer is fine; what is stored is the test
        await service.ship_desk.ship(x, form)
    local_y = service.cached_order(y)
    amazon_y = world.sandbox.get_order_raw(y)
    assert local_y.status.value == amazon_y["fulfillment"]["fulfillmentStatus"], local_y.status
    assert {i.order_item_id for i in local_y.items} == {i["orderItemId"] for i in amazon_y["orderItems"]}


async def test_an_item_shipped_elsewhere_meanwhile_fails_the_row_with_amazons_words(world, hostile):
    """Held?: Magento ships A and B; the journaled package is not sent (connection refused);
    meanwhile another app confirms A on Amazon. At the next sync: no package claims A twice
    (Amazon refuses or the app does), the row is not ``confirmed``, and Attention says why."""
    service, transport = hostile("plain")
    await service.sync()
    order_id = linked_unshipped(service, items=2)
    order = service.cached_order(order_id)
    first = order.items[0]
    world.sandbox.magento_ship(order_id, carrier_code="ups", track_number="1ZBOTH")
    transport.refuse_confirm = True
    await service.sync()
    [row] = service.shipment_journal.of_order(order_id)
    assert row.state is ShipState.REQUESTED, row
    add_amazon_package(
        world,
        order_id,
        {
            "packageReferenceId": "77",
            "carrier": "USPS",
            "trackingNumber": "ELSEWHERE",
            "packageItems": [{"orderItemId": first.order_item_id, "quantity": first.quantity_unshipped}],
        },
        fulfil=True,
    )
    transport.refuse_confirm = False
    service.shipments.schedule = type(service.shipments.schedule)()  # no backoff left
    service.shipments.schedule.poll_interval = service.shipments.schedule.poll_max_interval = 0.0
    await service.sync()
    [row] = service.shipment_journal.of_order(order_id)
    assert row.state is ShipState.FAILED, row
    assert unfulfilled(world, order_id)[first.order_item_id] == 0
    assert sum(1 for p in packages(world, order_id)) == 1
    alarms = [i for i in service.attention() if i.order.order_id == order_id and i.kind == NOT_CONFIRMED]
    assert alarms and alarms[0].problem == row.cause


async def test_a_magento_shipment_met_by_a_passing_403_is_confirmed_later(world):
    """confirmShipment answers 403 Unauthorized for a while (3 requests: past the client's one
    token refresh; nothing was processed). Expected: the Magento shipment is confirmed at a
    later sync (as after a refused connection). Actual: the row is ``failed`` as Amazon's
    refusal and never sent again; the operator must retype Magento's carrier and tracking number by hand."""
    service = world.open_service()
    await service.sync()
    order_id = linked_unshipped(service)
    world.sandbox.magento_ship(order_id, carrier_code="ups", track_number="1Z403")
    world.sandbox.inject_fault("confirmShipment", "invalid_token", count=3)
    await service.sync()
    await service.sync()
    [row] = service.shipment_journal.of_order(order_id)
    assert row.state is ShipState.CONFIRMED, (row.state, row.failure, row.cause)


async def test_a_400_after_amazon_applied_the_package_is_confirmed_not_failed(world, hostile):
    """Held?: Amazon applies the package, then answers 400. The order decides: ``confirmed``,
    one package, nothing sent again."""
    service, _ = hostile("applied-400")
    await service.sync()
    order_id = linked_unshipped(service)
    world.sandbox.magento_ship(order_id, carrier_code="ups", track_number="1Z400")
    await service.sync()
    await service.sync()
    [row] = service.shipment_journal.of_order(order_id)
    assert row.state is ShipState.CONFIRMED and row.attempts == 1, (row.state, row.cause)
    assert world.sandbox.count("confirmShipment") == 1 and len(packages(world, order_id)) == 1
