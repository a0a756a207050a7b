"""Helpers shared by the sandbox tests (requests, feeds, reports)."""

from __future__ import annotations

import httpx

from amazon_tui.sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET

BASE_URL = "http://sandbox.invalid"
ORDERS = "/orders/2026-01-01/orders"
FEEDS = "/feeds/2021-06-30"
# What a state-changing /_sandbox/ request must carry (the sandbox refuses cross-site requests).
ADMIN_HEADERS = {"Content-Type": "application/json"}


def lwa_form(store, **overrides) -> dict:
    form = {
        "grant_type": "refresh_token",
        "refresh_token": store.refresh_token,
        "client_id": SANDBOX_CLIENT_ID,
        "client_secret": SANDBOX_CLIENT_SECRET,
    }
    form.update(overrides)
    return {key: value for key, value in form.items() if value is not None}


async def auth_headers(client: httpx.AsyncClient, store) -> dict:
    response = await client.post("/auth/o2/token", data=lwa_form(store))
    assert response.status_code == 200, response.text
    return {"x-amz-access-token": response.json()["access_token"]}


def orders_of(sandbox, seller_id: str, **where) -> list[dict]:
    """Stored orders of a seller, filtered on columns (e.g. fulfillment_status="UNSHIPPED")."""
    import json

    sql = "SELECT doc FROM amazon_orders WHERE seller_id = ?"
    params = [seller_id]
    for column, value in where.items():
        sql += f" AND {column} = ?"
        params.append(value)
    return [json.loads(row["doc"]) for row in sandbox.db.query(sql + " ORDER BY order_id", params)]


def acknowledgement_feed(seller_id: str, messages: list[tuple[str, str, list[tuple[str, str]]]]) -> bytes:
    """An OrderAcknowledgement feed: messages of (order id, StatusCode, [(item code, reason)])."""
    from xml.etree import ElementTree as ET

    envelope = ET.Element("AmazonEnvelope")
    header = ET.SubElement(envelope, "Header")
    ET.SubElement(header, "DocumentVersion").text = "1.01"
    ET.SubElement(header, "MerchantIdentifier").text = seller_id
    ET.SubElement(envelope, "MessageType").text = "OrderAcknowledgement"
    for number, (order_id, status, items) in enumerate(messages, start=1):
        message = ET.SubElement(envelope, "Message")
        ET.SubElement(message, "MessageID").text = str(number)
        ack = ET.SubElement(message, "OrderAcknowledgement")
        ET.SubElement(ack, "AmazonOrderID").text = order_id
        ET.SubElement(ack, "StatusCode").text = status
        for code, reason in items:
            item = ET.SubElement(ack, "Item")
            ET.SubElement(item, "AmazonOrderItemCode").text = code
            if reason:
                ET.SubElement(item, "CancelReason").text = reason
    return ET.tostring(envelope, encoding="UTF-8", xml_declaration=True)


def parse_report(content: bytes, compression: str | None) -> dict:
    """The summary and results of a ProcessingReport."""
    import gzip

    from defusedxml import ElementTree as SafeET

    if compression == "GZIP":
        content = gzip.decompress(content)
    root = SafeET.fromstring(content)
    report = root.find("Message/ProcessingReport")
    summary = {child.tag: int(child.text) for child in report.find("ProcessingSummary")}
    results = [
        {
            "MessageID": int(result.findtext("MessageID")),
            "ResultCode": result.findtext("ResultCode"),
            "ResultMessageCode": int(result.findtext("ResultMessageCode")),
            "ResultDescription": result.findtext("ResultDescription"),
            "AmazonOrderID": result.findtext("AdditionalInfo/AmazonOrderID"),
        }
        for result in report.findall("Result")
    ]
    return {
        "status": report.findtext("StatusCode"),
        "transaction": report.findtext("DocumentTransactionID"),
        "summary": summary,
        "results": results,
    }


async def submit_feed(client, headers, store, content: bytes) -> str:
    """createFeedDocument, upload, createFeed; returns the feed id."""
    content_type = "text/xml; charset=UTF-8"
    document = await client.post(f"{FEEDS}/documents", json={"contentType": content_type}, headers=headers)
    assert document.status_code == 201, document.text
    upload = await client.put(document.json()["url"], content=content, headers={"Content-Type": content_type})
    assert upload.status_code == 200, upload.text
    feed = await client.post(
        f"{FEEDS}/feeds",
        headers=headers,
        json={
            "feedType": "POST_ORDER_ACKNOWLEDGEMENT_DATA",
            "marketplaceIds": [store.marketplace_id],
            "inputFeedDocumentId": document.json()["feedDocumentId"],
        },
    )
    assert feed.status_code == 202, feed.text
    return feed.json()["feedId"]


async def fetch_report(client, headers, feed: dict) -> dict:
    info = await client.get(f"{FEEDS}/documents/{feed['resultFeedDocumentId']}", headers=headers)
    assert info.status_code == 200, info.text
    download = await client.get(info.json()["url"])
    assert download.status_code == 200
    return parse_report(download.content, info.json().get("compressionAlgorithm"))
