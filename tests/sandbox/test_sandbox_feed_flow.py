"""Cancelling through the feed flow: over a real socket end to end, and every rejection."""

from __future__ import annotations

import asyncio
import gzip

import httpx
import pytest

from amazon_tui.sandbox import Sandbox
from amazon_tui.sandbox.serve import serving
from tests.support.sandbox_http import (
    FEEDS,
    ORDERS,
    acknowledgement_feed,
    auth_headers,
    fetch_report,
    orders_of,
    parse_report,
    submit_feed,
)


async def test_cancel_an_order_through_the_feed_flow_over_a_socket(tmp_path):
    sandbox = Sandbox(tmp_path / "served.db", orders_per_store=60, feed_delay_seconds=0.4)
    store = sandbox.stores[0]
    target = next(
        order
        for order in orders_of(
            sandbox, store.seller_id, fulfillment_status="UNSHIPPED", fulfilled_by="MERCHANT"
        )
        if len(order["orderItems"]) >= 1
    )
    magento_before = sandbox.magento_order_for(target["orderId"])
    with serving(sandbox) as served:
        assert served.port > 0
        async with httpx.AsyncClient(base_url=served.base_url, timeout=5) as client:
            headers = await auth_headers(client, store)
            found = await client.get(
                f"{ORDERS}/{target['orderId']}", headers=headers, params={"includedData": "FULFILLMENT"}
            )
            assert found.json()["order"]["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
            items = [(item["orderItemId"], "NoInventory") for item in target["orderItems"]]
            feed_id = await submit_feed(
                client,
                headers,
                store,
                acknowledgement_feed(store.seller_id, [(target["orderId"], "Failure", items)]),
            )
            seen = []
            for _ in range(100):
                feed = (await client.get(f"{FEEDS}/feeds/{feed_id}", headers=headers)).json()
                seen.append(feed["processingStatus"])
                if feed["processingStatus"] in ("DONE", "FATAL", "CANCELLED"):
                    break
                await asyncio.sleep(0.05)
            assert seen[0] == "IN_QUEUE" and seen[-1] == "DONE" and "IN_PROGRESS" in seen
            report = await fetch_report(client, headers, feed)
            after = await client.get(
                f"{ORDERS}/{target['orderId']}",
                headers=headers,
                params={"includedData": "FULFILLMENT,CANCELLATION"},
            )
    assert report["transaction"] == feed_id
    assert report["summary"] == {
        "MessagesProcessed": 1,
        "MessagesSuccessful": 1,
        "MessagesWithError": 0,
        "MessagesWithWarning": 0,
    }
    order = after.json()["order"]
    assert order["fulfillment"]["fulfillmentStatus"] == "CANCELLED"
    assert order["lastUpdatedTime"] > target["lastUpdatedTime"]
    for item in order["orderItems"]:
        assert item["cancellation"]["cancellationExecution"] == {
            "cancelledBy": "MERCHANT",
            "cancelReason": "NoInventory",
        }
        assert item["fulfillment"]["quantityUnfulfilled"] == 0
    # the sandbox leaves the Magento side to the app
    assert sandbox.magento_order_for(target["orderId"]) == magento_before
    assert sandbox.count("downloadReport", 200) == 1
    sandbox.close()


def _pick(sandbox, store, **where) -> dict:
    return orders_of(sandbox, store.seller_id, **where)[0]


async def test_report_rejects_what_cannot_be_cancelled(sandbox, client, us, uk, us_headers, clock):
    unshipped = _pick(sandbox, us, fulfillment_status="UNSHIPPED", fulfilled_by="MERCHANT")
    shipped = _pick(sandbox, us, fulfillment_status="SHIPPED", fulfilled_by="MERCHANT")
    partial = _pick(sandbox, us, fulfillment_status="PARTIALLY_SHIPPED")
    cancelled = _pick(sandbox, us, fulfillment_status="CANCELLED", fulfilled_by="MERCHANT")
    afn = _pick(sandbox, us, fulfilled_by="AMAZON")
    pending = _pick(sandbox, us, fulfillment_status="PENDING", fulfilled_by="MERCHANT")
    other_seller = _pick(sandbox, uk, fulfillment_status="UNSHIPPED", fulfilled_by="MERCHANT")
    second = orders_of(sandbox, us.seller_id, fulfillment_status="UNSHIPPED", fulfilled_by="MERCHANT")[1]
    item = unshipped["orderItems"][0]["orderItemId"]
    messages = [
        (unshipped["orderId"], "Failure", [(item, "BuyerCanceled")]),
        (shipped["orderId"], "Failure", []),
        (partial["orderId"], "Failure", []),
        (cancelled["orderId"], "Failure", []),
        (afn["orderId"], "Failure", []),
        (pending["orderId"], "Failure", []),
        (other_seller["orderId"], "Failure", []),
        ("111-0000000-0000000", "Failure", []),
        (second["orderId"], "Failure", [(second["orderItems"][0]["orderItemId"], "Whatever")]),
        (second["orderId"], "Failure", [("99999999999999", "NoInventory")]),
        (shipped["orderId"], "Success", []),
    ]
    feed_id = await submit_feed(client, us_headers, us, acknowledgement_feed(us.seller_id, messages))
    clock.advance(3)
    feed = (await client.get(f"{FEEDS}/feeds/{feed_id}", headers=us_headers)).json()
    assert feed["processingStatus"] == "DONE"
    report = await fetch_report(client, us_headers, feed)
    assert report["summary"] == {
        "MessagesProcessed": 11,
        "MessagesSuccessful": 2,
        "MessagesWithError": 9,
        "MessagesWithWarning": 0,
    }
    codes = {
        result["MessageID"]: (result["ResultCode"], result["ResultMessageCode"], result["AmazonOrderID"])
        for result in report["results"]
    }
    assert codes == {
        2: ("Error", 18031, shipped["orderId"]),
        3: ("Error", 18031, partial["orderId"]),
        4: ("Error", 18032, cancelled["orderId"]),
        5: ("Error", 18033, afn["orderId"]),
        6: ("Error", 18034, pending["orderId"]),
        7: ("Error", 18028, other_seller["orderId"]),
        8: ("Error", 18028, "111-0000000-0000000"),
        9: ("Error", 18036, second["orderId"]),
        10: ("Error", 18035, second["orderId"]),
    }
    assert all(result["ResultDescription"] for result in report["results"])
    # only the valid line changed anything: one item of a multi-item order, or all of it
    changed = sandbox.get_order_raw(unshipped["orderId"])
    expected = "CANCELLED" if len(unshipped["orderItems"]) == 1 else "UNSHIPPED"
    assert changed["fulfillment"]["fulfillmentStatus"] == expected
    assert changed["orderItems"][0]["cancellation"]["cancellationExecution"]["cancelReason"] == (
        "BuyerCanceled"
    )
    assert sandbox.get_order_raw(second["orderId"]) == second
    assert sandbox.get_order_raw(other_seller["orderId"]) == other_seller


async def test_a_failure_without_items_cancels_the_whole_order(sandbox, client, us, us_headers, clock):
    multi = next(
        order
        for order in orders_of(sandbox, us.seller_id, fulfillment_status="UNSHIPPED", fulfilled_by="MERCHANT")
        if len(order["orderItems"]) > 1
    )
    await submit_feed(
        client, us_headers, us, acknowledgement_feed(us.seller_id, [(multi["orderId"], "Failure", [])])
    )
    clock.advance(3)
    order = sandbox.get_order_raw(multi["orderId"])
    assert order["fulfillment"]["fulfillmentStatus"] == "CANCELLED"
    assert all(
        item["cancellation"]["cancellationExecution"]["cancelledBy"] == "MERCHANT"
        for item in order["orderItems"]
    )


@pytest.mark.parametrize(
    "content, fragment",
    [
        (b"<AmazonEnvelope><Message>", "XML Parsing Fatal Error"),
        (b'<!DOCTYPE x [<!ENTITY a "b">]><AmazonEnvelope>&a;</AmazonEnvelope>', "XML Parsing Fatal Error"),
        (b"<Other/>", "AmazonEnvelope"),
    ],
)
async def test_unreadable_feeds_end_done_with_one_error(
    sandbox, client, us, us_headers, clock, content, fragment
):
    feed_id = await submit_feed(client, us_headers, us, content)
    clock.advance(3)
    feed = (await client.get(f"{FEEDS}/feeds/{feed_id}", headers=us_headers)).json()
    assert feed["processingStatus"] == "DONE"
    report = await fetch_report(client, us_headers, feed)
    assert report["summary"]["MessagesProcessed"] == 0
    assert report["summary"]["MessagesWithError"] == 1
    assert fragment in report["results"][0]["ResultDescription"]


async def test_wrong_merchant_identifier_is_reported(sandbox, client, us, uk, us_headers, clock):
    order = _pick(sandbox, us, fulfillment_status="UNSHIPPED", fulfilled_by="MERCHANT")
    feed_id = await submit_feed(
        client, us_headers, us, acknowledgement_feed(uk.seller_id, [(order["orderId"], "Failure", [])])
    )
    clock.advance(3)
    report = await fetch_report(
        client, us_headers, (await client.get(f"{FEEDS}/feeds/{feed_id}", headers=us_headers)).json()
    )
    assert report["results"][0]["ResultMessageCode"] == 5000
    assert sandbox.get_order_raw(order["orderId"]) == order


async def test_never_uploaded_document_makes_a_fatal_feed(sandbox, client, us, us_headers, clock):
    document = await client.post(
        f"{FEEDS}/documents", headers=us_headers, json={"contentType": "text/xml; charset=UTF-8"}
    )
    created = await client.post(
        f"{FEEDS}/feeds",
        headers=us_headers,
        json={
            "feedType": "POST_ORDER_ACKNOWLEDGEMENT_DATA",
            "marketplaceIds": [us.marketplace_id],
            "inputFeedDocumentId": document.json()["feedDocumentId"],
        },
    )
    clock.advance(3)
    feed = (await client.get(f"{FEEDS}/feeds/{created.json()['feedId']}", headers=us_headers)).json()
    assert feed["processingStatus"] == "FATAL"
    assert "resultFeedDocumentId" in feed


async def test_reports_come_compressed_and_plain(tmp_path, clock):
    """By default reports alternate between GZIP and plain, so clients must handle both."""
    sandbox = Sandbox(tmp_path / "alt.db", orders_per_store=10, clock=clock, feed_delay_seconds=0)
    store = sandbox.stores[0]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sandbox.app), base_url="http://any.host.invalid"
    ) as client:
        headers = await auth_headers(client, store)
        algorithms = []
        for _ in range(2):
            feed_id = await submit_feed(client, headers, store, acknowledgement_feed(store.seller_id, []))
            feed = (await client.get(f"{FEEDS}/feeds/{feed_id}", headers=headers)).json()
            info = (
                await client.get(f"{FEEDS}/documents/{feed['resultFeedDocumentId']}", headers=headers)
            ).json()
            assert info["url"].startswith("http://any.host.invalid/_bucket/download/")
            algorithms.append(info.get("compressionAlgorithm"))
            raw = (await client.get(info["url"])).content
            assert parse_report(raw, info.get("compressionAlgorithm"))["status"] == "Complete"
            if info.get("compressionAlgorithm"):
                assert raw[:2] == b"\x1f\x8b"
                encoded = (
                    await client.get(
                        f"{FEEDS}/documents/{feed['resultFeedDocumentId']}",
                        headers=headers,
                        params={"enableContentEncodingUrlHeader": "true"},
                    )
                ).json()
                download = await client.get(encoded["url"])
                assert download.headers["content-encoding"] == "gzip"
                assert download.content == gzip.decompress(raw)  # httpx decoded it
        assert sorted(algorithms, key=str) == ["GZIP", None]
    sandbox.close()


async def test_upload_url_rules(sandbox, client, us, us_headers, clock):
    document = (
        await client.post(
            f"{FEEDS}/documents", headers=us_headers, json={"contentType": "text/xml; charset=UTF-8"}
        )
    ).json()
    wrong_type = await client.put(
        document["url"], content=b"<x/>", headers={"Content-Type": "application/xml"}
    )
    assert wrong_type.status_code == 403
    assert b"<Code>SignatureDoesNotMatch</Code>" in wrong_type.content
    forged = await client.put(
        document["url"].replace("sig=", "sig=0"),
        content=b"<x/>",
        headers={"Content-Type": "text/xml; charset=UTF-8"},
    )
    assert forged.status_code == 403
    clock.advance(301)
    expired = await client.put(
        document["url"], content=b"<x/>", headers={"Content-Type": "text/xml; charset=UTF-8"}
    )
    assert expired.status_code == 403 and b"<Code>AccessDenied</Code>" in expired.content
    assert sandbox.count("uploadFeedDocument", 403) == 3
