"""What every request goes through: faults, authentication, usage plans, headers, access log.

Operations belong to a family that decides the error dialect:
`spapi` (errors envelope), `lwa` (OAuth error), `magento` ({"message": ...}), `bucket` (S3 XML).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .accesslog import LogEntry
from .clock import iso
from .echo import echo_error
from .errors import ApiError
from .faults import DEFAULT_APPLIED_ERROR_STATUS, DEFAULT_ECHO_STATUS, DEFAULT_TIMEOUT_SECONDS, Fault
from .oauth1 import header_params
from .ratelimit import USAGE_PLANS

if TYPE_CHECKING:
    from .world import SandboxWorld

MAGENTO_UNAUTHORIZED_MESSAGE = "The consumer isn't authorized to access %resources."
MAGENTO_UNAUTHORIZED_PARAMETERS = {"resources": "Magento_Sales::sales"}
# the success status of a body-faulted answer (confirmShipment's 204 has no body: such a fault is a 200)
SUCCESS_STATUS = {"createFeedDocument": 201, "createFeed": 202}
ACCESS_DENIED = "Access to requested resource is denied."
TOKEN_EXPIRED = "The access token you provided has expired."


@dataclass
class RequestContext:
    operation: str
    seller_id: str | None = None
    fault: str | None = None

    @property
    def seller(self) -> str:
        """The authenticated selling partner: the pipeline sets it before any SP-API handler runs."""
        if self.seller_id is None:
            raise RuntimeError(f"{self.operation}: no authenticated selling partner")
        return self.seller_id


Handler = Callable[["SandboxWorld", Request, RequestContext], Awaitable[Response]]

# (status, code, message) per fault kind and family
FAULT_ERRORS: dict[str, dict[str, tuple[int, str, str]]] = {
    "429": {
        "spapi": (429, "QuotaExceeded", "You exceeded your quota for the requested resource."),
        "lwa": (429, "slow_down", "The request was throttled. Please retry later."),
        "magento": (429, "", "Too many requests. Please retry later."),
        "bucket": (503, "SlowDown", "Please reduce your request rate."),
    },
    "500": {
        "spapi": (500, "InternalFailure", "We encountered an internal error. Please try again."),
        "lwa": (500, "server_error", "The authorization server encountered an unexpected error."),
        "magento": (500, "", "Internal Error. Details are available in Magento log file."),
        "bucket": (500, "InternalError", "We encountered an internal error. Please try again."),
    },
    "503": {
        "spapi": (503, "ServiceUnavailable", "Service temporarily unavailable. Please try again."),
        "lwa": (503, "temporarily_unavailable", "The service is temporarily unavailable."),
        "magento": (503, "", "Service Unavailable"),
        "bucket": (503, "ServiceUnavailable", "Service is unable to handle request."),
    },
    "expired_token": {
        "spapi": (403, "Unauthorized", TOKEN_EXPIRED),
        "lwa": (400, "invalid_grant", "The request has an invalid grant parameter : refresh_token"),
        "magento": (401, "", MAGENTO_UNAUTHORIZED_MESSAGE),
        "bucket": (403, "AccessDenied", "Request has expired"),
    },
    "invalid_token": {
        "spapi": (403, "Unauthorized", ACCESS_DENIED),
        "lwa": (401, "invalid_client", "Client authentication failed"),
        "magento": (401, "", MAGENTO_UNAUTHORIZED_MESSAGE),
        "bucket": (
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
        ),
    },
}


def render_error(family: str, error: ApiError) -> Response:
    if family == "spapi":
        body: dict[str, object] = {"code": error.code, "message": error.message}
        if error.details is not None:
            body["details"] = error.details
        return JSONResponse({"errors": [body]}, status_code=error.status)
    if family == "lwa":
        return JSONResponse(
            {"error": error.code, "error_description": error.message}, status_code=error.status
        )
    if family == "bucket":
        xml = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{escape(error.code)}</Code>'
            f"<Message>{escape(error.message)}</Message>"
            f"<RequestId>{uuid.uuid4().hex[:16].upper()}</RequestId></Error>"
        )
        return Response(xml, status_code=error.status, media_type="application/xml")
    body = {"message": error.message}
    if error.parameters:
        body["parameters"] = error.parameters
    return JSONResponse(body, status_code=error.status)


def magento_unauthorized() -> ApiError:
    return ApiError(401, "", MAGENTO_UNAUTHORIZED_MESSAGE, parameters=MAGENTO_UNAUTHORIZED_PARAMETERS)


def operation_endpoint(
    sandbox: SandboxWorld, operation: str, family: str, handler: Handler, *, authenticate: bool = True
) -> Callable[[Request], Awaitable[Response]]:
    """Wrap a handler with the full request pipeline."""

    async def endpoint(request: Request) -> Response:
        context = RequestContext(operation)
        status = 0
        try:
            response = await _answer(sandbox, request, context, family, handler, authenticate)
            status = response.status_code
            _add_headers(response, family, operation, sandbox.rate_limiter.time_scale)
            return response
        finally:
            sandbox.log.append(
                LogEntry(
                    time=iso(sandbox.clock()),
                    method=request.method,
                    path=request.url.path,
                    query="" if family == "bucket" else request.url.query,
                    operation=operation,
                    status=status,
                    seller_id=context.seller_id,
                    fault=context.fault,
                )
            )

    return endpoint


async def _answer(
    sandbox: SandboxWorld,
    request: Request,
    context: RequestContext,
    family: str,
    handler: Handler,
    authenticate: bool,
) -> Response:
    try:
        fault = sandbox.faults.take(context.operation)
        if fault is not None:
            context.fault = fault.kind
            faulted = await _apply_fault(sandbox, request, fault, family, context.operation)
            if faulted is not None:
                return faulted
        if authenticate and family == "spapi":
            context.seller_id = _spapi_seller(sandbox, request)
            if not sandbox.rate_limiter.try_acquire(context.seller_id, context.operation):
                raise ApiError(429, *FAULT_ERRORS["429"]["spapi"][1:])
        elif authenticate and family == "magento":
            _magento_caller(sandbox, request)
        sandbox.settle()
        response = await handler(sandbox, request, context)
        if fault is not None and fault.kind == "late_answer":  # done; the answer comes too late
            await _hang(sandbox, request, fault.latency or DEFAULT_TIMEOUT_SECONDS)
        if fault is not None and fault.kind == "applied_error" and response.status_code < 400:
            return _server_error(family, fault.status or DEFAULT_APPLIED_ERROR_STATUS)  # done, yet an error
        return response
    except ApiError as error:
        return render_error(family, error)


def _spapi_seller(sandbox: SandboxWorld, request: Request) -> str:
    token = request.headers.get("x-amz-access-token", "")
    verdict, seller_id = sandbox.seller_for_access_token(token)
    if verdict == "expired":
        raise ApiError(403, "Unauthorized", TOKEN_EXPIRED, "")
    if verdict != "valid" or seller_id is None:  # a valid token always has its seller
        raise ApiError(403, "Unauthorized", ACCESS_DENIED, "")
    return seller_id


def _magento_caller(sandbox: SandboxWorld, request: Request) -> None:
    """OAuth 1.0a signed by the integration, or a Bearer token the store accepts; else Magento's 401."""
    oauth = header_params(request.headers.get("authorization", ""))
    if oauth is not None:
        url = request.url
        sandbox.magento_oauth.verify(
            request.method, url.scheme, url.hostname or "", url.port, url.path, url.query, oauth
        )
    elif not sandbox.magento_token_valid(_bearer(request)):
        raise magento_unauthorized()


def _bearer(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


async def _apply_fault(
    sandbox: SandboxWorld, request: Request, fault: Fault, family: str, operation: str
) -> Response | None:
    """The faulty answer, or None to carry on normally (after any latency)."""
    kind = fault.kind
    if kind in ("late_answer", "applied_error"):  # carried out first (see _answer)
        return None
    if kind == "latency":
        await asyncio.sleep(fault.latency)
        return None
    if kind == "timeout":
        await _hang(sandbox, request, fault.latency or DEFAULT_TIMEOUT_SECONDS)
        return render_error(family, ApiError(504, "RequestTimeout", "The request timed out."))
    if kind == "malformed_json":
        body = (
            b'<?xml version="1.0"?><AmazonEnvelope><Mess'
            if family == "bucket"
            else (b'{"errors": [{"code": "Intern')
        )
        return Response(
            body,
            status_code=SUCCESS_STATUS.get(operation, 200),
            media_type="application/xml" if family == "bucket" else "application/json",
        )
    if kind == "schema_invalid":
        if family == "bucket":
            return Response("<Unexpected>payload</Unexpected>", media_type="application/xml")
        return JSONResponse({"payload": None}, status_code=SUCCESS_STATUS.get(operation, 200))
    if kind == "magento_401":
        return render_error("magento", magento_unauthorized())
    if kind == "echo":
        return render_error(family, await echo_error(request, family, fault.status or DEFAULT_ECHO_STATUS))
    status, code, message = FAULT_ERRORS[kind][family]
    if family == "magento" and status == 401:
        return render_error("magento", magento_unauthorized())
    return render_error(family, ApiError(status, code, message, "" if family == "spapi" else None))


def _server_error(family: str, status: int) -> Response:
    """A 5xx in the family's dialect (the 500 or 503 fault's words where there are some)."""
    known = FAULT_ERRORS.get(str(status))
    if known is not None:
        status, code, message = known[family]
    else:
        code, message = FAULT_ERRORS["500"][family][1:]
    return render_error(family, ApiError(status, code, message, "" if family == "spapi" else None))


async def _hang(sandbox: SandboxWorld, request: Request, seconds: float) -> None:
    """Do not answer: until `seconds` pass, the client leaves, or faults are cleared."""
    generation = sandbox.fault_generation
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and sandbox.fault_generation == generation:
        if await request.is_disconnected():
            return
        await asyncio.sleep(0.05)


def _add_headers(response: Response, family: str, operation: str, time_scale: float) -> None:
    """Amazon's headers; the rate is the one this sandbox applies (its usage plan × time_scale)."""
    if family != "spapi":
        return
    response.headers["x-amzn-RequestId"] = str(uuid.uuid4())
    plan = USAGE_PLANS.get(operation)
    status = response.status_code
    if plan is not None and (200 <= status < 300 or status in (400, 404)):
        response.headers["x-amzn-RateLimit-Limit"] = f"{plan.rate * time_scale:g}"
