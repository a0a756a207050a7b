"""The official example requests (shared/reference/spapi/examples/*.request.json and the
feeds examples' sandbox_request) are answered with payloads of the same shape: same key
structure, the sandbox's own values."""

from __future__ import annotations

import json

import pytest

from tests.support.sandbox_http import FEEDS, acknowledgement_feed, orders_of, submit_feed
from tests.support.schemas import REFERENCE, key_paths, needs_reference

EXAMPLES = REFERENCE / "examples"
pytestmark = needs_reference

# Example keys that belong to other marketplaces or programs than the seeded ones:
MARKETPLACE_SPECIFIC = {
    # Brazil-only address components (the model says so)
    "recipient.deliveryAddress.extendedFields",
    # Amazon Points exist in Japan only
    "orderItems[].expense",
    "orderItems[].expense.pointsCost",
    # grocery substitutions (Amazon Fresh)
    "orderItems[].fulfillment.picking",
    # empty-string address parts of the examples; the sandbox omits empty parts
    "recipient.deliveryAddress.addressLine3",
    "recipient.deliveryAddress.districtOrCounty",
    "recipient.deliveryAddress.municipality",
    "packages[].shipFromAddress.addressLine2",
    "packages[].shipFromAddress.addressLine3",
    "packages[].shipFromAddress.districtOrCounty",
    "packages[].shipFromAddress.municipality",
    # label printing windows exist for Easy Ship style programs only
    "fulfillment.labelPrintingWindow",
    # an empty list in the example
    "associatedOrders",
}


def example(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text())


def order_paths(order: dict) -> set[str]:
    return key_paths(order)


def missing_paths(example_orders: list[dict], our_orders: list[dict]) -> set[str]:
    wanted = set().union(*(order_paths(order) for order in example_orders))
    ours = set().union(*(order_paths(order) for order in our_orders))
    return {
        path
        for path in wanted - ours
        if not any(path == skip or path.startswith(skip + ".") for skip in MARKETPLACE_SPECIFIC)
    }


def covering(orders: list[dict], wanted: set[str]) -> list[dict]:
    """A few orders that together show as many of the wanted key paths as possible."""
    chosen, covered = [], set()
    for _ in range(10):
        best = max(orders, key=lambda order: len((key_paths(order) & wanted) - covered))
        gain = (key_paths(best) & wanted) - covered
        if not gain:
            break
        chosen.append(best)
        covered |= gain
    return chosen


def adapt(parameters: dict, store, now_iso: str) -> dict:
    """The example's parameters with values the sandbox knows (same names, same kinds)."""
    params = {}
    for name, spec in parameters.items():
        value = spec["value"]
        if name == "marketplaceIds":
            value = [store.marketplace_id]
        elif name in ("createdAfter", "lastUpdatedAfter") and value != "TEST_CASE_400":
            value = now_iso
        params[name] = ",".join(value) if isinstance(value, list) else value
    return params


@pytest.mark.parametrize("name", ["orders2026_searchOrders_200", "orders2026_searchOrders_200_with_packages"])
async def test_search_orders_examples(client, sandbox, name):
    from tests.support.sandbox_http import auth_headers

    request = example(f"{name}.request.json")["sandbox_request"]["parameters"]
    wanted = request["marketplaceIds"]["value"][0]  # a seeded marketplace, else Acme US
    store = next((s for s in sandbox.stores if s.marketplace_id == wanted), sandbox.stores[0])

    headers = await auth_headers(client, store)
    params = adapt(request, store, "2025-12-01T00:00:00Z")
    if "paginationToken" in params:  # a token must come from a previous page of the same query
        first = {key: value for key, value in params.items() if key != "paginationToken"}
        first_page = await client.get(
            "/orders/2026-01-01/orders", params=first | {"maxResultsPerPage": 10}, headers=headers
        )
        params["paginationToken"] = first_page.json()["pagination"]["nextToken"]
    response = await client.get("/orders/2026-01-01/orders", params=params, headers=headers)
    assert response.status_code == int(example(f"{name}.request.json")["status"])
    body = response.json()
    expected = example(f"{name}.json")
    top = {key for key in expected if key != "pagination"}
    assert top <= set(body)
    assert missing_paths(expected["orders"], body["orders"]) == set()


async def test_get_order_example(client, sandbox):
    from tests.support.sandbox_http import auth_headers

    request = example("orders2026_getOrder_200.request.json")["sandbox_request"]["parameters"]
    expected = example("orders2026_getOrder_200.json")
    status = expected["order"]["fulfillment"]["fulfillmentStatus"]
    sellers, candidates = {}, []
    for store in sandbox.stores:
        for order in orders_of(sandbox, store.seller_id, fulfillment_status=status, fulfilled_by="MERCHANT"):
            sellers[order["orderId"]] = store
            candidates.append(order)
    params = adapt({key: value for key, value in request.items() if key != "orderId"}, None, "")
    ours = []
    for order in covering(candidates, key_paths(expected["order"])):
        headers = await auth_headers(client, sellers[order["orderId"]])
        response = await client.get(
            f"/orders/2026-01-01/orders/{order['orderId']}", params=params, headers=headers
        )
        assert response.status_code == 200
        assert set(response.json()) == set(expected)
        ours.append(response.json()["order"])
    assert missing_paths([expected["order"]], ours) == set()


async def test_search_orders_400_example(client, us_headers):
    request = example("orders2026_searchOrders_400_error.request.json")["sandbox_request"]
    expected = example("orders2026_searchOrders_400_error.json")
    response = await client.get(
        "/orders/2026-01-01/orders", params=adapt(request["parameters"], None, ""), headers=us_headers
    )
    assert response.status_code == 400
    assert key_paths(response.json()) == key_paths(expected)
    assert response.json()["errors"][0]["code"] == expected["errors"][0]["code"]


async def test_feeds_examples(client, sandbox, us, us_headers, clock):
    # createFeedDocument
    spec = example("feeds2021_createFeedDocument_201.json")
    response = await client.post(
        f"{FEEDS}/documents", headers=us_headers, json=spec["sandbox_request"]["parameters"]["body"]["value"]
    )
    assert response.status_code == int(spec["status"])
    assert set(response.json()) == set(spec["response"])
    # createFeed: the example's body with our document id (its marketplaces include ours)
    spec = example("feeds2021_createFeed_202.json")
    body = dict(spec["sandbox_request"]["parameters"]["body"]["value"])
    body["inputFeedDocumentId"] = response.json()["feedDocumentId"]
    created = await client.post(f"{FEEDS}/feeds", headers=us_headers, json=body)
    assert created.status_code == int(spec["status"])
    assert set(created.json()) == set(spec["response"])
    # getFeed and getFeedDocument for a processed feed
    feed_id = await submit_feed(client, us_headers, us, acknowledgement_feed(us.seller_id, []))
    clock.advance(5)
    spec = example("feeds2021_getFeed_200.json")
    feed = await client.get(f"{FEEDS}/feeds/{feed_id}", headers=us_headers)
    assert feed.status_code == 200
    assert set(spec["response"]) <= set(feed.json())
    spec = example("feeds2021_getFeedDocument_200.json")
    document = await client.get(
        f"{FEEDS}/documents/{feed.json()['resultFeedDocumentId']}", headers=us_headers
    )
    assert set(spec["response"]) <= set(document.json())
    # the unsupported feed type of the createFeed example is accepted, then FATAL
    unsupported = await client.get(f"{FEEDS}/feeds/{created.json()['feedId']}", headers=us_headers)
    assert unsupported.json()["processingStatus"] == "FATAL"
    # getFeeds with an invalid status: 400 in the example's shape
    spec = example("feeds2021_getFeeds_400_error.json")
    params = {name: ",".join(value["value"]) for name, value in spec["sandbox_request"]["parameters"].items()}
    response = await client.get(f"{FEEDS}/feeds", params=params, headers=us_headers)
    assert response.status_code == 400
    assert key_paths(response.json()) == key_paths(spec["response"])
