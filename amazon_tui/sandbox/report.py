"""The XML ProcessingReport Amazon returns for an XML feed."""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree import ElementTree as ET


@dataclass(frozen=True)
class ResultLine:
    message_id: int
    code: str  # "Error" or "Warning"
    message_code: int
    description: str
    amazon_order_id: str | None = None


def processing_report(
    merchant_id: str, feed_id: str, processed: int, successful: int, results: list[ResultLine]
) -> bytes:
    """AmazonEnvelope/Message/ProcessingReport with the summary and one Result per problem."""
    errors = sum(1 for line in results if line.code == "Error")
    warnings = sum(1 for line in results if line.code == "Warning")
    envelope = ET.Element(
        "AmazonEnvelope",
        {
            "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "xsi:noNamespaceSchemaLocation": "amzn-envelope.xsd",
        },
    )
    header = ET.SubElement(envelope, "Header")
    ET.SubElement(header, "DocumentVersion").text = "1.02"
    ET.SubElement(header, "MerchantIdentifier").text = merchant_id
    ET.SubElement(envelope, "MessageType").text = "ProcessingReport"
    message = ET.SubElement(envelope, "Message")
    ET.SubElement(message, "MessageID").text = "1"
    report = ET.SubElement(message, "ProcessingReport")
    ET.SubElement(report, "DocumentTransactionID").text = feed_id
    ET.SubElement(report, "StatusCode").text = "Complete"
    summary = ET.SubElement(report, "ProcessingSummary")
    ET.SubElement(summary, "MessagesProcessed").text = str(processed)
    ET.SubElement(summary, "MessagesSuccessful").text = str(successful)
    ET.SubElement(summary, "MessagesWithError").text = str(errors)
    ET.SubElement(summary, "MessagesWithWarning").text = str(warnings)
    for line in results:
        result = ET.SubElement(report, "Result")
        ET.SubElement(result, "MessageID").text = str(line.message_id)
        ET.SubElement(result, "ResultCode").text = line.code
        ET.SubElement(result, "ResultMessageCode").text = str(line.message_code)
        ET.SubElement(result, "ResultDescription").text = line.description
        if line.amazon_order_id:
            info = ET.SubElement(result, "AdditionalInfo")
            ET.SubElement(info, "AmazonOrderID").text = line.amazon_order_id
    ET.indent(envelope)
    return ET.tostring(envelope, encoding="UTF-8", xml_declaration=True)
