"""The "echo" fault: an error that hands the request back, secrets included, as careless servers
and proxies do; in the dialect of the operation's family (the pipeline renders it)."""

from __future__ import annotations

from starlette.requests import Request

from .errors import ApiError

MAGENTO_ECHO = 'The request could not be processed. Authorization: "%1"; body: "%2"'


async def echo_error(request: Request, family: str, status: int) -> ApiError:
    """LWA: the form body as error_description; SP-API: the request line and body as message,
    every header as details; Magento: Authorization and body as parameters; bucket: the URL
    (its signature too) and every header in the S3 Message."""
    body = (await request.body()).decode("utf-8", "replace")
    headers = "; ".join(f"{name}: {value}" for name, value in request.headers.items())
    line = f"{request.method} {request.url}"
    if family == "lwa":
        return ApiError(status, "invalid_request", body)
    if family == "spapi":
        return ApiError(status, "InvalidInput", f"Invalid request {line}: {body}", headers)
    if family == "magento":
        return ApiError(status, "", MAGENTO_ECHO, parameters=[request.headers.get("authorization", ""), body])
    return ApiError(status, "InvalidRequest", f"Invalid request {line} with headers {headers}")
