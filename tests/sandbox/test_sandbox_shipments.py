"""Shipments: Magento's (GET /V1/shipments, /V1/shipment/{id}, shipping in Magento only) and
Amazon's Orders v0 confirmShipment, validated against the official model."""

from __future__ import annotations

import copy
import json
import shutil
import socket

import httpx
import pytest

from amazon_tui.sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, Sandbox
from amazon_tui.sandbox.admin_guard import CROSS_SITE_REFUSED
from amazon_tui.sandbox.clock import iso
from amazon_tui.sandbox.ratelimit import USAGE_PLANS
from amazon_tui.sandbox.serve import serving
from tests.support.notification_messages import ACCESS_KEY, SECRET_KEY
from tests.support.sandbox_http import ADMIN_HEADERS, BASE_URL, ORDERS, auth_headers, orders_of
from tests.support.schemas import needs_reference, validate

CONFIRM_PATH = "/orders/v0/orders/{orderId}/shipmentConfirmation"
GET_ORDER_PATH = "/orders/2026-01-01/orders/{orderId}"
SHIPMENTS = "/rest/V1/shipments"
NOTHING_TO_SHIP = "Failed to create package due to not finding a matching package or order already fulfilled."


def confirm_url(order_id: str) -> str:
    return f"/orders/v0/orders/{order_id}/shipmentConfirmation"


def open_order(sandbox, store, *, min_items: int = 1, status: str = "UNSHIPPED") -> dict:
    """A merchant-fulfilled order of `store` in `status`, imported in Magento, with enough items."""
    for doc in orders_of(sandbox, store.seller_id, fulfillment_status=status, fulfilled_by="MERCHANT"):
        unshipped = [item for item in doc["orderItems"] if item["fulfillment"]["quantityUnfulfilled"]]
        if len(unshipped) >= min_items and sandbox.magento_order_for(doc["orderId"]) is not None:
            return doc
    raise AssertionError(f"no {status} merchant order with {min_items} unshipped items")


def unshipped_lines(doc: dict) -> list[dict]:
    return [
        {"orderItemId": item["orderItemId"], "quantity": item["fulfillment"]["quantityUnfulfilled"]}
        for item in doc["orderItems"]
        if item["fulfillment"]["quantityUnfulfilled"]
    ]


def request_body(doc: dict, lines: list[dict] | None = None, **detail) -> dict:
    package = {
        "packageReferenceId": "1",
        "carrierCode": "UPS",
        "shippingMethod": "UPS Ground",
        "trackingNumber": "1Z999AA10123456784",
        "shipDate": "2026-03-02T10:00:00Z",
        "orderItems": unshipped_lines(doc) if lines is None else lines,
    }
    package.update(detail)
    return {"marketplaceId": doc["salesChannel"]["marketplaceId"], "packageDetail": package}


async def get_order(client, headers, order_id: str) -> dict:
    response = await client.get(
        f"{ORDERS}/{order_id}", params={"includedData": "PACKAGES,FULFILLMENT"}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


# confirmShipment: success --------------------------------------------------------------------


@needs_reference
async def test_a_ups_shipment_of_everything_ships_the_order(sandbox, client, us, us_headers, clock):
    doc = open_order(sandbox, us)
    clock.advance(60)
    response = await client.post(confirm_url(doc["orderId"]), json=request_body(doc), headers=us_headers)
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert response.headers["x-amzn-ratelimit-limit"] == "2"
    body = await get_order(client, us_headers, doc["orderId"])
    validate("orders", GET_ORDER_PATH, "GET", 200, body)
    order = body["order"]
    assert order["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    assert order["lastUpdatedTime"] == iso(clock())
    package = order["packages"][-1]
    assert {key: package[key] for key in ("packageReferenceId", "carrier", "trackingNumber")} == {
        "packageReferenceId": "1",
        "carrier": "UPS",
        "trackingNumber": "1Z999AA10123456784",
    }
    assert package["shipTime"] == "2026-03-02T10:00:00Z"
    assert package["shippingService"] == "UPS Ground"
    assert package["packageStatus"]["status"] == "SHIPPED"
    assert package["packageItems"] == unshipped_lines(doc)
    for before, after in zip(doc["orderItems"], order["orderItems"], strict=True):
        assert after["fulfillment"]["quantityFulfilled"] == before["quantityOrdered"]
        assert after["fulfillment"]["quantityUnfulfilled"] == 0
    assert sandbox.count("confirmShipment", 204) == 1


async def test_an_other_carrier_is_named_by_its_carrier_name(sandbox, client, us, us_headers):
    doc = open_order(sandbox, us)
    body = request_body(doc, carrierCode="Other", carrierName="Acme Couriers", trackingNumber="AC-1")
    del body["packageDetail"]["shippingMethod"]
    response = await client.post(confirm_url(doc["orderId"]), json=body, headers=us_headers)
    assert response.status_code == 204, response.text
    package = (await get_order(client, us_headers, doc["orderId"]))["order"]["packages"][-1]
    assert package["carrier"] == "Acme Couriers"
    assert package["trackingNumber"] == "AC-1"
    assert "shippingService" not in package


async def test_a_partial_shipment_then_the_rest(sandbox, client, us, us_headers):
    doc = open_order(sandbox, us, min_items=2)
    first, *rest = unshipped_lines(doc)
    response = await client.post(
        confirm_url(doc["orderId"]), json=request_body(doc, [first]), headers=us_headers
    )
    assert response.status_code == 204, response.text
    order = (await get_order(client, us_headers, doc["orderId"]))["order"]
    assert order["fulfillment"]["fulfillmentStatus"] == "PARTIALLY_SHIPPED"
    shipped = {item["orderItemId"]: item["fulfillment"] for item in order["orderItems"]}
    assert shipped[first["orderItemId"]]["quantityUnfulfilled"] == 0
    assert all(shipped[line["orderItemId"]]["quantityFulfilled"] == 0 for line in rest)

    again = await client.post(
        confirm_url(doc["orderId"]),
        json=request_body(doc, rest, packageReferenceId="2", carrierCode="USPS", trackingNumber="9400"),
        headers=us_headers,
    )
    assert again.status_code == 204, again.text
    order = (await get_order(client, us_headers, doc["orderId"]))["order"]
    assert order["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    assert [(p["packageReferenceId"], p["carrier"]) for p in order["packages"]] == [
        ("1", "UPS"),
        ("2", "USPS"),
    ]
    assert order["packages"][1]["packageItems"] == rest

    third = await client.post(
        confirm_url(doc["orderId"]),
        json=request_body(doc, [first], packageReferenceId="3"),
        headers=us_headers,
    )
    assert third.status_code == 400
    assert third.json()["errors"][0]["message"] == NOTHING_TO_SHIP


async def test_a_partial_quantity_of_one_item(sandbox, client, us, us_headers):
    doc = next(
        order
        for order in orders_of(sandbox, us.seller_id, fulfillment_status="UNSHIPPED", fulfilled_by="MERCHANT")
        if any(item["quantityOrdered"] >= 2 for item in order["orderItems"])
    )
    item = next(item for item in doc["orderItems"] if item["quantityOrdered"] >= 2)
    line = {"orderItemId": item["orderItemId"], "quantity": 1}
    response = await client.post(
        confirm_url(doc["orderId"]), json=request_body(doc, [line]), headers=us_headers
    )
    assert response.status_code == 204, response.text
    order = (await get_order(client, us_headers, doc["orderId"]))["order"]
    assert order["fulfillment"]["fulfillmentStatus"] == "PARTIALLY_SHIPPED"
    after = next(i for i in order["orderItems"] if i["orderItemId"] == item["orderItemId"])
    assert after["fulfillment"] == {
        **after["fulfillment"],
        "quantityFulfilled": 1,
        "quantityUnfulfilled": item["quantityOrdered"] - 1,
    }


# confirmShipment: refusals -------------------------------------------------------------------


def _parent(body: dict, path: str):
    """(the object holding the last step of a dotted path, that step); digits index lists."""
    *parents, last = path.split(".")
    target = body
    for name in parents:
        target = target[int(name)] if isinstance(target, list) else target[name]
    return target, last


def _without(path: str):
    def change(body: dict) -> None:
        target, last = _parent(body, path)
        del target[last]

    return change


def _set(path: str, value):
    def change(body: dict) -> None:
        target, last = _parent(body, path)
        target[last] = value

    return change


def _item(**fields):
    def change(body: dict) -> None:
        body["packageDetail"]["orderItems"][0].update(fields)

    return change


def _too_many(body: dict) -> None:
    body["packageDetail"]["orderItems"][0]["quantity"] += 1


def _twice(body: dict) -> None:
    body["packageDetail"]["orderItems"].append(dict(body["packageDetail"]["orderItems"][0]))


REFUSALS = [
    ("no marketplaceId", _without("marketplaceId"), "marketplaceId"),
    ("another marketplace", _set("marketplaceId", "A1F83G8C2ARO7P"), "marketplaceId"),
    ("no packageDetail", _without("packageDetail"), "packageDetail"),
    ("packageDetail not an object", _set("packageDetail", ["x"]), "packageDetail"),
    (
        "no packageReferenceId",
        _without("packageDetail.packageReferenceId"),
        "packageDetail.packageReferenceId",
    ),
    ("no carrierCode", _without("packageDetail.carrierCode"), "packageDetail.carrierCode"),
    ("no trackingNumber", _without("packageDetail.trackingNumber"), "packageDetail.trackingNumber"),
    ("no shipDate", _without("packageDetail.shipDate"), "packageDetail.shipDate"),
    ("no orderItems", _without("packageDetail.orderItems"), "packageDetail.orderItems"),
    ("Other without carrierName", _set("packageDetail.carrierCode", "Other"), "packageDetail.carrierName"),
    ("empty trackingNumber", _set("packageDetail.trackingNumber", " "), "packageDetail.trackingNumber"),
    ("numeric carrierCode", _set("packageDetail.carrierCode", 7), "packageDetail.carrierCode"),
    (
        "letters in packageReferenceId",
        _set("packageDetail.packageReferenceId", "PKG-1"),
        "packageReferenceId",
    ),
    ("zero packageReferenceId", _set("packageDetail.packageReferenceId", "0"), "packageReferenceId"),
    ("US shipDate", _set("packageDetail.shipDate", "02/21/2022"), "packageDetail.shipDate"),
    ("shipDate without a time", _set("packageDetail.shipDate", "2026-03-02"), "packageDetail.shipDate"),
    ("no items listed", _set("packageDetail.orderItems", []), "packageDetail.orderItems"),
    ("unknown orderItemId", _item(orderItemId="99999999999999"), "orderItemId"),
    ("no orderItemId", _without("packageDetail.orderItems.0.orderItemId"), "orderItemId"),
    ("no quantity", _without("packageDetail.orderItems.0.quantity"), "quantity"),
    ("zero quantity", _item(quantity=0), "quantity"),
    ("negative quantity", _item(quantity=-1), "quantity"),
    ("quantity as text", _item(quantity="1"), "quantity"),
    ("more than unshipped", _too_many, "quantity"),
    ("one item twice", _twice, "orderItemId"),
    ("unknown COD method", _set("codCollectionMethod", "Cash"), "codCollectionMethod"),
]


@needs_reference
@pytest.mark.parametrize("name, change, field", REFUSALS, ids=[case[0] for case in REFUSALS])
async def test_a_request_the_model_or_the_order_refuses_is_400_and_changes_nothing(
    sandbox, client, us, us_headers, name, change, field
):
    doc = open_order(sandbox, us)
    body = request_body(doc)
    change(body)
    before = sandbox.get_order_raw(doc["orderId"])
    response = await client.post(confirm_url(doc["orderId"]), json=body, headers=us_headers)
    assert response.status_code == 400, (name, response.text)
    validate("ordersV0", CONFIRM_PATH, "POST", 400, response.json())
    (error,) = response.json()["errors"]
    assert error["code"] == "InvalidInput"
    assert field in error["details"] or field in error["message"], error
    assert sandbox.get_order_raw(doc["orderId"]) == before


async def test_a_body_that_is_not_a_json_object_is_refused(sandbox, client, us, us_headers):
    doc = open_order(sandbox, us)
    for content in (b"not json", b"[]", b""):
        response = await client.post(
            confirm_url(doc["orderId"]),
            content=content,
            headers={**us_headers, "Content-Type": "application/json"},
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "InvalidInput"


async def test_a_package_reference_id_used_twice_on_an_order_is_refused(sandbox, client, us, us_headers):
    doc = open_order(sandbox, us, min_items=2)
    first, second, *_ = unshipped_lines(doc)
    url = confirm_url(doc["orderId"])
    ok = await client.post(url, json=request_body(doc, [first], packageReferenceId="7"), headers=us_headers)
    assert ok.status_code == 204
    before = sandbox.get_order_raw(doc["orderId"])
    again = await client.post(
        url, json=request_body(doc, [second], packageReferenceId="7"), headers=us_headers
    )
    assert again.status_code == 400
    error = again.json()["errors"][0]
    assert error["code"] == "InvalidInput"
    assert "packageReferenceId 7 is already used" in error["message"]
    assert sandbox.get_order_raw(doc["orderId"]) == before


@pytest.mark.parametrize(
    "status, fulfilled_by, words",
    [
        ("SHIPPED", "MERCHANT", "is Shipped"),
        ("CANCELLED", "MERCHANT", "is Canceled"),
        ("PENDING", "MERCHANT", "is Pending"),
        ("SHIPPED", "AMAZON", "is fulfilled by Amazon"),
    ],
)
async def test_an_order_that_is_not_open_to_ship_is_refused(
    sandbox, client, us, us_headers, status, fulfilled_by, words
):
    doc = orders_of(sandbox, us.seller_id, fulfillment_status=status, fulfilled_by=fulfilled_by)[0]
    lines = [{"orderItemId": item["orderItemId"], "quantity": 1} for item in doc["orderItems"][:1]]
    response = await client.post(
        confirm_url(doc["orderId"]), json=request_body(doc, lines), headers=us_headers
    )
    assert response.status_code == 400, response.text
    error = response.json()["errors"][0]
    assert (error["code"], error["message"]) == ("InvalidInput", NOTHING_TO_SHIP)
    assert error["details"] == f"PackageToUpdateNotFound: order {doc['orderId']} {words}."


@needs_reference
async def test_unknown_orders_and_other_sellers_orders_are_not_found(sandbox, client, us, uk, us_headers):
    doc = open_order(sandbox, uk)
    body = request_body(doc)
    theirs = await client.post(confirm_url(doc["orderId"]), json=body, headers=us_headers)
    assert theirs.status_code == 404
    validate("ordersV0", CONFIRM_PATH, "POST", 404, theirs.json())
    assert theirs.json()["errors"][0]["code"] == "NotFound"
    unknown = await client.post(confirm_url("111-0000000-0000000"), json=body, headers=us_headers)
    assert unknown.status_code == 404
    malformed = await client.post(confirm_url("not-an-order"), json=body, headers=us_headers)
    assert malformed.status_code == 400


async def test_confirm_shipment_needs_the_access_token(sandbox, client, us):
    doc = open_order(sandbox, us)
    for headers in ({}, {"x-amz-access-token": "Atza|forged"}):
        response = await client.post(confirm_url(doc["orderId"]), json=request_body(doc), headers=headers)
        assert response.status_code == 403
        assert response.json()["errors"][0]["code"] == "Unauthorized"
    assert sandbox.get_order_raw(doc["orderId"])["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"


@needs_reference
async def test_the_usage_plan_is_two_per_second_burst_ten(sandbox, client, us, us_headers, clock):
    plan = USAGE_PLANS["confirmShipment"]
    assert (plan.rate, plan.burst) == (2.0, 10)
    doc = open_order(sandbox, us)
    wrong = request_body(doc, [])  # refused by the handler: spends a token, changes nothing
    for _ in range(plan.burst):
        response = await client.post(confirm_url(doc["orderId"]), json=wrong, headers=us_headers)
        assert response.status_code == 400
        assert response.headers["x-amzn-ratelimit-limit"] == "2"
    throttled = await client.post(confirm_url(doc["orderId"]), json=request_body(doc), headers=us_headers)
    assert throttled.status_code == 429
    validate("ordersV0", CONFIRM_PATH, "POST", 429, throttled.json())
    assert throttled.json()["errors"][0]["code"] == "QuotaExceeded"
    assert sandbox.get_order_raw(doc["orderId"])["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
    clock.advance(0.5)  # one token at 2 per second
    response = await client.post(confirm_url(doc["orderId"]), json=request_body(doc), headers=us_headers)
    assert response.status_code == 204


# confirmShipment: faults ---------------------------------------------------------------------


async def test_a_server_error_fault_changes_nothing(sandbox, client, us, us_headers):
    doc = open_order(sandbox, us)
    sandbox.inject_fault("confirmShipment", "500", count=1)
    response = await client.post(confirm_url(doc["orderId"]), json=request_body(doc), headers=us_headers)
    assert response.status_code == 500
    assert sandbox.get_order_raw(doc["orderId"])["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"


@pytest.mark.parametrize("status, code", [(None, "InternalFailure"), (503, "ServiceUnavailable")])
async def test_an_applied_error_confirms_then_answers_a_server_error(
    sandbox, client, us, us_headers, status, code
):
    doc = open_order(sandbox, us)
    sandbox.inject_fault("confirmShipment", "applied_error", count=1, status=status)
    response = await client.post(confirm_url(doc["orderId"]), json=request_body(doc), headers=us_headers)
    assert response.status_code == (status or 500)
    assert response.json()["errors"][0]["code"] == code
    order = sandbox.get_order_raw(doc["orderId"])
    assert order["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    assert order["packages"][-1]["packageReferenceId"] == "1"
    # sending the same confirmation again is refused: the package is there
    again = await client.post(confirm_url(doc["orderId"]), json=request_body(doc), headers=us_headers)
    assert again.status_code == 400
    assert again.json()["errors"][0]["message"] == NOTHING_TO_SHIP


async def test_an_applied_error_is_not_applied_when_the_request_is_refused(sandbox, client, us, us_headers):
    doc = open_order(sandbox, us)
    sandbox.inject_fault("confirmShipment", "applied_error", count=1)
    response = await client.post(confirm_url(doc["orderId"]), json=request_body(doc, []), headers=us_headers)
    assert response.status_code == 400  # Amazon's refusal stands: nothing was done


def test_an_applied_error_takes_a_server_status_only(sandbox):
    with pytest.raises(ValueError):
        sandbox.inject_fault("confirmShipment", "applied_error", status=400)
    with pytest.raises(ValueError):
        sandbox.inject_fault("confirmShipment", "500", status=503)


async def test_a_late_answer_confirms_then_answers_late(sandbox, client, us, us_headers):
    doc = open_order(sandbox, us)
    sandbox.inject_fault("confirmShipment", "late_answer", count=1, latency=0.05)
    response = await client.post(confirm_url(doc["orderId"]), json=request_body(doc), headers=us_headers)
    assert response.status_code == 204
    assert sandbox.get_order_raw(doc["orderId"])["fulfillment"]["fulfillmentStatus"] == "SHIPPED"


# Magento shipments ---------------------------------------------------------------------------


def criteria(*filters, sort=(), page_size=None) -> list:
    """One filter group per (field, value, condition)."""
    params = []
    for g, (field, value, condition) in enumerate(filters):
        prefix = f"searchCriteria[filter_groups][{g}][filters][0]"
        params += [
            (f"{prefix}[field]", field),
            (f"{prefix}[value]", value),
            (f"{prefix}[condition_type]", condition),
        ]
    for s, (field, direction) in enumerate(sort):
        params += [
            (f"searchCriteria[sortOrders][{s}][field]", field),
            (f"searchCriteria[sortOrders][{s}][direction]", direction),
        ]
    if page_size is not None:
        params.append(("searchCriteria[pageSize]", str(page_size)))
    return params or [("searchCriteria", "")]


async def test_shipping_in_magento_makes_a_shipment_and_leaves_amazon_alone(
    sandbox, client, us, magento_headers, clock
):
    doc = open_order(sandbox, us)
    magento = sandbox.magento_order_for(doc["orderId"])
    before = sandbox.get_order_raw(doc["orderId"])
    shipment = sandbox.magento_ship(doc["orderId"], carrier_code="ups", track_number="1Z999AA10123456784")
    assert sandbox.get_order_raw(doc["orderId"]) == before  # nobody told Amazon

    response = await client.get(f"/rest/V1/shipment/{shipment['entity_id']}", headers=magento_headers)
    assert response.status_code == 200
    got = response.json()
    assert got == shipment
    assert got["order_id"] == magento["entity_id"]
    assert got["store_id"] == magento["store_id"]
    assert got["created_at"] == got["updated_at"] == clock().strftime("%Y-%m-%d %H:%M:%S")
    assert got["increment_id"].isdigit() and got["comments"] == []
    (track,) = got["tracks"]
    assert {
        key: track[key] for key in ("carrier_code", "title", "track_number", "parent_id", "order_id")
    } == {
        "carrier_code": "ups",
        "title": "United Parcel Service",
        "track_number": "1Z999AA10123456784",
        "parent_id": got["entity_id"],
        "order_id": magento["entity_id"],
    }
    expected_items = [
        (item["item_id"], item["sku"], item["qty_ordered"] - item["qty_shipped"])
        for item in magento["items"]
        if item["qty_ordered"] > item["qty_shipped"]
    ]
    assert [(i["order_item_id"], i["sku"], i["qty"]) for i in got["items"]] == expected_items
    assert all(i["parent_id"] == got["entity_id"] for i in got["items"])
    assert got["total_qty"] == sum(qty for *_, qty in expected_items)

    order = (await client.get(f"/rest/V1/orders/{magento['entity_id']}", headers=magento_headers)).json()
    assert (order["state"], order["status"]) == ("complete", "complete")
    assert all(item["qty_shipped"] == item["qty_ordered"] for item in order["items"])
    assigned = order["extension_attributes"]["shipping_assignments"][0]
    assert all(item["qty_shipped"] == item["qty_ordered"] for item in assigned["items"])
    assert assigned["shipping"]["method"] and order["shipping_description"]


async def test_a_partial_magento_shipment_keeps_the_order_processing(sandbox, client, us, magento_headers):
    doc = open_order(sandbox, us, min_items=2)
    magento = sandbox.magento_order_for(doc["orderId"])
    sku = magento["items"][0]["sku"]
    shipment = sandbox.magento_ship(
        doc["orderId"], carrier_code="custom", title="Acme Couriers", track_number="AC-9", items={sku: 1}
    )
    assert [(i["sku"], i["qty"]) for i in shipment["items"]] == [(sku, 1)]
    assert shipment["tracks"][0]["carrier_code"] == "custom"
    assert shipment["tracks"][0]["title"] == "Acme Couriers"
    order = sandbox.magento_order_for(doc["orderId"])
    assert order["state"] == "processing"
    assert order["items"][0]["qty_shipped"] == magento["items"][0]["qty_shipped"] + 1
    rest = sandbox.magento_ship(doc["orderId"], carrier_code="fedex", track_number="7777")
    first = magento["items"][0]
    left_of_first = first["qty_ordered"] - first["qty_shipped"] - 1
    assert {i["sku"]: i["qty"] for i in rest["items"]}.get(sku, 0) == left_of_first
    assert sandbox.magento_order_for(doc["orderId"])["state"] == "complete"
    assert [s["entity_id"] for s in sandbox.magento_shipments_for(doc["orderId"])] == [
        shipment["entity_id"],
        rest["entity_id"],
    ]


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"carrier_code": "custom", "track_number": "X"}, "title"),
        ({"carrier_code": "ups", "track_number": ""}, "track_number"),
        ({"carrier_code": "", "track_number": "X"}, "carrier_code"),
        ({"carrier_code": "ups", "track_number": "X", "items": {"NO-SUCH-SKU": 1}}, "NO-SUCH-SKU"),
    ],
)
def test_magento_refuses_a_shipment_it_cannot_make(sandbox, us, kwargs, words):
    doc = open_order(sandbox, us)
    with pytest.raises(ValueError, match=words):
        sandbox.magento_ship(doc["orderId"], **kwargs)
    assert sandbox.magento_shipments_for(doc["orderId"]) == []


def test_magento_refuses_to_ship_more_than_is_left(sandbox, us):
    doc = open_order(sandbox, us)
    sandbox.magento_ship(doc["orderId"], carrier_code="ups", track_number="1Z1")
    with pytest.raises(ValueError, match="does not allow a shipment"):
        sandbox.magento_ship(doc["orderId"], carrier_code="ups", track_number="1Z2")
    shipped = orders_of(sandbox, us.seller_id, fulfillment_status="SHIPPED", fulfilled_by="MERCHANT")
    done = next(order for order in shipped if sandbox.magento_order_for(order["orderId"]))
    with pytest.raises(ValueError, match="does not allow a shipment"):
        sandbox.magento_ship(done["orderId"], carrier_code="ups", track_number="1Z3")
    with pytest.raises(KeyError):
        sandbox.magento_ship("111-0000000-0000000", carrier_code="ups", track_number="1Z4")


async def test_shipments_search_by_update_time_and_order(sandbox, client, us, magento_headers, clock):
    first_order, second_order = [
        doc
        for doc in orders_of(sandbox, us.seller_id, fulfillment_status="UNSHIPPED", fulfilled_by="MERCHANT")
        if sandbox.magento_order_for(doc["orderId"])
    ][:2]
    first = sandbox.magento_ship(first_order["orderId"], carrier_code="ups", track_number="1Z1")
    clock.advance(600)
    since = clock().strftime("%Y-%m-%d %H:%M:%S")
    second = sandbox.magento_ship(second_order["orderId"], carrier_code="usps", track_number="9400")

    async def search(*filters, **options) -> dict:
        response = await client.get(SHIPMENTS, params=criteria(*filters, **options), headers=magento_headers)
        assert response.status_code == 200, response.text
        return response.json()

    everything = await search()
    assert [s["entity_id"] for s in everything["items"]] == [first["entity_id"], second["entity_id"]]
    assert everything["total_count"] == 2
    assert everything["search_criteria"] == {"filter_groups": []}
    assert [s["entity_id"] for s in (await search(("updated_at", since, "gteq")))["items"]] == [
        second["entity_id"]
    ]
    iso_since = since.replace(" ", "T")
    assert (await search(("updated_at", iso_since, "gt")))["total_count"] == 0
    by_order = await search(("order_id", str(first["order_id"]), "eq"))
    assert by_order["items"] == [first]
    both = await search(("order_id", f"{first['order_id']},{second['order_id']}", "in"))
    assert both["total_count"] == 2
    by_id = await search(("entity_id", str(second["entity_id"]), "eq"))
    assert by_id["items"] == [second]
    newest = await search(sort=[("updated_at", "DESC")], page_size=1)
    assert [s["entity_id"] for s in newest["items"]] == [second["entity_id"]]
    assert newest["total_count"] == 2
    assert newest["search_criteria"]["page_size"] == 1
    fields = await client.get(
        SHIPMENTS,
        params=[
            *criteria(("order_id", str(first["order_id"]), "eq")),
            ("fields", "items[entity_id,tracks[track_number]],total_count"),
        ],
        headers=magento_headers,
    )
    assert fields.json() == {
        "items": [{"entity_id": first["entity_id"], "tracks": [{"track_number": "1Z1"}]}],
        "total_count": 1,
    }


async def test_shipments_need_magento_credentials_and_searchcriteria(client, magento_headers):
    assert (await client.get(SHIPMENTS, params=criteria())).status_code == 401
    assert (await client.get("/rest/V1/shipment/1")).status_code == 401
    missing = await client.get(SHIPMENTS, headers=magento_headers)
    assert missing.status_code == 400
    absent = await client.get("/rest/V1/shipment/999999", headers=magento_headers)
    assert absent.status_code == 404
    assert absent.json() == {
        "message": "The entity that was requested doesn't exist. Verify the entity and try again."
    }
    empty = await client.get(SHIPMENTS, params=criteria(), headers=magento_headers)
    assert empty.json()["items"] == [] and empty.json()["total_count"] == 0


# the admin route ------------------------------------------------------------------------------


async def test_the_magento_ship_admin_route(sandbox, client, us, magento_headers):
    doc = open_order(sandbox, us, min_items=2)
    sku = sandbox.magento_order_for(doc["orderId"])["items"][0]["sku"]
    url = f"/_sandbox/orders/{doc['orderId']}/magento-ship"
    response = await client.post(
        url, json={"carrier_code": "dhl", "track_number": "JD0001", "items": {sku: 1}}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"shipment_id", "increment_id", "order_id"}
    shipment = (await client.get(f"/rest/V1/shipment/{body['shipment_id']}", headers=magento_headers)).json()
    assert shipment["tracks"][0]["title"] == "DHL"
    assert shipment["order_id"] == body["order_id"]
    assert sandbox.get_order_raw(doc["orderId"])["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"

    unknown = await client.post("/_sandbox/orders/111-0000000-0000000/magento-ship", json={})
    assert unknown.status_code == 404
    refused = await client.post(url, json={"carrier_code": "custom", "track_number": "X"})
    assert refused.status_code == 400 and "title" in refused.json()["error"]
    wrong_items = await client.post(url, json={"carrier_code": "ups", "track_number": "X", "items": ["a"]})
    assert wrong_items.status_code == 400


@pytest.mark.parametrize(
    "headers",
    [{"Content-Type": "text/plain"}, {**ADMIN_HEADERS, "Origin": "https://evil.example"}, {}],
)
async def test_the_magento_ship_admin_route_refuses_what_a_browser_could_send(sandbox, client, us, headers):
    doc = open_order(sandbox, us)
    response = await client.post(
        f"/_sandbox/orders/{doc['orderId']}/magento-ship",
        content=b'{"carrier_code": "ups", "track_number": "1Z"}',
        headers=headers,
    )
    assert (response.status_code, response.json()) == (403, {"error": CROSS_SITE_REFUSED})
    assert sandbox.magento_shipments_for(doc["orderId"]) == []


async def test_a_reset_removes_the_shipments(sandbox, us):
    doc = open_order(sandbox, us)
    sandbox.magento_ship(doc["orderId"], carrier_code="ups", track_number="1Z")
    sandbox.reset()
    assert sandbox.db.query_one("SELECT COUNT(*) AS n FROM magento_shipments")["n"] == 0


async def test_a_magento_shipment_confirmed_on_amazon(sandbox, client, us, us_headers, magento_headers):
    """The whole story the client drives: ship in Magento, read the shipment, confirm it on Amazon."""
    doc = open_order(sandbox, us)
    sandbox.magento_ship(doc["orderId"], carrier_code="ups", track_number="1ZABC")
    magento = sandbox.magento_order_for(doc["orderId"])
    (shipment,) = (
        await client.get(
            SHIPMENTS, params=criteria(("order_id", str(magento["entity_id"]), "eq")), headers=magento_headers
        )
    ).json()["items"]
    by_sku = {item["product"]["sellerSku"]: item["orderItemId"] for item in doc["orderItems"]}
    lines = [{"orderItemId": by_sku[item["sku"]], "quantity": item["qty"]} for item in shipment["items"]]
    body = request_body(
        doc,
        lines,
        packageReferenceId=str(shipment["entity_id"]),
        trackingNumber=shipment["tracks"][0]["track_number"],
        shippingMethod=magento["shipping_description"],
    )
    response = await client.post(confirm_url(doc["orderId"]), json=body, headers=us_headers)
    assert response.status_code == 204, response.text
    order = (await get_order(client, us_headers, doc["orderId"]))["order"]
    assert order["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    assert order["packages"][-1]["packageReferenceId"] == str(shipment["entity_id"])
    assert order["packages"][-1]["trackingNumber"] == "1ZABC"


# notifications --------------------------------------------------------------------------------


@pytest.fixture
def sqs_queue(monkeypatch, tmp_path):
    """(moto's endpoint, a new queue's URL, a boto3 client); AWS credentials from the environment."""
    import boto3  # heavy: only for this test
    from moto.server import ThreadedMotoServer

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    sqs = boto3.client("sqs", region_name="us-east-1", endpoint_url=endpoint)
    url = sqs.create_queue(QueueName="confirmations")["QueueUrl"]
    yield endpoint, url, sqs
    server.stop()


async def test_a_confirmed_shipment_sends_an_order_change(tmp_path, seeded_db, clock, sqs_queue):
    endpoint, queue_url, sqs = sqs_queue
    path = tmp_path / "notifying.db"
    shutil.copyfile(seeded_db, path)
    sandbox = Sandbox(path, orders_per_store=80, clock=clock, sqs_endpoint=endpoint)
    try:
        us = sandbox.stores[0]
        transport = httpx.ASGITransport(app=sandbox.app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            grant = await client.post(
                "/auth/o2/token",
                data={
                    "grant_type": "client_credentials",
                    "scope": "sellingpartnerapi::notifications",
                    "client_id": SANDBOX_CLIENT_ID,
                    "client_secret": SANDBOX_CLIENT_SECRET,
                },
            )
            application = {"x-amz-access-token": grant.json()["access_token"]}
            destination = await client.post(
                "/notifications/v1/destinations",
                json={
                    "name": "confirmations",
                    "resourceSpecification": {
                        "sqs": {"arn": "arn:aws:sqs:us-east-1:123456789012:confirmations"}
                    },
                },
                headers=application,
            )
            assert destination.status_code == 200, destination.text
            seller = await auth_headers(client, us)
            subscribed = await client.post(
                "/notifications/v1/subscriptions/ORDER_CHANGE",
                json={
                    "payloadVersion": "1.0",
                    "destinationId": destination.json()["payload"]["destinationId"],
                },
                headers=seller,
            )
            assert subscribed.status_code == 200, subscribed.text
            doc = open_order(sandbox, us)
            response = await client.post(confirm_url(doc["orderId"]), json=request_body(doc), headers=seller)
            assert response.status_code == 204
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
        (change,) = [json.loads(message["Body"]) for message in messages]
        notification = change["Payload"]["OrderChangeNotification"]
        assert notification["AmazonOrderId"] == doc["orderId"]
        assert notification["Summary"]["OrderStatus"] == "Shipped"
        assert [item["QuantityShipped"] for item in notification["Summary"]["OrderItems"]] == [
            item["quantityOrdered"] for item in doc["orderItems"]
        ]
    finally:
        sandbox.close()


@pytest.mark.parametrize("kind", ["malformed_json", "schema_invalid"])
async def test_a_body_fault_on_confirm_shipment_is_an_unexpected_200_over_a_socket(sandbox, us, kind):
    doc = open_order(sandbox, us)
    sandbox.inject_fault("confirmShipment", kind, count=1)
    with serving(sandbox) as served:
        async with httpx.AsyncClient(base_url=served.base_url) as client:
            headers = await auth_headers(client, us)
            response = await client.post(confirm_url(doc["orderId"]), json=request_body(doc), headers=headers)
    assert response.status_code == 200 and response.content  # where Amazon answers 204, no body
    assert sandbox.get_order_raw(doc["orderId"])["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"


async def test_a_late_answer_over_a_socket_times_the_client_out_with_the_package_made(sandbox, us):
    doc = open_order(sandbox, us)
    with serving(sandbox) as served:
        async with httpx.AsyncClient(base_url=served.base_url) as client:
            added = await client.post(
                "/_sandbox/faults",
                json={"operation": "confirmShipment", "kind": "late_answer", "count": 1, "latency": 30},
            )
            headers = await auth_headers(client, us)
            with pytest.raises(httpx.ReadTimeout):
                await client.post(
                    confirm_url(doc["orderId"]), json=request_body(doc), headers=headers, timeout=0.5
                )
            sandbox.release_hanging_requests()
    assert added.status_code == 201
    order = sandbox.get_order_raw(doc["orderId"])
    assert order["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    assert [package["packageReferenceId"] for package in order["packages"]] == ["1"]


async def test_an_applied_error_through_the_admin_route(sandbox, client, us, us_headers):
    added = await client.post(
        "/_sandbox/faults", json={"operation": "confirmShipment", "kind": "applied_error", "status": 503}
    )
    assert added.status_code == 201
    assert added.json() == {
        "operation": "confirmShipment",
        "kind": "applied_error",
        "count": None,
        "latency": 0.0,
        "status": 503,
    }
    doc = open_order(sandbox, us)
    response = await client.post(confirm_url(doc["orderId"]), json=request_body(doc), headers=us_headers)
    assert response.status_code == 503
    assert sandbox.get_order_raw(doc["orderId"])["fulfillment"]["fulfillmentStatus"] == "SHIPPED"


@needs_reference
async def test_the_models_own_example_confirms(sandbox, client, us, us_headers):
    """The request of ordersV0.json's 204 example, on one of our orders and its first item."""
    from tests.support.schemas import model

    operation = model("ordersV0")["paths"][CONFIRM_PATH]["post"]
    (example,) = operation["responses"]["204"]["x-amzn-api-sandbox"]["static"]
    body = copy.deepcopy(example["request"]["parameters"]["body"]["value"])
    doc = open_order(sandbox, us)
    (line,) = body["packageDetail"]["orderItems"]
    line["orderItemId"] = doc["orderItems"][0]["orderItemId"]
    response = await client.post(confirm_url(doc["orderId"]), json=body, headers=us_headers)
    assert response.status_code == 204, response.text
    package = sandbox.get_order_raw(doc["orderId"])["packages"][-1]
    assert package["carrier"] == "FedEx" and package["shippingService"] == "FedEx Ground"
    assert package["shipTime"] == "2022-02-11T01:00:00Z"
    assert package["packageItems"] == [
        {"orderItemId": line["orderItemId"], "quantity": 1, "transparencyCodes": ["09876543211234567890"]}
    ]


@needs_reference
async def test_the_models_own_bad_example_is_refused(sandbox, client, us, us_headers):
    from tests.support.schemas import model

    operation = model("ordersV0")["paths"][CONFIRM_PATH]["post"]
    (example,) = operation["responses"]["400"]["x-amzn-api-sandbox"]["static"]
    body = copy.deepcopy(example["request"]["parameters"]["body"]["value"])
    doc = open_order(sandbox, us)
    body["packageDetail"]["orderItems"][0]["orderItemId"] = doc["orderItems"][0]["orderItemId"]
    response = await client.post(confirm_url(doc["orderId"]), json=body, headers=us_headers)
    assert response.status_code == 400
    assert response.json()["errors"][0]["details"] == "packageDetail.shipDate"
