"""The shared httpx client and the single place where a request goes on the wire.

``send`` bounds every attempt with an overall deadline (httpx's own timeouts are per
phase, and the in-process ASGI transport ignores them), and turns transport failures into
the typed errors of ``errors``. ``read_json`` and ``validate`` turn bad payloads into
``MalformedResponse`` naming the offending field.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import json
import urllib.request
from decimal import Decimal
from http.cookiejar import Cookie
from importlib import metadata
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from amazon_tui.clients.errors import ConnectionFailed, MalformedResponse, ServiceTimeout
from amazon_tui.domain.secrets import SECRETS

DEFAULT_TIMEOUT = 20.0
ModelT = TypeVar("ModelT", bound=BaseModel)


def app_version() -> str:
    """The installed version of amazon-tui."""
    import amazon_tui

    version = getattr(amazon_tui, "__version__", None)
    if version:
        return str(version)
    try:
        return metadata.version("amazon-tui")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def default_user_agent() -> str:
    return f"amazon-tui/{app_version()} (Language=Python)"


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    """Refuses every cookie: SP-API, LWA and Magento REST are authorised by tokens alone.

    httpx keeps a client's cookies and sends them to the same host again: with two stores on
    one endpoint, a cookie set for one seller (a session, a load balancer's affinity) would
    ride along on the other seller's requests.
    """

    def set_ok(self, cookie: Cookie, request: urllib.request.Request) -> bool:
        return False

    def return_ok(self, cookie: Cookie, request: urllib.request.Request) -> bool:
        return False


def make_http_client(
    *,
    base_url: str = "",
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    user_agent: str | None = None,
) -> httpx.AsyncClient:
    """An HTTP/1.1 keep-alive client with explicit timeouts and limits; TLS is always verified.

    It keeps no cookies (``_NoCookies``): nothing of one store's requests reaches another's.

    ``timeout`` bounds each request attempt as a whole (see ``send``) and each phase of it.
    """
    return httpx.AsyncClient(
        base_url=base_url,
        transport=transport,
        timeout=httpx.Timeout(connect=min(timeout, 10.0), read=timeout, write=timeout, pool=timeout),
        limits=httpx.Limits(max_connections=20, max_keepalive_connections=10, keepalive_expiry=30.0),
        headers={"User-Agent": user_agent or default_user_agent()},
        cookies=http.cookiejar.CookieJar(policy=_NoCookies()),
        verify=True,
        http1=True,
        http2=False,
        follow_redirects=False,
    )


def attempt_deadline(http: httpx.AsyncClient) -> float:
    """Seconds one request attempt may take in total on this client."""
    return http.timeout.read or DEFAULT_TIMEOUT


async def send(
    http: httpx.AsyncClient,
    request: httpx.Request,
    *,
    service: str,
    operation: str,
    answer_is_secret: bool = False,
) -> httpx.Response:
    """Send one request, bounded by the client's deadline, mapping transport failures to typed errors.

    The answer comes back with every secret this process knows redacted (a server that echoes
    the request leaks nothing further); ``answer_is_secret``: a success carries a token we asked
    for (a token endpoint), to be read as sent — its errors are still redacted.
    """
    deadline = attempt_deadline(http)
    context = {"service": service, "operation": operation}
    try:
        async with asyncio.timeout(deadline):
            response = await http.send(request)
    except TimeoutError:
        raise ServiceTimeout(f"no answer within {deadline:g} s", reached_server=True, **context) from None
    except (httpx.ConnectTimeout, httpx.PoolTimeout):
        raise ServiceTimeout("timed out connecting", reached_server=False, **context) from None
    except httpx.TimeoutException as exc:
        raise ServiceTimeout(f"timed out ({type(exc).__name__})", reached_server=True, **context) from None
    except httpx.ConnectError as exc:
        raise ConnectionFailed(
            f"could not connect ({_reason(exc)})", reached_server=False, **context
        ) from None
    except httpx.TransportError as exc:
        raise ConnectionFailed(f"connection lost ({_reason(exc)})", reached_server=True, **context) from None
    if answer_is_secret and response.is_success:
        return response
    return redacted(response)


def redacted(response: httpx.Response) -> httpx.Response:
    """``response`` with every known secret taken out of its body and headers (itself when none is there)."""
    body = SECRETS.redact_bytes(response.content)
    headers = [(name, SECRETS.redact(value)) for name, value in response.headers.multi_items()]
    if body is response.content and headers == response.headers.multi_items():
        return response
    skip = {"content-encoding", "content-length", "transfer-encoding"}  # the body given is the decoded one
    return httpx.Response(
        response.status_code,
        headers=[(name, value) for name, value in headers if name.lower() not in skip],
        content=body,
        request=response.request,
        extensions=response.extensions,
    )


def read_json(
    response: httpx.Response, *, service: str, operation: str, request_id: str | None = None
) -> Any:
    """The JSON body, with decimals kept exact; invalid JSON raises ``MalformedResponse``."""
    try:
        return json.loads(response.content, parse_float=Decimal)
    except ValueError as exc:
        where = f" at line {exc.lineno} column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise MalformedResponse(
            f"response is not valid JSON{where}",
            service=service,
            operation=operation,
            request_id=request_id,
        ) from None


def validate(
    model: type[ModelT], data: Any, *, service: str, operation: str, request_id: str | None = None
) -> ModelT:
    """``data`` as ``model``; a payload that does not match raises ``MalformedResponse`` naming the field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        field = field_path(first["loc"])
        more = f" (+{exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise MalformedResponse(
            f"invalid {field or 'payload'}: {first['msg']}{more}",
            field=field,
            service=service,
            operation=operation,
            request_id=request_id,
        ) from None


def field_path(loc: tuple[int | str, ...]) -> str:
    """A pydantic error location as a readable path: ``orders[0].proceeds.grandTotal``."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _reason(exc: Exception) -> str:
    return SECRETS.redact(str(exc).strip())[:120] or type(exc).__name__
