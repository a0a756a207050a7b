"""Magento REST subset: auth, searchCriteria, fields, order view, refund, comments."""

from __future__ import annotations

import pytest

SEARCH = "/rest/V1/orders"


def criteria(*filter_groups, sort=(), page_size=None, page=None, fields=None) -> list:
    params = []
    for g, group in enumerate(filter_groups):
        for f, (field, value, condition) in enumerate(group):
            prefix = f"searchCriteria[filter_groups][{g}][filters][{f}]"
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
    if page is not None:
        params.append(("searchCriteria[currentPage]", str(page)))
    if fields:
        params.append(("fields", fields))
    return params or [("searchCriteria", "")]


async def test_bearer_auth(client, magento_headers):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic x"}):
        response = await client.get("/rest/V1/orders/1", headers=headers)
        assert response.status_code == 401
        assert response.json() == {
            "message": "The consumer isn't authorized to access %resources.",
            "parameters": {"resources": "Magento_Sales::sales"},
        }
    assert (await client.get("/rest/V1/orders/1", headers=magento_headers)).status_code == 200


async def test_admin_token_login_lasts_four_hours(client, clock):
    wrong = await client.post(
        "/rest/V1/integration/admin/token", json={"username": "admin", "password": "nope"}
    )
    assert wrong.status_code == 401
    response = await client.post(
        "/rest/V1/integration/admin/token", json={"username": "admin", "password": "sandbox-admin-1"}
    )
    assert response.status_code == 200 and isinstance(response.json(), str)
    headers = {"Authorization": f"Bearer {response.json()}"}
    assert (await client.get("/rest/V1/orders/1", headers=headers)).status_code == 200
    clock.advance(4 * 3600)
    assert (await client.get("/rest/V1/orders/1", headers=headers)).status_code == 401


async def test_search_filters_sort_page_and_fields(sandbox, client, magento_headers):
    everything = (await client.get(SEARCH, params=criteria(), headers=magento_headers)).json()
    total = everything["total_count"]
    assert total == len(everything["items"]) > 50
    us = await client.get(
        SEARCH,
        headers=magento_headers,
        params=criteria(
            [("store_id", "1", "eq")],
            sort=[("entity_id", "DESC")],
            page_size=5,
            page=2,
            fields="items[entity_id,increment_id,status,payment[po_number]],total_count",
        ),
    )
    body = us.json()
    assert set(body) == {"items", "total_count"}
    assert len(body["items"]) == 5
    assert all(
        set(item) == {"entity_id", "increment_id", "status", "payment"}
        and set(item["payment"]) == {"po_number"}
        for item in body["items"]
    )
    ids = [item["entity_id"] for item in body["items"]]
    assert ids == sorted(ids, reverse=True)
    store_one = [item for item in everything["items"] if item["store_id"] == 1]
    assert body["total_count"] == len(store_one)
    assert ids == sorted((item["entity_id"] for item in store_one), reverse=True)[5:10]
    # OR inside a group, AND across groups; in / gteq / like
    either = (
        await client.get(
            SEARCH,
            headers=magento_headers,
            params=criteria(
                [("status", "complete", "eq"), ("status", "closed", "eq")], [("store_id", "1,2", "in")]
            ),
        )
    ).json()
    assert either["total_count"] == sum(
        1
        for item in everything["items"]
        if item["status"] in ("complete", "closed") and item["store_id"] in (1, 2)
    )
    cutoff = sorted(item["updated_at"] for item in everything["items"])[len(everything["items"]) // 2]
    recent = (
        await client.get(SEARCH, headers=magento_headers, params=criteria([("updated_at", cutoff, "gteq")]))
    ).json()
    assert recent["total_count"] == sum(1 for item in everything["items"] if item["updated_at"] >= cutoff)
    liked = (
        await client.get(SEARCH, headers=magento_headers, params=criteria([("increment_id", "2%", "like")]))
    ).json()
    assert {item["store_id"] for item in liked["items"]} == {2}
    big = (
        await client.get(SEARCH, headers=magento_headers, params=criteria([("grand_total", "100", "gt")]))
    ).json()
    assert big["items"] and all(item["grand_total"] > 100 for item in big["items"])
    assert big["search_criteria"]["filter_groups"][0]["filters"][0] == {
        "field": "grand_total",
        "value": "100",
        "condition_type": "gt",
    }


@pytest.mark.parametrize(
    "params",
    [
        [],  # no searchCriteria at all
        criteria([("payment", "x", "eq")]),  # not a scalar column
        criteria([("no_such_field", "x", "eq")]),
        criteria([("status", "x", "regex")]),
        criteria(fields="items[entity_id"),
    ],
)
async def test_bad_searches_are_400(client, magento_headers, params):
    response = await client.get(SEARCH, params=params, headers=magento_headers)
    assert response.status_code == 400
    assert "message" in response.json()


async def test_get_order_and_404(sandbox, client, magento_headers):
    order = (await client.get("/rest/V1/orders/1", headers=magento_headers)).json()
    assert order["entity_id"] == 1 and order["payment"]["method"] == "amazonpayment"
    for missing in ("999999", "abc"):
        response = await client.get(f"/rest/V1/orders/{missing}", headers=magento_headers)
        assert response.status_code == 404
        assert "doesn't exist" in response.json()["message"]


def _processing_order(sandbox) -> dict:
    row = sandbox.db.query_one(
        "SELECT doc FROM magento_orders WHERE json_extract(doc, '$.status') = 'processing' LIMIT 1"
    )
    import json

    return json.loads(row["doc"])


async def test_offline_refund_closes_the_order(sandbox, client, magento_headers):
    order = _processing_order(sandbox)
    body = {
        "items": [{"order_item_id": item["item_id"], "qty": item["qty_ordered"]} for item in order["items"]],
        "notify": False,
        "appendComment": True,
        "comment": {"comment": "Amazon order canceled (reason: NoInventory)", "is_visible_on_front": 0},
    }
    response = await client.post(
        f"/rest/V1/order/{order['entity_id']}/refund", json=body, headers=magento_headers
    )
    assert response.status_code == 200 and isinstance(response.json(), int)
    after = (await client.get(f"/rest/V1/orders/{order['entity_id']}", headers=magento_headers)).json()
    assert (after["state"], after["status"]) == ("closed", "closed")
    assert after["total_refunded"] == order["grand_total"]
    assert after["status_histories"][0]["comment"] == body["comment"]["comment"]
    assert all(item["qty_refunded"] == item["qty_ordered"] for item in after["items"])
    again = await client.post(f"/rest/V1/order/{order['entity_id']}/refund", json={}, headers=magento_headers)
    assert again.status_code == 400


async def test_refund_without_items_refunds_everything(sandbox, client, magento_headers):
    order = _processing_order(sandbox)
    response = await client.post(
        f"/rest/V1/order/{order['entity_id']}/refund", json={}, headers=magento_headers
    )
    assert response.status_code == 200
    assert sandbox.db.magento_order(order["entity_id"])["status"] == "closed"


async def test_comment_is_added_and_can_set_status(sandbox, client, magento_headers):
    order = _processing_order(sandbox)
    body = {
        "statusHistory": {
            "comment": "Amazon order 111-1071022-7105009 canceled in Amazon"
            " Sales Channel. Reason: NoInventory",
            "is_customer_notified": 0,
            "is_visible_on_front": 0,
            "parent_id": order["entity_id"],
            "status": "closed",
        }
    }
    response = await client.post(
        f"/rest/V1/orders/{order['entity_id']}/comments", json=body, headers=magento_headers
    )
    assert response.status_code == 200 and response.json() is True
    after = sandbox.db.magento_order(order["entity_id"])
    assert after["status_histories"][0]["comment"] == body["statusHistory"]["comment"]
    assert after["status"] == "closed"
    assert sandbox.count("magentoComment", 200) == 1


async def test_sort_by_updated_at_pages_in_order_and_follows_changes(sandbox, client, magento_headers, clock):
    order = _processing_order(sandbox)
    clock.advance(3600)
    refunded = await client.post(
        f"/rest/V1/order/{order['entity_id']}/refund", json={}, headers=magento_headers
    )
    assert refunded.status_code == 200
    pages, page, total = [], 1, None
    while total is None or len(pages) < total:
        body = (
            await client.get(
                SEARCH,
                headers=magento_headers,
                params=criteria(
                    [("store_id", "1", "eq")],
                    sort=[("updated_at", "ASC")],
                    page_size=20,
                    page=page,
                    fields="items[entity_id,updated_at],total_count",
                ),
            )
        ).json()
        pages += [(item["updated_at"], item["entity_id"]) for item in body["items"]]
        total, page = body["total_count"], page + 1
    assert page > 3 and len(pages) == total and pages == sorted(pages)
    assert pages[-1][1] == order["entity_id"]  # updated last, by the refund
