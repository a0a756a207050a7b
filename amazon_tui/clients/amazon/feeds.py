"""SP-API Feeds 2021-06-30 client: document upload, feed creation, status, result download."""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from typing import Any
from urllib.parse import quote

import httpx

from amazon_tui.clients.amazon.base import SpApiService
from amazon_tui.clients.amazon.document_urls import refusal
from amazon_tui.clients.amazon.lwa import LwaClient
from amazon_tui.clients.amazon.orders_models import Timestamp, Wire
from amazon_tui.clients.errors import AMAZON, MalformedResponse, error_from_response
from amazon_tui.clients.http import send
from amazon_tui.clients.retry import DEFAULT_RETRY, RetryPolicy, call_with_retries
from amazon_tui.clients.throttle import Throttle
from amazon_tui.domain.secrets import SECRETS
from amazon_tui.domain.values import format_timestamp

FEEDS_PATH = "/feeds/2021-06-30"
GZIP = "GZIP"
_GZIP_MAGIC = b"\x1f\x8b"
MAX_DOCUMENT_BYTES = 64_000_000


class FeedProcessingStatus(str, Enum):
    """Where a feed is in Amazon's processing."""

    IN_QUEUE = "IN_QUEUE"
    IN_PROGRESS = "IN_PROGRESS"
    DONE = "DONE"
    FATAL = "FATAL"
    CANCELLED = "CANCELLED"

    @property
    def is_final(self) -> bool:
        return self in (FeedProcessingStatus.DONE, FeedProcessingStatus.FATAL, FeedProcessingStatus.CANCELLED)


class FeedDocumentUpload(Wire):
    """createFeedDocument's answer: where to PUT the feed content (the URL expires in 5 minutes)."""

    feed_document_id: str
    url: str


class CreateFeedResponse(Wire):
    feed_id: str


class Feed(Wire):
    """A feed and its processing status; ``result_feed_document_id`` once it is processed."""

    feed_id: str
    feed_type: str
    created_time: Timestamp
    processing_status: FeedProcessingStatus
    marketplace_ids: tuple[str, ...] = ()
    processing_start_time: Timestamp | None = None
    processing_end_time: Timestamp | None = None
    result_feed_document_id: str | None = None


class GetFeedsResponse(Wire):
    feeds: tuple[Feed, ...]
    next_token: str | None = None


class FeedDocument(Wire):
    """A document to download (the URL expires in 5 minutes), maybe compressed."""

    feed_document_id: str
    url: str
    compression_algorithm: str | None = None


class FeedsClient(SpApiService):
    """Feeds of one seller. Document contents travel through ``storage_http`` (default: ``http``)
    to the presigned URLs, which never receive the access token."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        lwa: LwaClient,
        refresh_token: str,
        seller_id: str,
        throttle: Throttle,
        endpoint: str,
        storage_http: httpx.AsyncClient | None = None,
        retry: RetryPolicy = DEFAULT_RETRY,
    ) -> None:
        super().__init__(
            http,
            lwa=lwa,
            refresh_token=refresh_token,
            seller_id=seller_id,
            throttle=throttle,
            endpoint=endpoint,
            retry=retry,
        )
        self._storage = storage_http or http

    async def create_feed_document(self, content_type: str) -> FeedDocumentUpload:
        """A new upload slot for a document of ``content_type``.

        Repeating it after a failure can only leave an unused slot behind, so it is retried.
        """
        return await self._call(
            "createFeedDocument",
            "POST",
            f"{FEEDS_PATH}/documents",
            FeedDocumentUpload,
            json={"contentType": content_type},
            safe_to_repeat=True,
        )

    async def upload(self, url: str, data: bytes, content_type: str) -> None:
        """PUT ``data`` to the presigned ``url`` with exactly the content type given at creation."""
        await self._transfer(
            "uploadFeedDocument", "PUT", url, content=data, headers={"Content-Type": content_type}
        )

    async def create_feed(
        self, feed_type: str, marketplace_ids: Iterable[str], input_feed_document_id: str
    ) -> str:
        """Submit an uploaded document as a feed; its feed id.

        Not idempotent: repeated only when the request provably never reached Amazon.
        """
        body = {
            "feedType": feed_type,
            "marketplaceIds": list(marketplace_ids),
            "inputFeedDocumentId": input_feed_document_id,
        }
        created = await self._call(
            "createFeed", "POST", f"{FEEDS_PATH}/feeds", CreateFeedResponse, json=body, safe_to_repeat=False
        )
        return created.feed_id

    async def list_feeds(
        self,
        feed_type: str,
        *,
        created_since: datetime | None = None,
        marketplace_ids: Iterable[str] | None = None,
        processing_statuses: Iterable[FeedProcessingStatus | str] | None = None,
    ) -> list[Feed]:
        """Every feed of ``feed_type`` created since ``created_since`` (Amazon's default: 90 days),
        following ``nextToken`` (which Amazon wants as the only parameter)."""
        params: dict[str, Any] = {"feedTypes": feed_type, "pageSize": 100}
        if created_since is not None:
            params["createdSince"] = format_timestamp(created_since)
        if marketplace_ids is not None:
            params["marketplaceIds"] = ",".join(marketplace_ids)
        if processing_statuses is not None:
            params["processingStatuses"] = ",".join(getattr(s, "value", s) for s in processing_statuses)
        feeds: list[Feed] = []
        while True:
            page = await self._call(
                "getFeeds", "GET", f"{FEEDS_PATH}/feeds", GetFeedsResponse, params=params, safe_to_repeat=True
            )
            feeds += page.feeds
            if not page.next_token:
                return feeds
            params = {"nextToken": page.next_token}

    async def get_feed(self, feed_id: str) -> Feed:
        """The feed and its processing status."""
        path = f"{FEEDS_PATH}/feeds/{quote(feed_id, safe='')}"
        return await self._call("getFeed", "GET", path, Feed, safe_to_repeat=True)

    async def get_feed_document(self, feed_document_id: str) -> FeedDocument:
        """Where to download a (result) document."""
        path = f"{FEEDS_PATH}/documents/{quote(feed_document_id, safe='')}"
        return await self._call("getFeedDocument", "GET", path, FeedDocument, safe_to_repeat=True)

    async def download(self, document: FeedDocument) -> bytes:
        """The document's content, decompressed when it is gzip (declared, or by its magic number)."""
        response = await self._transfer("downloadFeedDocument", "GET", document.url)
        content = response.content
        declared = (document.compression_algorithm or "").upper()
        if declared not in ("", GZIP):
            raise MalformedResponse(
                f"unsupported compressionAlgorithm {declared[:20]!r}",
                field="compressionAlgorithm",
                service=AMAZON,
                operation="getFeedDocument",
            )
        if content.startswith(_GZIP_MAGIC):
            content = _gunzip(content)
        return SECRETS.redact_bytes(content)  # the compressed bytes could not be redacted on the wire

    async def _transfer(self, operation: str, method: str, url: str, **options: Any) -> httpx.Response:
        """One presigned-URL request (no SP-API headers), retried on transient failures."""

        refused = refusal(url, self.endpoint)
        if refused is not None:
            raise MalformedResponse(refused, field="url", service=AMAZON, operation=operation)

        async def attempt() -> httpx.Response:
            request = self._storage.build_request(method, url, **options)
            response = await send(self._storage, request, service=AMAZON, operation=operation)
            if not response.is_success:  # a redirect is not followed: it is an answer we cannot use
                raise error_from_response(response, service=AMAZON, operation=operation)
            return response

        return await call_with_retries(self._retry, attempt, service=AMAZON, safe_to_repeat=True)


def _gunzip(content: bytes) -> bytes:
    """A gzip document, at most ``MAX_DOCUMENT_BYTES`` decompressed (a report is small; a bomb is not)."""
    inflate = zlib.decompressobj(wbits=31)
    try:
        data = inflate.decompress(content, MAX_DOCUMENT_BYTES)
    except zlib.error:
        raise MalformedResponse(
            "document is not valid gzip", service=AMAZON, operation="downloadFeedDocument"
        ) from None
    if inflate.unconsumed_tail:
        raise MalformedResponse(
            f"document is larger than {MAX_DOCUMENT_BYTES // 1_000_000} MB once decompressed",
            service=AMAZON,
            operation="downloadFeedDocument",
        )
    if not inflate.eof:
        raise MalformedResponse(
            "document is not valid gzip", service=AMAZON, operation="downloadFeedDocument"
        )
    return data
