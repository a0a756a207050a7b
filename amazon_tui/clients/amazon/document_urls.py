"""Which presigned document URLs the app will fetch or upload to.

Amazon's feed and report documents live on Amazon's own storage: HTTPS on a host under
``amazonaws.com`` (``tortuga-prod-na.s3-external-1.amazonaws.com``) or ``amazon.com``, or the
CloudFront host of Amazon's own getFeedDocument example (``d34o8swod1owfl.cloudfront.net``). The
configured SP-API endpoint's own origin is allowed too (the sandbox, a test server, a proxy the
operator chose). Anything else — another service on this host, a plain-HTTP URL, a foreign
domain — is refused before a byte is sent: a hostile or broken answer must not make the app
reach into the operator's network.
"""

from __future__ import annotations

from urllib.parse import urlsplit

AMAZON_DOCUMENT_DOMAINS = ("amazonaws.com", "amazon.com")
AMAZON_DOCUMENT_HOSTS = ("d34o8swod1owfl.cloudfront.net",)  # feeds_2021-06-30.json, getFeedDocument
DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: str) -> tuple[str, str, int | None] | None:
    try:
        parts = urlsplit(url)
        port = parts.port or DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:
        return None
    if not parts.hostname:
        return None
    return parts.scheme.lower(), parts.hostname.lower().rstrip("."), port


def refusal(url: str, endpoint: str) -> str | None:
    """Why ``url`` must not be fetched (None: it may), for a store whose SP-API endpoint is ``endpoint``."""
    origin = _origin(url)
    if origin is None:
        return "the document URL is not a valid URL"
    if origin == _origin(endpoint):
        return None
    scheme, host, port = origin
    if scheme != "https" or port != 443:
        return f"the document URL is not HTTPS on Amazon's storage ({scheme}://{host[:60]}:{port})"
    if host not in AMAZON_DOCUMENT_HOSTS and not any(
        host == domain or host.endswith("." + domain) for domain in AMAZON_DOCUMENT_DOMAINS
    ):
        return f"the document URL is not on Amazon's storage ({host[:60]})"
    return None
