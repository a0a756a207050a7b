"""Magento REST client over a mock transport: the official payload, request bodies, auth, paging."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal

import httpx
import pytest

from amazon_tui.clients.errors import AuthError, NotFoundError
from amazon_tui.clients.http import make_http_client
from amazon_tui.clients.magento.auth import BEARER_REFUSED
from amazon_tui.clients.magento.client import MagentoClient
from amazon_tui.clients.magento.criteria import Filter, SearchCriteria
from amazon_tui.clients.magento.models import amazon_order_id_from, link_from, link_index_fields
from amazon_tui.domain.models import MagentoAddress, MagentoLink
from tests.support.fake_amazon import FAST, reference

BASE = "https://shop.example.com"


def magento_json(name: str):
    return json.loads(reference("magento", name).read_text(encoding="utf-8"))


def magento_on(handler, **auth) -> tuple[MagentoClient, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    async def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = handler(request)
        return await answer if asyncio.iscoroutine(answer) else answer

    http = make_http_client(transport=httpx.MockTransport(record))
    return MagentoClient(http, base_url=BASE, retry=FAST, **(auth or {"token": "integration-SECRET"})), seen


async def test_get_order_maps_the_official_payload():
    payload = magento_json("example_GET_V1_orders_3_response.json")
    client, seen = magento_on(lambda request: httpx.Response(200, json=payload))

    order = await client.get_order(3)

    (request,) = seen
    assert (request.method, str(request.url)) == ("GET", f"{BASE}/rest/V1/orders/3")
    assert request.headers["authorization"] == "Bearer integration-SECRET"
    assert (order.entity_id, order.increment_id, order.status, order.state) == (
        3,
        "000000003",
        "pending",
        "new",
    )
    assert order.customer_name == "Jane Doe" and order.customer_email == "jdoe@example.com"
    assert order.currency == "USD"
    assert (order.payment_method, order.payment_title) == ("banktransfer", "Bank Transfer Payment")
    assert order.amazon_order_id is None  # a plain web order: no po_number
    assert order.store_name == "Main Website\nMain Website Store"
    assert order.shipping_description == "Best Way - Table Rate"
    assert order.shipping_method == "tablerate_bestway"
    assert (order.subtotal, order.shipping_amount, order.tax_amount, order.grand_total) == (160, 5, 0, 165)
    expected_address = MagentoAddress(
        name="Jane Doe",
        street=("123 Oak Ave",),
        city="Purchase",
        region="New York",
        postcode="10577",
        country_id="US",
        telephone="512-555-1111",
    )
    assert order.billing_address == expected_address and order.shipping_address == expected_address
    (item,) = order.items
    assert (item.item_id, item.sku, item.name) == (3, "WS12-M-Orange", "Radiant Tee-M-Orange")
    assert (item.qty_ordered, item.qty_shipped, item.price, item.row_total) == (1, 0, 22, 22)
    assert order.comments == ()


async def test_get_order_of_an_asc_order_reads_the_amazon_order_number():
    payload = magento_json("example_GET_V1_orders_3_response.json")
    payload["payment"] = {
        "method": "amazonpayment",
        "po_number": "111-1071022-7105009",
        "additional_information": [],
    }
    payload["status_histories"] = [
        {"comment": "Imported from Amazon", "created_at": "2017-08-21 22:22:19", "status": "processing"}
    ]
    payload["grand_total"] = Decimal("165.10")
    client, _ = magento_on(
        lambda request: httpx.Response(
            200, content=json.dumps(payload, default=str).replace('"165.10"', "165.10")
        )
    )

    order = await client.get_order(3)

    assert order.amazon_order_id == "111-1071022-7105009"
    assert order.payment_title == "Amazon Channel Payment"
    assert order.grand_total == Decimal("165.10")
    assert order.comments[0].comment == "Imported from Amazon"


async def test_refund_offline_sends_the_documented_body():
    expected = magento_json("example_POST_V1_order_id_refund_body.json")
    client, seen = magento_on(lambda request: httpx.Response(200, json=7))

    memo = await client.refund_offline(3, items={3: 1}, comment="Amazon order canceled (reason: NoInventory)")

    (request,) = seen
    assert (request.method, str(request.url)) == ("POST", f"{BASE}/rest/V1/order/3/refund")
    assert json.loads(request.content) == expected
    assert memo == 7


async def test_add_comment_sends_the_documented_body():
    expected = magento_json("example_POST_V1_orders_id_comments_body.json")
    client, seen = magento_on(lambda request: httpx.Response(200, json=True))

    await client.add_comment(3, expected["statusHistory"]["comment"], status="closed")

    (request,) = seen
    assert (request.method, str(request.url)) == ("POST", f"{BASE}/rest/V1/orders/3/comments")
    assert json.loads(request.content) == expected


async def test_refund_is_not_repeated_after_a_server_error():
    client, seen = magento_on(
        lambda request: httpx.Response(
            500, json={"message": "Internal Error. Details are available in Magento log file."}
        )
    )
    with pytest.raises(Exception, match="Magento refundOffline failed: 500 — Internal Error"):
        await client.refund_offline(3, comment="x")
    assert len(seen) == 1


def test_search_criteria_renders_bracketed_params():
    criteria = (
        SearchCriteria()
        .where("store_id", 1)
        .where("updated_at", "2026-01-01 00:00:00", "gteq")
        .where_any(Filter("status", ["pending", "processing"], "in"), Filter("increment_id", "1000%", "like"))
        .sort_by("updated_at")
        .page(50, 2)
    )
    assert criteria.to_params() == [
        ("searchCriteria[filter_groups][0][filters][0][field]", "store_id"),
        ("searchCriteria[filter_groups][0][filters][0][value]", "1"),
        ("searchCriteria[filter_groups][0][filters][0][condition_type]", "eq"),
        ("searchCriteria[filter_groups][1][filters][0][field]", "updated_at"),
        ("searchCriteria[filter_groups][1][filters][0][value]", "2026-01-01 00:00:00"),
        ("searchCriteria[filter_groups][1][filters][0][condition_type]", "gteq"),
        ("searchCriteria[filter_groups][2][filters][0][field]", "status"),
        ("searchCriteria[filter_groups][2][filters][0][value]", "pending,processing"),
        ("searchCriteria[filter_groups][2][filters][0][condition_type]", "in"),
        ("searchCriteria[filter_groups][2][filters][1][field]", "increment_id"),
        ("searchCriteria[filter_groups][2][filters][1][value]", "1000%"),
        ("searchCriteria[filter_groups][2][filters][1][condition_type]", "like"),
        ("searchCriteria[sortOrders][0][field]", "updated_at"),
        ("searchCriteria[sortOrders][0][direction]", "ASC"),
        ("searchCriteria[pageSize]", "50"),
        ("searchCriteria[currentPage]", "2"),
    ]
    with pytest.raises(ValueError):
        Filter("status", "x", "between")


async def test_iter_orders_pages_with_fields_and_stops_at_total_count():
    rows = [
        {"entity_id": n, "increment_id": f"{n:09d}", "payment": {"po_number": f"111-0000000-{n:07d}"}}
        for n in range(1, 6)
    ]

    def handler(request: httpx.Request) -> httpx.Response:
        size = int(request.url.params["searchCriteria[pageSize]"])
        page = int(request.url.params["searchCriteria[currentPage]"])
        chunk = rows[(page - 1) * size : page * size] or rows[-size:]  # Magento repeats the last page
        return httpx.Response(200, json={"items": chunk, "total_count": len(rows)})

    client, seen = magento_on(handler)
    fields = link_index_fields("payment.po_number")
    found = [
        row
        async for row in client.iter_orders(SearchCriteria().where("store_id", 1), fields=fields, page_size=2)
    ]

    assert [row["entity_id"] for row in found] == [1, 2, 3, 4, 5]
    assert len(seen) == 3
    assert (
        seen[0].url.params["fields"]
        == "items[entity_id,increment_id,status,store_id,updated_at,payment[po_number]],total_count"
    )
    assert link_from(found[0], "payment.po_number") == MagentoLink(
        order_id="111-0000000-0000001", entity_id=1, increment_id="000000001"
    )


async def test_admin_login_is_shared_and_repeated_once_on_401():
    logins = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal logins
        if request.url.path == "/rest/V1/integration/admin/token":
            logins += 1
            assert json.loads(request.content) == {"username": "admin", "password": "pw-SECRET"}
            return httpx.Response(200, json=f"admin-token-{logins}")
        if request.headers["authorization"] == "Bearer admin-token-1":
            return httpx.Response(
                401,
                json={
                    "message": "The consumer isn't authorized to access %resources.",
                    "parameters": {"resources": "Magento_Sales::sales"},
                },
            )
        return httpx.Response(200, json={"items": [], "total_count": 0})

    client, _ = magento_on(handler, username="admin", password="pw-SECRET")
    pages = await asyncio.gather(*(client.search_orders(SearchCriteria().page(10)) for _ in range(5)))
    assert all(page.total_count == 0 for page in pages)
    assert logins == 2


async def test_integration_token_refused_is_an_auth_error_with_substituted_message():
    client, seen = magento_on(
        lambda request: httpx.Response(
            401,
            json={
                "message": "The consumer isn't authorized to access %resources.",
                "parameters": {"resources": "Magento_Sales::sales"},
            },
        )
    )
    with pytest.raises(AuthError) as caught:
        await client.get_order(3)
    assert str(caught.value) == (
        "Magento getOrder failed: 401 — "
        f"The consumer isn't authorized to access Magento_Sales::sales. — {BEARER_REFUSED}"
    )
    assert "SECRET" not in str(caught.value) and len(seen) == 1


async def test_wrong_admin_password_is_an_auth_error():
    client, _ = magento_on(
        lambda request: httpx.Response(
            401,
            json={
                "message": (
                    "The account sign-in was incorrect or your account is disabled temporarily. "
                    "Please wait and try again later."
                )
            },
        ),
        username="admin",
        password="wrong-SECRET",
    )
    with pytest.raises(AuthError, match="Magento adminLogin failed: 401 — The account sign-in was incorrect"):
        await client.get_order(3)


async def test_missing_order_is_not_found_with_positional_parameters():
    client, _ = magento_on(
        lambda request: httpx.Response(
            404, json={"message": "No such entity with %1 = %2", "parameters": ["id", 99]}
        )
    )
    with pytest.raises(NotFoundError, match="No such entity with id = 99"):
        await client.get_order(99)


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("payment.po_number", "111-1071022-7105009"),
        ("increment_id", "111-1071022-7105009"),
        ("ext_order_id", None),
        ("payment.missing.deeper", None),
    ],
)
def test_amazon_order_id_from_the_configured_field(field, expected):
    payload = {
        "increment_id": "111-1071022-7105009",
        "ext_order_id": "",
        "payment": {"po_number": "111-1071022-7105009"},
    }
    assert amazon_order_id_from(payload, field) == expected
