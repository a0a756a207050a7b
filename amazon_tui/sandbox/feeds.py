"""Feed documents (the bucket's presigned URLs) and feeds as the Feeds API sees them.

How a feed moves along and is processed: `feed_lifecycle.py`.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from .clock import iso, parse_iso
from .errors import ApiError
from .signing import signature, signature_matches

if TYPE_CHECKING:
    from .world import SandboxWorld

URL_LIFETIME = timedelta(minutes=5)
FEED_ID_BASE = 50_001_019_000


def not_found(what: str) -> ApiError:
    return ApiError(404, "NotFound", f"The requested {what} was not found.", "")


# documents ---------------------------------------------------------------------------------


def create_document(sandbox: SandboxWorld, seller_id: str, content_type: str) -> str:
    document_id = f"amzn1.tortuga.4.na.{uuid.uuid4()}"
    sandbox.db.execute(
        "INSERT INTO documents (document_id, seller_id, content_type, compression, content,"
        " created_at) VALUES (?, ?, ?, NULL, NULL, ?)",
        (document_id, seller_id, content_type, iso(sandbox.clock())),
    )
    return document_id


def presigned_url(
    sandbox: SandboxWorld, base_url: str, action: str, document_id: str, extra: str = ""
) -> str:
    expires = int((sandbox.clock() + URL_LIFETIME).timestamp())
    sig = signature(sandbox.signing_key, action, document_id, expires, extra)
    url = f"{base_url}/_bucket/{action}/{document_id}?expires={expires}&sig={sig}"
    return f"{url}&ce={extra}" if extra else url


def check_presigned(
    sandbox: SandboxWorld, action: str, document_id: str, expires: str, sig: str, extra: str = ""
) -> None:
    """Raise the S3-style 403 unless the URL was signed by this sandbox and is unexpired."""
    if not expires.isdigit() or not signature_matches(
        sandbox.signing_key, action, document_id, int(expires), extra, sig
    ):
        raise ApiError(
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does"
            " not match the signature you provided. Check your key and signing method.",
        )
    if sandbox.clock().timestamp() > int(expires):
        raise ApiError(403, "AccessDenied", "Request has expired")


def store_upload(sandbox: SandboxWorld, document_id: str, content_type: str, body: bytes) -> str:
    """Keep the uploaded bytes; returns the ETag. The Content-Type must be the one signed."""
    row = sandbox.db.query_one("SELECT content_type FROM documents WHERE document_id = ?", (document_id,))
    if row is None:
        raise ApiError(404, "NoSuchKey", "The specified key does not exist.")
    if content_type.strip() != row["content_type"].strip():
        raise ApiError(
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not"
            f" match the signature you provided: Content-Type must be"
            f" {row['content_type']!r} as given to createFeedDocument.",
        )
    sandbox.db.execute("UPDATE documents SET content = ? WHERE document_id = ?", (body, document_id))
    return hashlib.md5(body).hexdigest()


def document_info(
    sandbox: SandboxWorld, seller_id: str, document_id: str, base_url: str, content_encoding_header: bool
) -> dict:
    row = sandbox.db.query_one(
        "SELECT compression FROM documents WHERE document_id = ? AND seller_id = ?", (document_id, seller_id)
    )
    if row is None:
        raise not_found("feed document")
    gzip_header = "gzip" if content_encoding_header and row["compression"] == "GZIP" else ""
    info = {
        "feedDocumentId": document_id,
        "url": presigned_url(sandbox, base_url, "download", document_id, gzip_header),
    }
    if row["compression"]:
        info["compressionAlgorithm"] = row["compression"]
    return info


def document_content(sandbox: SandboxWorld, document_id: str) -> tuple[bytes, str, str | None]:
    row = sandbox.db.query_one(
        "SELECT content, content_type, compression FROM documents WHERE document_id = ?", (document_id,)
    )
    if row is None or row["content"] is None:
        raise ApiError(404, "NoSuchKey", "The specified key does not exist.")
    return bytes(row["content"]), row["content_type"], row["compression"]


# feeds -------------------------------------------------------------------------------------


def create_feed(
    sandbox: SandboxWorld, seller_id: str, feed_type: str, marketplace_ids: list[str], document_id: str
) -> str:
    store_marketplace = sandbox.store_of(seller_id).marketplace_id
    if store_marketplace not in marketplace_ids or any(
        not isinstance(market, str) for market in marketplace_ids
    ):
        raise ApiError(
            400,
            "InvalidInput",
            "marketplaceIds must name the seller's marketplace.",
            f"This seller sells on {store_marketplace}.",
        )
    owner = sandbox.db.query_one("SELECT seller_id FROM documents WHERE document_id = ?", (document_id,))
    if owner is None or owner["seller_id"] != seller_id:
        raise ApiError(
            400, "InvalidInput", "inputFeedDocumentId is not a feed document of this seller.", document_id
        )
    with sandbox.db.transaction():
        feed_id = str(FEED_ID_BASE + sandbox.db.next_sequence("feed_sequence"))
        sandbox.db.execute(
            "INSERT INTO feeds (feed_id, seller_id, feed_type, marketplace_ids, input_document_id,"
            " created_time, processing_status) VALUES (?, ?, ?, ?, ?, ?, 'IN_QUEUE')",
            (
                feed_id,
                seller_id,
                feed_type,
                json.dumps(marketplace_ids),
                document_id,
                sandbox.clock().isoformat(),
            ),
        )
    return feed_id


def feed_view(row) -> dict:
    """A feeds table row in the Feed schema."""
    feed = {
        "feedId": row["feed_id"],
        "feedType": row["feed_type"],
        "marketplaceIds": json.loads(row["marketplace_ids"]),
        "createdTime": iso(parse_iso(row["created_time"])),
        "processingStatus": row["processing_status"],
    }
    if row["processing_start_time"]:
        feed["processingStartTime"] = iso(parse_iso(row["processing_start_time"]))
    if row["processing_end_time"]:
        feed["processingEndTime"] = iso(parse_iso(row["processing_end_time"]))
    if row["result_document_id"]:
        feed["resultFeedDocumentId"] = row["result_document_id"]
    return feed


def get_feed(sandbox: SandboxWorld, seller_id: str, feed_id: str) -> dict:
    row = sandbox.db.query_one(
        "SELECT * FROM feeds WHERE feed_id = ? AND seller_id = ?", (feed_id, seller_id)
    )
    if row is None:
        raise not_found("feed")
    return feed_view(row)


def cancel_feed(sandbox: SandboxWorld, seller_id: str, feed_id: str) -> None:
    feed = get_feed(sandbox, seller_id, feed_id)
    if feed["processingStatus"] != "IN_QUEUE":
        raise ApiError(
            400,
            "InvalidInput",
            "Only feeds that are IN_QUEUE can be cancelled.",
            f"Feed {feed_id} is {feed['processingStatus']}.",
        )
    sandbox.db.execute(
        "UPDATE feeds SET processing_status = 'CANCELLED', processing_end_time = ? WHERE feed_id = ?",
        (sandbox.clock().isoformat(), feed_id),
    )


def list_feeds(
    sandbox: SandboxWorld,
    seller_id: str,
    *,
    feed_types: list[str],
    statuses: list[str],
    marketplace_ids: list[str],
    since: datetime,
    until: datetime,
    page_size: int,
    offset: int,
) -> tuple[list[dict], bool]:
    """A page of the seller's feeds, newest first, and whether more follow."""
    rows = sandbox.db.query(
        "SELECT * FROM feeds WHERE seller_id = ? ORDER BY created_time DESC, feed_id DESC", (seller_id,)
    )
    feeds = [
        feed_view(row)
        for row in rows
        if (not feed_types or row["feed_type"] in feed_types)
        and (not statuses or row["processing_status"] in statuses)
        and (not marketplace_ids or set(marketplace_ids) & set(json.loads(row["marketplace_ids"])))
        and since <= parse_iso(row["created_time"]) <= until
    ]
    page = feeds[offset : offset + page_size]
    return page, len(feeds) > offset + page_size
