"""The seeded world: deterministic, every status, realistic details, Magento imports."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from amazon_tui.sandbox import ControllableClock, Sandbox
from tests.support.sandbox_http import orders_of

MAGENTO_REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "magento"

ALL_STATUSES = {
    "PENDING_AVAILABILITY",
    "PENDING",
    "UNSHIPPED",
    "PARTIALLY_SHIPPED",
    "SHIPPED",
    "CANCELLED",
    "UNFULFILLABLE",
}


def test_stores(sandbox):
    stores = {store.name: store for store in sandbox.stores}
    assert {"Acme US", "Acme UK", "Acme DE"} <= set(stores)
    assert (stores["Acme US"].marketplace_id, stores["Acme US"].currency) == ("ATVPDKIKX0DER", "USD")
    assert (stores["Acme UK"].marketplace_id, stores["Acme UK"].currency) == ("A1F83G8C2ARO7P", "GBP")
    assert (stores["Acme DE"].marketplace_id, stores["Acme DE"].active) == ("A1PA6795UKMFR9", False)
    assert len({store.seller_id for store in sandbox.stores}) == len(sandbox.stores)
    assert len({store.magento_store_id for store in sandbox.stores}) == len(sandbox.stores)
    assert stores["Acme US"].magento_website == "Main Website"


def test_same_seed_same_orders_other_seed_other_orders(tmp_path, clock):
    def snapshot(name, seed):
        sandbox = Sandbox(tmp_path / name, seed=seed, orders_per_store=30, clock=clock)
        rows = [
            (row["order_id"], row["doc"])
            for row in sandbox.db.query("SELECT order_id, doc FROM amazon_orders ORDER BY order_id")
        ]
        magento = [
            row["doc"] for row in sandbox.db.query("SELECT doc FROM magento_orders ORDER BY entity_id")
        ]
        sandbox.close()
        return rows, magento

    assert snapshot("a.db", 7) == snapshot("b.db", 7)
    assert snapshot("c.db", 8)[0] != snapshot("d.db", 7)[0]


def test_reset_reseeds(sandbox):
    before = orders_of(sandbox, sandbox.stores[0].seller_id)
    sandbox.reset(seed=99, orders_per_store=20)
    after = orders_of(sandbox, sandbox.stores[0].seller_id)
    assert len(after) == 20 and after != before
    assert sandbox.seeded_with["seed"] == 99


def test_every_status_mfn_and_afn_in_every_active_store(tmp_path, clock):
    sandbox = Sandbox(tmp_path / "full.db", clock=clock)  # the default 320 per store
    for store in sandbox.stores:
        orders = orders_of(sandbox, store.seller_id)
        statuses = Counter(order["fulfillment"]["fulfillmentStatus"] for order in orders)
        channels = Counter(order["fulfillment"]["fulfilledBy"] for order in orders)
        if not store.active:
            assert 0 < len(orders) < 320 and set(statuses) <= {"SHIPPED", "CANCELLED"}
            continue
        assert len(orders) == 320
        assert set(statuses) == ALL_STATUSES
        assert statuses["SHIPPED"] > statuses["UNSHIPPED"] > statuses["UNFULFILLABLE"]
        assert channels["MERCHANT"] > channels["AMAZON"] > 30
        created = [datetime.fromisoformat(order["createdTime"]) for order in orders]
        assert min(created) >= clock() - timedelta(days=60) and max(created) <= clock()
    sandbox.close()


def test_order_details_are_realistic(sandbox):
    orders = [order for store in sandbox.stores for order in orders_of(sandbox, store.seller_id)]
    text = json.dumps(orders, ensure_ascii=False)
    assert all(name in text for name in ("Zoë Brontë", "José Müller"))
    assert any(ord(ch) > 0x3000 for ch in text)  # CJK names or titles
    counts = Counter(len(order["orderItems"]) for order in orders)
    assert set(counts) <= {1, 2, 3, 4, 5} and counts[1] > counts[3] > 0
    programs = Counter(program for order in orders for program in order.get("programs", ()))
    assert programs["PRIME"] and programs["PREMIUM"] and programs["AMAZON_BUSINESS"]
    for order in orders:
        fulfillment = order["fulfillment"]
        assert fulfillment["shipByWindow"]["latestDateTime"]
        assert fulfillment["deliverByWindow"]["latestDateTime"]
        if fulfillment["fulfilledBy"] == "AMAZON":  # Amazon gives no buyer data for FBA
            assert "buyer" not in order and "recipient" not in order and "packages" not in order
        else:
            assert order["buyer"]["buyerName"] and order["recipient"]["deliveryAddress"]["city"]
        if fulfillment["fulfilledBy"] == "MERCHANT" and fulfillment["fulfillmentStatus"] in (
            "SHIPPED",
            "PARTIALLY_SHIPPED",
        ):
            assert order["packages"]
            for package in order["packages"]:
                assert package["carrier"] and package["trackingNumber"] and package["shipTime"]
        if fulfillment["fulfillmentStatus"] == "UNFULFILLABLE":
            assert fulfillment["fulfilledBy"] == "AMAZON"
    carriers = {p["carrier"] for o in orders for p in o.get("packages", ())}
    assert {"UPS", "USPS", "FedEx", "Royal Mail", "DHL"} <= carriers


def test_attention_cases_for_issue_10(sandbox, clock):
    now = clock()
    late = due_soon = requests = 0
    for store in sandbox.stores:
        for order in orders_of(
            sandbox, store.seller_id, fulfillment_status="UNSHIPPED", fulfilled_by="MERCHANT"
        ):
            latest = datetime.fromisoformat(order["fulfillment"]["shipByWindow"]["latestDateTime"])
            late += latest < now
            due_soon += now <= latest <= now + timedelta(hours=24)
            cancellations = [
                item.get("cancellation", {}).get("cancellationRequest") for item in order["orderItems"]
            ]
            if any(cancellations):
                requests += 1
                assert all(
                    request["requester"] == "BUYER" and request["cancelReason"] for request in cancellations
                )
    assert late >= 3 and due_soon >= 3 and requests >= 1


@pytest.mark.skipif(not MAGENTO_REFERENCE.is_dir(), reason=f"{MAGENTO_REFERENCE} is not beside this clone")
def test_magento_orders_mirror_what_asc_imported(sandbox):
    expected = {
        "UNSHIPPED": "processing",
        "PARTIALLY_SHIPPED": "processing",
        "SHIPPED": "complete",
        "CANCELLED": "closed",
    }
    imported = 0
    for store in sandbox.stores:
        for order in orders_of(sandbox, store.seller_id):
            magento = sandbox.magento_order_for(order["orderId"])
            status = order["fulfillment"]["fulfillmentStatus"]
            if status in ("PENDING", "PENDING_AVAILABILITY", "UNFULFILLABLE"):
                assert magento is None
            if order["fulfillment"]["fulfilledBy"] == "AMAZON" and status != "SHIPPED":
                assert magento is None
            if magento is None:
                continue
            imported += 1
            assert magento["status"] == expected[status]
            assert magento["store_id"] == store.magento_store_id
            assert magento["order_currency_code"] == store.currency
            assert magento["payment"]["method"] == "amazonpayment"
            assert magento["payment"]["po_number"] == order["orderId"]
            assert "Amazon Channel Payment" in magento["payment"]["additional_information"]
            shipping = magento["extension_attributes"]["shipping_assignments"][0]["shipping"]
            assert shipping["method"] == "amazonshipping_amazonshipping"
            assert order["orderAliases"][0]["aliasId"] == magento["increment_id"]
            assert magento["grand_total"] == float(order["proceeds"]["grandTotal"]["amount"])
    assert imported > 100
    reference = json.loads((MAGENTO_REFERENCE / "example_GET_V1_orders_3_response.json").read_text())
    sample = sandbox.db.magento_order(1)
    missing = set(reference) - set(sample) - {"applied_rule_ids", "customer_id"}  # guest orders
    assert missing == set()
    assert set(reference["items"][0]) - set(sample["items"][0]) == {"applied_rule_ids"}


def test_add_orders_and_ship(sandbox, clock):
    new_ids = sandbox.add_orders("Acme UK", 3)
    assert len(new_ids) == 3
    for order_id in new_ids:
        order = sandbox.get_order_raw(order_id)
        assert order["fulfillment"]["fulfillmentStatus"] in ("PENDING", "UNSHIPPED")
        assert order["createdTime"] <= clock().strftime("%Y-%m-%dT%H:%M:%SZ")
        assert (sandbox.magento_order_for(order_id) is not None) == (
            order["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
        )
    unshipped = next(
        order_id
        for order_id in new_ids
        if sandbox.get_order_raw(order_id)["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
    )
    clock.advance(30)
    shipped = sandbox.ship_order(unshipped)
    assert shipped["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    assert shipped["packages"][0]["carrier"] in {"Royal Mail", "DPD", "DHL", "Evri"}
    assert sandbox.magento_order_for(unshipped)["status"] == "complete"


def test_orders_arrive_over_time(tmp_path, clock):
    sandbox = Sandbox(tmp_path / "live.db", orders_per_store=5, clock=clock, arrivals_per_minute=6)
    count = lambda: sandbox.db.query_one("SELECT COUNT(*) AS n FROM amazon_orders")["n"]  # noqa: E731
    before = count()
    clock.advance(60)
    sandbox.settle()
    assert count() == before + 6
    sandbox.settle()
    assert count() == before + 6
    sandbox.close()


def test_large_stores_seed_quickly(tmp_path, clock):
    import time

    started = time.monotonic()
    sandbox = Sandbox(tmp_path / "big.db", orders_per_store=1000, clock=clock)
    assert time.monotonic() - started < 10
    assert sandbox.db.query_one("SELECT COUNT(*) AS n FROM amazon_orders")["n"] == 3 * 1000 + 125
    sandbox.close()


def test_one_store_can_be_seeded_big(tmp_path, clock):
    sandbox = Sandbox(tmp_path / "one.db", orders_per_store=20, store_orders={"Acme UK": 300}, clock=clock)
    counts = {
        row["seller_id"]: row["n"]
        for row in sandbox.db.query("SELECT seller_id, COUNT(*) AS n FROM amazon_orders GROUP BY seller_id")
    }
    uk = next(store for store in sandbox.stores if store.name == "Acme UK")
    assert counts.pop(uk.seller_id) == 300
    assert sorted(counts.values()) == [2, 20, 20]  # the deactivated store gets an eighth
    assert sandbox.seeded_with["store_orders"] == {"Acme UK": 300}
    assert sandbox.orders_seeded_in(uk) == 300
    statuses = Counter(
        order["fulfillment"]["fulfillmentStatus"] for order in orders_of(sandbox, uk.seller_id)
    )
    assert set(statuses) == ALL_STATUSES
    sandbox.reset(store_orders={})  # back to the same size everywhere
    assert len(orders_of(sandbox, uk.seller_id)) == 20
    assert sandbox.seeded_with["store_orders"] == {}
    sandbox.close()


def test_reset_as_of_gives_the_same_data_whatever_the_clock(tmp_path, clock):
    as_of = clock()

    def snapshot(name, when):
        sandbox = Sandbox(tmp_path / name, orders_per_store=0, clock=ControllableClock(when))
        sandbox.reset(seed=5, orders_per_store=40, as_of=as_of)
        docs = [row["doc"] for row in sandbox.db.query("SELECT doc FROM amazon_orders ORDER BY order_id")]
        magento = [
            row["doc"] for row in sandbox.db.query("SELECT doc FROM magento_orders ORDER BY entity_id")
        ]
        seeded_at = sandbox.seeded_with["seeded_at"]
        sandbox.close()
        return docs, magento, seeded_at

    first = snapshot("a.db", as_of + timedelta(days=3))
    assert first == snapshot("b.db", as_of + timedelta(days=40))
    assert first[2] == "2026-03-02T12:00:00Z" and len(first[0]) == 3 * 40 + 5


def test_seeding_does_not_leave_the_garbage_collector_off(tmp_path, clock):
    import gc

    assert gc.isenabled()
    Sandbox(tmp_path / "gc.db", orders_per_store=5, clock=clock).close()
    assert gc.isenabled()
