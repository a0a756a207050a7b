"""The document bucket behind the presigned URLs (S3-like: no access token, signed query).

When told to (`set_document_urls(redirect=...)`), it redirects every request instead."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from . import feeds
from .pipeline import RequestContext

if TYPE_CHECKING:
    from .world import SandboxWorld


def _redirected(sandbox: SandboxWorld) -> Response | None:
    urls = sandbox.document_urls
    return None if urls.redirect is None else RedirectResponse(urls.redirect, urls.redirect_status)


async def upload(sandbox: SandboxWorld, request: Request, context: RequestContext) -> Response:
    if (moved := _redirected(sandbox)) is not None:
        return moved
    document_id = request.path_params["documentId"]
    feeds.check_presigned(
        sandbox,
        "upload",
        document_id,
        request.query_params.get("expires", ""),
        request.query_params.get("sig", ""),
    )
    etag = feeds.store_upload(
        sandbox, document_id, request.headers.get("content-type", ""), await request.body()
    )
    return Response(status_code=200, headers={"ETag": f'"{etag}"'})


async def download(sandbox: SandboxWorld, request: Request, context: RequestContext) -> Response:
    if (moved := _redirected(sandbox)) is not None:
        return moved
    document_id = request.path_params["documentId"]
    content_encoding = request.query_params.get("ce", "")
    feeds.check_presigned(
        sandbox,
        "download",
        document_id,
        request.query_params.get("expires", ""),
        request.query_params.get("sig", ""),
        content_encoding,
    )
    content, content_type, compression = feeds.document_content(sandbox, document_id)
    headers = {"Content-Encoding": "gzip"} if content_encoding == "gzip" and compression else {}
    return Response(content, media_type=content_type, headers=headers)
