"""The order acknowledgement feed that cancels orders, and Amazon's processing report.

Built with ElementTree (a real XML library: escaping is never by hand); the report is
parsed with defusedxml, because it comes from outside.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from amazon_tui.domain.values import CancelReason

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

FEED_TYPE = "POST_ORDER_ACKNOWLEDGEMENT_DATA"
CONTENT_TYPE = "text/xml; charset=UTF-8"


@dataclass(frozen=True)
class CancelMessage:
    """One order to cancel: its unshipped item codes and the reason."""

    order_id: str
    item_ids: tuple[str, ...]
    reason: CancelReason


def build_cancellation_feed(merchant_id: str, messages: Sequence[CancelMessage]) -> bytes:
    """The AmazonEnvelope of OrderAcknowledgement messages with StatusCode Failure."""
    if not messages:
        raise ValueError("a cancellation feed needs at least one order")
    from xml.etree import ElementTree as ET  # here, not at the top: XML stays off the TUI's start path

    envelope = ET.Element(
        "AmazonEnvelope",
        {
            "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "xsi:noNamespaceSchemaLocation": "amzn-envelope.xsd",
        },
    )
    header = ET.SubElement(envelope, "Header")
    ET.SubElement(header, "DocumentVersion").text = "1.01"
    ET.SubElement(header, "MerchantIdentifier").text = merchant_id
    ET.SubElement(envelope, "MessageType").text = "OrderAcknowledgement"
    for number, message in enumerate(messages, start=1):
        if not message.item_ids:
            raise ValueError(f"order {message.order_id} has no unshipped item to cancel")
        element = ET.SubElement(envelope, "Message")
        ET.SubElement(element, "MessageID").text = str(number)
        acknowledgement = ET.SubElement(element, "OrderAcknowledgement")
        ET.SubElement(acknowledgement, "AmazonOrderID").text = message.order_id
        ET.SubElement(acknowledgement, "StatusCode").text = "Failure"
        for item_id in message.item_ids:
            item = ET.SubElement(acknowledgement, "Item")
            ET.SubElement(item, "AmazonOrderItemCode").text = item_id
            ET.SubElement(item, "CancelReason").text = message.reason.value
    ET.indent(envelope)
    document: bytes = ET.tostring(envelope, encoding="utf-8", xml_declaration=True)
    return document


@dataclass(frozen=True)
class ReportResult:
    """One problem the report lists for a message."""

    message_id: str | None
    order_id: str | None
    code: str
    message_code: str | None
    description: str


@dataclass(frozen=True)
class ProcessingReport:
    processed: int
    successful: int
    with_error: int
    results: tuple[ReportResult, ...]

    def errors_for(self, order_id: str, message_id: str) -> list[ReportResult]:
        """The Error results about an order (matched by order id, else by message id)."""
        return [
            result
            for result in self.results
            if result.code.lower() == "error"
            and (result.order_id == order_id or (result.order_id is None and result.message_id == message_id))
        ]


class ReportError(ValueError):
    """A processing report that cannot be read."""


def _int(parent: Element | None, tag: str) -> int:
    text = parent.findtext(tag) if parent is not None else None
    try:
        return int((text or "0").strip())
    except ValueError:
        raise ReportError(f"{tag} is not a number: {(text or '')[:20]!r}") from None


def parse_processing_report(data: bytes) -> ProcessingReport:
    """Read Amazon's XML ProcessingReport (defusedxml: no entities, no external DTDs)."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import ElementTree as SafeET
    from defusedxml.common import DefusedXmlException

    try:
        root = SafeET.fromstring(data)
    except (ParseError, DefusedXmlException) as exc:
        raise ReportError(f"the processing report is not readable XML ({exc})") from None
    report = root.find(".//ProcessingReport")
    if report is None:
        raise ReportError("the document holds no ProcessingReport")
    summary = report.find("ProcessingSummary")
    results = tuple(
        ReportResult(
            message_id=(result.findtext("MessageID") or "").strip() or None,
            order_id=(result.findtext("AdditionalInfo/AmazonOrderID") or "").strip() or None,
            code=(result.findtext("ResultCode") or "").strip(),
            message_code=(result.findtext("ResultMessageCode") or "").strip() or None,
            description=(result.findtext("ResultDescription") or "").strip(),
        )
        for result in report.findall("Result")
    )
    return ProcessingReport(
        processed=_int(summary, "MessagesProcessed"),
        successful=_int(summary, "MessagesSuccessful"),
        with_error=_int(summary, "MessagesWithError"),
        results=results,
    )
