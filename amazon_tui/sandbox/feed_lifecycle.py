"""How a feed moves along on the sandbox clock: IN_QUEUE -> IN_PROGRESS -> DONE/FATAL.

The lifecycle is computed lazily: `settle_feeds` runs before every request (and on every tick of
a served sandbox), so it works the same in-process (ASGITransport) and over a socket. A finished
feed has been applied to the orders, has its processing report stored, and was notified.
"""

from __future__ import annotations

import gzip
import uuid
from datetime import datetime, timedelta

from .clock import iso, parse_iso
from .db import Database
from .feed_processing import process_acknowledgement_feed
from .notifier import Notifier
from .report import ResultLine, processing_report

SUPPORTED_FEED_TYPES = ("POST_ORDER_ACKNOWLEDGEMENT_DATA",)
REPORT_CONTENT_TYPE = "text/xml; charset=UTF-8"


def settle_feeds(
    db: Database,
    notifier: Notifier,
    now: datetime,
    delay: timedelta,
    gzip_reports: bool | None,
    report_mode: str = "normal",
) -> None:
    """Move every unfinished feed along to where `now` says it should be: IN_PROGRESS after half
    of `delay`, processed after all of it. `gzip_reports` None alternates plain and GZIP reports;
    `report_mode`: how acknowledgement feeds are answered (feed_processing.REPORT_MODES)."""
    pending = db.query("SELECT * FROM feeds WHERE processing_status IN ('IN_QUEUE', 'IN_PROGRESS')")
    for row in pending:
        created = parse_iso(row["created_time"])
        if now - created >= delay:
            _finish(db, notifier, row["feed_id"], now, created + delay / 2, gzip_reports, report_mode)
        elif now - created >= delay / 2 and row["processing_status"] == "IN_QUEUE":
            db.execute(
                "UPDATE feeds SET processing_status = 'IN_PROGRESS', processing_start_time = ?"
                " WHERE feed_id = ? AND processing_status = 'IN_QUEUE'",
                ((created + delay / 2).isoformat(), row["feed_id"]),
            )


def _finish(
    db: Database,
    notifier: Notifier,
    feed_id: str,
    now: datetime,
    started: datetime,
    gzip_reports: bool | None,
    report_mode: str,
) -> None:
    """Process the feed once: apply it to the orders and store its report."""
    with db.transaction():
        row = db.query_one(
            "SELECT * FROM feeds WHERE feed_id = ? AND processing_status IN ('IN_QUEUE', 'IN_PROGRESS')",
            (feed_id,),
        )
        if row is None:
            return
        seller_id = row["seller_id"]
        document = db.query_one(
            "SELECT content FROM documents WHERE document_id = ?", (row["input_document_id"],)
        )
        assert document is not None  # createFeed checked it; documents go only with their feeds (wipe)
        content = document["content"]
        problem = (
            "The feed document was never uploaded to its upload URL."
            if content is None
            else None
            if row["feed_type"] in SUPPORTED_FEED_TYPES
            else f"The sandbox does not process {row['feed_type']} feeds."
        )
        changed_orders: list[dict] = []
        if problem:
            status = "FATAL"
            report = processing_report(seller_id, feed_id, 0, 0, [ResultLine(0, "Error", 5000, problem)])
        else:
            status = "DONE"
            outcome = process_acknowledgement_feed(
                bytes(content),
                seller_id=seller_id,
                feed_id=feed_id,
                now=now,
                find_order=lambda order_id: db.amazon_order(order_id, seller_id),
                mode=report_mode,
            )
            for order in outcome.changed_orders:
                db.save_amazon_order(order)
            changed_orders = list(outcome.changed_orders)
            report = outcome.report
        compress = gzip_reports
        if compress is None:  # alternate, so clients must handle both
            compress = int(feed_id) % 2 == 0
        document_id = f"amzn1.tortuga.4.na.{uuid.uuid4()}"
        db.execute(
            "INSERT INTO documents (document_id, seller_id, content_type, compression, content,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                document_id,
                seller_id,
                REPORT_CONTENT_TYPE,
                "GZIP" if compress else None,
                gzip.compress(report, mtime=0) if compress else report,
                iso(now),
            ),
        )
        db.execute(
            "UPDATE feeds SET processing_status = ?, processing_start_time = ?,"
            " processing_end_time = ?, result_document_id = ? WHERE feed_id = ?",
            (status, started.isoformat(), now.isoformat(), document_id, feed_id),
        )
    for order in changed_orders:  # after the commit, as Amazon would
        notifier.order_changed(order, seller_id, "Order Canceled by Seller")
    notifier.feed_finished(seller_id, feed_id, row["feed_type"], status, document_id, now)
