"""Refuse cross-site requests to the admin routes: a web page must not reset a served sandbox.

A state-changing admin request (POST, PUT, PATCH, DELETE) is accepted only when its
Content-Type is application/json (a browser cannot send that cross-origin without a CORS
preflight, which the sandbox never grants) and it carries no Origin header, or the sandbox's
own origin (scheme://host:port the request was addressed to). GET stays open.

Every admin request (GET too) must also be addressed to a loopback name (``localhost``,
127.0.0.0/8, ``::1``) or a name that cannot resolve (``*.invalid``, ``testserver``, what
in-process clients use): a page whose own domain was made to resolve to 127.0.0.1 (DNS
rebinding) is same-origin with itself, not with the sandbox, and is refused by its Host.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from starlette.requests import Request

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
DEFAULT_PORTS = {"http": 80, "https": 443}
CROSS_SITE_REFUSED = (
    "cross-site request refused: state-changing /_sandbox/ requests need"
    " Content-Type: application/json and no Origin other than the sandbox's own"
)


FOREIGN_HOST_REFUSED = (
    "request refused: /_sandbox/ answers only requests addressed to localhost or a loopback address"
)


def is_foreign_host(request: Request) -> bool:
    """Whether the request names a host that is not this machine's loopback (DNS rebinding)."""
    host = (request.url.hostname or "").lower().rstrip(".")
    if host in ("localhost", "testserver") or host.endswith((".localhost", ".invalid")):
        return False
    try:
        return not ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return True


def is_cross_site(request: Request) -> bool:
    """Whether this admin request must be refused as one a browser could forge."""
    if request.method not in STATE_CHANGING:
        return False
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        return True
    origin = request.headers.get("origin")
    return origin is not None and _origin_key(origin) != _own_origin_key(request)


def _origin_key(origin: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of an Origin header; "null" and garbage give a key no request has."""
    try:
        parts = urlsplit(origin.strip())
        port = parts.port
    except ValueError:
        return ("", "", None)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), port or DEFAULT_PORTS.get(scheme)


def _own_origin_key(request: Request) -> tuple[str, str, int | None]:
    url = request.url
    scheme = url.scheme.lower()
    return scheme, (url.hostname or "").lower(), url.port or DEFAULT_PORTS.get(scheme)
