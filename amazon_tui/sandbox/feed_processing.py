"""Process a POST_ORDER_ACKNOWLEDGEMENT_DATA feed for real: parse, cancel, report.

Like Amazon, a feed that cannot be parsed still ends DONE, with a report holding one
ResultMessageCode 5001 error (Amazon reserves FATAL for feeds it could not read at all,
e.g. a document that was never uploaded). The ResultMessageCodes below are the sandbox's own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from .clock import iso
from .report import ResultLine, processing_report
from .seed_data import MERCHANT_CANCEL_REASONS

XML_PARSE_ERROR = 5001
DOCUMENT_ERROR = 5000
MISSING_FIELD = 8001
UNKNOWN_ORDER = 18028
ALREADY_SHIPPED = 18031
ALREADY_CANCELED = 18032
AMAZON_FULFILLED = 18033
NOT_YET_ACTIONABLE = 18034
UNKNOWN_ITEM = 18035
INVALID_REASON = 18036


REPORT_MODES = frozenset({"normal", "reject", "empty", "message_ids_only", "unconfirmed"})
"""How the sandbox answers acknowledgement feeds (``SandboxWorld.report_mode``), hostile ones included:

- ``normal``: every message is applied; the report names each error's MessageID and AmazonOrderID;
- ``reject``: the feed is refused whole, as Amazon refuses a feed it cannot parse: nothing is
  processed, one Error about MessageID 0 with no order id;
- ``empty``: nothing is applied and the report counts nothing (an empty report);
- ``message_ids_only``: applied, but errors carry only their MessageID (no AdditionalInfo);
- ``unconfirmed``: the report says every message succeeded, but no order is changed yet (Amazon's
  order lags its report).
"""


@dataclass
class FeedOutcome:
    report: bytes
    changed_orders: list[dict] = field(default_factory=list)


def process_acknowledgement_feed(
    content: bytes,
    *,
    seller_id: str,
    feed_id: str,
    now: datetime,
    find_order: Callable[[str], dict | None],
    mode: str = "normal",
) -> FeedOutcome:
    """Apply every OrderAcknowledgement message; `find_order` sees only this seller's orders;
    ``mode``: one of REPORT_MODES."""
    from defusedxml import ElementTree as SafeET  # lazy: keeps `import amazon_tui.sandbox` light
    from defusedxml.common import DefusedXmlException

    def document_error(code: int, description: str) -> FeedOutcome:
        line = ResultLine(0, "Error", code, description)
        return FeedOutcome(processing_report(seller_id, feed_id, 0, 0, [line]))

    try:
        root = SafeET.fromstring(content)
    except SafeET.ParseError as error:
        return document_error(XML_PARSE_ERROR, f"XML Parsing Fatal Error: {error}")
    except DefusedXmlException as error:
        return document_error(XML_PARSE_ERROR, f"XML Parsing Fatal Error: {error}")

    if root.tag != "AmazonEnvelope":
        return document_error(DOCUMENT_ERROR, f"The root element must be AmazonEnvelope, not {root.tag}.")
    message_type = (root.findtext("MessageType") or "").strip()
    if message_type != "OrderAcknowledgement":
        return document_error(
            DOCUMENT_ERROR,
            f"MessageType {message_type or '(missing)'} does not"
            " match the feed type POST_ORDER_ACKNOWLEDGEMENT_DATA.",
        )
    merchant = (root.findtext("Header/MerchantIdentifier") or "").strip()
    if merchant != seller_id:
        return document_error(
            DOCUMENT_ERROR,
            f"MerchantIdentifier {merchant or '(missing)'} does not match the seller who submitted the feed.",
        )

    messages = root.findall("Message")
    if mode == "reject":
        return document_error(
            XML_PARSE_ERROR, "XML Parsing Error at Line 1, Column 1: the feed was rejected."
        )
    if mode == "empty":
        return FeedOutcome(processing_report(seller_id, feed_id, 0, 0, []))
    if mode == "unconfirmed":
        return FeedOutcome(processing_report(seller_id, feed_id, len(messages), len(messages), []))
    results: list[ResultLine] = []
    changed: dict[str, dict] = {}
    for position, message in enumerate(messages, start=1):
        problem, order = _apply_message(message, position, now, find_order, changed)
        if problem is not None:
            results.append(problem)
        elif order is not None:
            changed[order["orderId"]] = order
    successful = len(messages) - len(results)
    if mode == "message_ids_only":
        results = [ResultLine(r.message_id, r.code, r.message_code, r.description) for r in results]
    report = processing_report(seller_id, feed_id, len(messages), successful, results)
    return FeedOutcome(report, list(changed.values()))


def _apply_message(message, position: int, now: datetime, find_order, changed: dict):
    """(error line or None, changed order or None) for one Message."""
    message_id_text = (message.findtext("MessageID") or "").strip()
    message_id = int(message_id_text) if message_id_text.isdigit() else position
    ack = message.find("OrderAcknowledgement")
    order_id = (ack.findtext("AmazonOrderID") or "").strip() if ack is not None else ""
    status_code = (ack.findtext("StatusCode") or "").strip() if ack is not None else ""

    def error(code: int, description: str):
        return ResultLine(message_id, "Error", code, description, order_id or None), None

    if not order_id or status_code not in ("Success", "Failure"):
        return error(
            MISSING_FIELD,
            "OrderAcknowledgement needs an AmazonOrderID and a StatusCode of Success or Failure.",
        )
    order = changed.get(order_id) or find_order(order_id)
    if order is None:
        return error(UNKNOWN_ORDER, f"The order id {order_id} was not found for this seller.")
    fulfillment = order["fulfillment"]
    if fulfillment["fulfilledBy"] == "AMAZON":
        return error(
            AMAZON_FULFILLED,
            f"Order {order_id} is fulfilled by Amazon and cannot be acknowledged or canceled by the seller.",
        )
    status = fulfillment["fulfillmentStatus"]
    if status_code == "Success":
        return None, None
    if status == "CANCELLED":
        return error(ALREADY_CANCELED, f"Order {order_id} has already been canceled.")
    if status in ("SHIPPED", "PARTIALLY_SHIPPED"):
        return error(
            ALREADY_SHIPPED,
            f"Order {order_id} has shipped items and can no longer be"
            " canceled. Use Seller Central for returns and refunds.",
        )
    if status != "UNSHIPPED":
        return error(
            NOT_YET_ACTIONABLE,
            f"Order {order_id} is {status} and cannot be canceled with an order acknowledgement.",
        )

    items_by_code = {item["orderItemId"]: item for item in order["orderItems"]}
    cancellations: list[tuple[dict, str | None]] = []
    for element in ack.findall("Item"):
        code = (element.findtext("AmazonOrderItemCode") or "").strip()
        reason = (element.findtext("CancelReason") or "").strip() or None
        if code not in items_by_code:
            return error(
                UNKNOWN_ITEM, f"AmazonOrderItemCode {code or '(missing)'} is not an item of order {order_id}."
            )
        if reason is not None and reason not in MERCHANT_CANCEL_REASONS:
            return error(
                INVALID_REASON,
                f"CancelReason {reason} is not valid. Valid values: "
                + ", ".join(MERCHANT_CANCEL_REASONS)
                + ".",
            )
        cancellations.append((items_by_code[code], reason))
    if not cancellations:  # a Failure without items cancels the whole order
        cancellations = [(item, None) for item in order["orderItems"]]
    for item, reason in cancellations:
        execution = {"cancelledBy": "MERCHANT"}
        if reason:
            execution["cancelReason"] = reason
        item.setdefault("cancellation", {})["cancellationExecution"] = execution
        item.setdefault("fulfillment", {"quantityFulfilled": 0})["quantityUnfulfilled"] = 0
    if all("cancellationExecution" in item.get("cancellation", {}) for item in order["orderItems"]):
        fulfillment["fulfillmentStatus"] = "CANCELLED"
    order["lastUpdatedTime"] = iso(now)
    return None, order
