"""Feeds API 2021-06-30: documents, feeds, and the feed list."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import feeds
from .clock import iso, parse_iso
from .errors import invalid_input
from .params import date_param, enum_list_param, int_param, json_body, list_param
from .pipeline import RequestContext

if TYPE_CHECKING:
    from .world import SandboxWorld

PROCESSING_STATUSES = ("CANCELLED", "DONE", "FATAL", "IN_PROGRESS", "IN_QUEUE")
FEED_RETENTION = timedelta(days=90)


def base_url(sandbox: SandboxWorld, request: Request) -> str:
    """The origin the client used, so returned URLs work in-process and over a socket; or the
    base the sandbox was told to hand out (document_urls.py)."""
    return sandbox.document_urls.base_for(str(request.base_url))


async def create_feed_document(
    sandbox: SandboxWorld, request: Request, context: RequestContext
) -> JSONResponse:
    body = await json_body(request)
    content_type = body.get("contentType")
    if not isinstance(content_type, str) or not content_type.strip():
        raise invalid_input("contentType is required.", "contentType")
    document_id = feeds.create_document(sandbox, context.seller, content_type)
    url = feeds.presigned_url(sandbox, base_url(sandbox, request), "upload", document_id)
    return JSONResponse({"feedDocumentId": document_id, "url": url}, status_code=201)


async def create_feed(sandbox: SandboxWorld, request: Request, context: RequestContext) -> JSONResponse:
    body = await json_body(request)
    feed_type, markets = body.get("feedType"), body.get("marketplaceIds")
    document_id, options = body.get("inputFeedDocumentId"), body.get("feedOptions", {})
    if not isinstance(feed_type, str) or not feed_type:
        raise invalid_input("feedType is required.", "feedType")
    if not isinstance(markets, list) or not 1 <= len(markets) <= 25:
        raise invalid_input("marketplaceIds must list 1 to 25 marketplace ids.", "marketplaceIds")
    if not isinstance(document_id, str) or not document_id:
        raise invalid_input("inputFeedDocumentId is required.", "inputFeedDocumentId")
    if not isinstance(options, dict) or not all(isinstance(v, str) for v in options.values()):
        raise invalid_input("feedOptions must map names to strings.", "feedOptions")
    feed_id = feeds.create_feed(sandbox, context.seller, feed_type, markets, document_id)
    return JSONResponse({"feedId": feed_id}, status_code=202)


async def get_feed(sandbox: SandboxWorld, request: Request, context: RequestContext) -> JSONResponse:
    return JSONResponse(feeds.get_feed(sandbox, context.seller, request.path_params["feedId"]))


async def cancel_feed(sandbox: SandboxWorld, request: Request, context: RequestContext) -> Response:
    feeds.cancel_feed(sandbox, context.seller, request.path_params["feedId"])
    return Response(status_code=200)


async def get_feeds(sandbox: SandboxWorld, request: Request, context: RequestContext) -> JSONResponse:
    now = sandbox.clock()
    token = request.query_params.get("nextToken")
    if token:
        if len(request.query_params) > 1:
            raise invalid_input("nextToken must be the only parameter.", "nextToken")
        try:
            query = json.loads(base64.urlsafe_b64decode(token.encode()))
        except ValueError:
            raise invalid_input("Invalid nextToken.", "nextToken") from None
    else:
        feed_types = list_param(request, "feedTypes")
        if not 1 <= len(feed_types) <= 10:
            raise invalid_input("Either feedTypes or nextToken is required.", "feedTypes")
        since = date_param(request, "createdSince") or now - FEED_RETENTION
        until = date_param(request, "createdUntil") or now
        query = {
            "feed_types": feed_types,
            "statuses": enum_list_param(request, "processingStatuses", PROCESSING_STATUSES),
            "marketplace_ids": list_param(request, "marketplaceIds"),
            "since": iso(since),
            "until": iso(until),
            "page_size": int_param(request, "pageSize", 10, 1, 100),
            "offset": 0,
        }
    page, more = feeds.list_feeds(
        sandbox,
        context.seller,
        feed_types=query["feed_types"],
        statuses=query["statuses"],
        marketplace_ids=query["marketplace_ids"],
        since=parse_iso(query["since"]),
        until=parse_iso(query["until"]),
        page_size=query["page_size"],
        offset=query["offset"],
    )
    body: dict = {"feeds": page}
    if more:
        query["offset"] += query["page_size"]
        body["nextToken"] = base64.urlsafe_b64encode(json.dumps(query).encode()).decode()
    return JSONResponse(body)


async def get_feed_document(sandbox: SandboxWorld, request: Request, context: RequestContext) -> JSONResponse:
    header = request.query_params.get("enableContentEncodingUrlHeader", "false").lower() == "true"
    info = feeds.document_info(
        sandbox, context.seller, request.path_params["feedDocumentId"], base_url(sandbox, request), header
    )
    return JSONResponse(info)
