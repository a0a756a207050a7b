"""The cancellation feed is valid against Amazon's order acknowledgement schema (issue 29).

The schema is a constructed one (tests/support/xsd, its header says what it holds): Amazon
publishes the XSDs only as help-page links, not in the SP-API models.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import xmlschema
from defusedxml import ElementTree as SafeET
from hypothesis import given, settings
from hypothesis import strategies as st

from amazon_tui.core.cancel.feed_xml import CancelMessage, build_cancellation_feed, xml_legal
from amazon_tui.domain.values import CancelReason
from tests.core.test_cancel import cancelable_ids

SCHEMA = xmlschema.XMLSchema(
    Path(__file__).resolve().parents[1] / "support" / "xsd" / "amzn-envelope-order-acknowledgement.xsd"
)

# Amazon's String type: 1 to 100 characters, XML-legal. Ids come from Amazon but are untrusted,
# so they may hold markup, quotes or non-ASCII: the feed must escape, never break. (What is not
# XML-legal at all, U+FFFE say, never reaches a feed: verify fails that order alone.)
xml_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
    | st.sampled_from("<>&'\""),
    min_size=1,
    max_size=40,
).filter(str.strip)
messages = st.lists(
    st.builds(
        CancelMessage,
        order_id=xml_text,
        item_ids=st.lists(xml_text, min_size=1, max_size=4).map(tuple),
        reason=st.sampled_from(CancelReason),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=60, deadline=None)
@given(merchant=xml_text, orders=messages)
def test_any_cancellation_feed_is_valid_and_says_what_was_asked(merchant, orders):
    body = build_cancellation_feed(merchant, orders)
    SCHEMA.validate(body)
    root = SafeET.fromstring(body)
    read = [
        (
            m.findtext("OrderAcknowledgement/AmazonOrderID"),
            tuple(i.findtext("AmazonOrderItemCode") for i in m.findall("OrderAcknowledgement/Item")),
            {i.findtext("CancelReason") for i in m.findall("OrderAcknowledgement/Item")},
        )
        for m in root.findall("Message")
    ]
    assert read == [(o.order_id, o.item_ids, {o.reason.value}) for o in orders]
    assert [m.findtext("MessageID") for m in root.findall("Message")] == [
        str(n) for n in range(1, len(orders) + 1)
    ]


async def test_the_feed_amazon_receives_is_valid(world):
    service = world.open_service()
    await service.sync()
    order_ids = cancelable_ids(service, n=2)
    submissions = await service.cancel(order_ids, CancelReason.NO_INVENTORY)
    await service.finish_cancellations(submissions)
    uploads = [
        bytes(row["content"])
        for row in world.sandbox.db.query("SELECT content FROM documents WHERE content IS NOT NULL")
    ]
    ours = [body for body in uploads if b"OrderAcknowledgement" in body]
    assert len(ours) == 1
    SCHEMA.validate(ours[0])
    feed = SafeET.fromstring(ours[0])
    acknowledged = {m.findtext("OrderAcknowledgement/AmazonOrderID") for m in feed.findall("Message")}
    assert acknowledged == set(order_ids)


@given(st.text(min_size=1, max_size=20))
def test_an_id_xml_cannot_hold_is_refused_by_the_builder_never_written(text):
    message = CancelMessage("111-0000000-0000001", (text,), CancelReason.NO_INVENTORY)
    if xml_legal(text):
        build_cancellation_feed("SELLER", [message])
        return
    with pytest.raises(ValueError, match="no XML document can hold"):
        build_cancellation_feed("SELLER", [message])
