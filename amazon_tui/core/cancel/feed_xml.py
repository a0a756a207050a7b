"""The order acknowledgement feed that cancels orders, and Amazon's processing report.

Built with ElementTree (a real XML library: escaping is never by hand); the report is
parsed with defusedxml, because it comes from outside.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from amazon_tui.domain.values import CancelReason

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

FEED_TYPE = "POST_ORDER_ACKNOWLEDGEMENT_DATA"
CONTENT_TYPE = "text/xml; charset=UTF-8"


# XML 1.0's Char production: what a feed can carry at all (no C0 controls but tab and line
# ends, no surrogates, not U+FFFE or U+FFFF).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_legal(text: str) -> bool:
    """Whether ``text`` can be written in an XML document (an id Amazon sent may not be)."""
    return _NOT_XML.search(text) is None


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
        if not all(xml_legal(text) for text in (message.order_id, *message.item_ids)):
            raise ValueError(f"order {message.order_id!r} has an id no XML document can hold")
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


class Evidence(str, Enum):
    """What a processing report says of one of our messages. Evidence only: Amazon's order decides."""

    SUCCESS = "success"  # the summary counts it processed and no error names it
    ERROR = "error"  # an Error result names our MessageID
    REJECTED = "rejected"  # the whole feed was refused (nothing processed, an error about the feed)
    ENDED = "ended"  # Amazon ended the feed (FATAL, CANCELLED): nothing of it was done
    NO_WORD = "none"  # the report does not account for it (empty, short, about other messages)


@dataclass(frozen=True)
class ProcessingReport:
    processed: int
    successful: int
    with_error: int
    results: tuple[ReportResult, ...]

    def feed_error(self) -> str | None:
        """Amazon's words when the whole feed was refused: nothing processed and an Error that
        names no message of it (MessageID 0 or none), the shape of an unparseable feed."""
        about_feed = [
            r
            for r in self.results
            if r.code.lower() == "error" and r.message_id in (None, "0") and not r.order_id
        ]
        if about_feed and self.processed == 0:
            return " ".join(r.description for r in about_feed) or "the feed was rejected"
        return None

    def evidence(self, message_id: int, order_id: str, messages: int) -> tuple[Evidence, str]:
        """What the report says of our message ``message_id`` (about ``order_id``) in a feed of
        ``messages`` messages, with Amazon's words. Results are ours only by MessageID: one that
        names another order under our MessageID is not about us."""
        rejected = self.feed_error()
        if rejected is not None:
            return Evidence.REJECTED, rejected
        ours = [
            r
            for r in self.results
            if r.message_id == str(message_id) and (r.order_id is None or r.order_id == order_id)
        ]
        errors = [r for r in ours if r.code.lower() == "error"]
        if errors:
            return Evidence.ERROR, " ".join(r.description for r in errors)
        unaccounted = messages - self.processed
        if self.processed > 0 and unaccounted <= 0 and self.successful >= messages - self.with_error:
            return Evidence.SUCCESS, ""
        return Evidence.NO_WORD, f"the report accounts for {self.processed} of {messages} messages"


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
