"""OAuth 1.0a as Magento verifies it (RFC 5849, HMAC-SHA256 or HMAC-SHA1), written for the sandbox.

The sandbox shares no code with the clients: this is the other side of the wire, so that a
misreading of the signature rules cannot hide in both. Signed: the method, the base URI, the
query parameters as sent and the oauth_* parameters; a JSON body is not (only a form body
would be). A nonce is accepted once; a timestamp more than ``TIMESTAMP_WINDOW`` seconds off the
server's wall clock is refused. The messages are Magento's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import time
from urllib.parse import parse_qsl, quote, unquote

from .errors import ApiError

TIMESTAMP_WINDOW = 600  # seconds either side of the server's clock
CONSUMER_UNKNOWN = "A consumer having the specified key does not exist"
TOKEN_UNKNOWN = "Specified token does not exist"
SIGNATURE_INVALID = "The signature is invalid. Verify and try again."
TIMESTAMP_INVALID = "The timestamp is invalid. Verify and try again."
NONCE_USED = "The nonce is already being used by the consumer with ID %1. Verify the nonce and try again."
METHOD_UNSUPPORTED = "Signature method %1 is not supported"
HASHES = {"HMAC-SHA256": hashlib.sha256, "HMAC-SHA1": hashlib.sha1}


def _enc(text: str) -> str:
    return quote(text, safe="~-._")


def header_params(authorization: str) -> dict[str, str] | None:
    """The parameters of an ``Authorization: OAuth ...`` header, or None for another scheme."""
    scheme, _, rest = authorization.strip().partition(" ")
    if scheme.lower() != "oauth":
        return None
    params = {}
    for part in rest.split(","):
        name, sep, value = part.strip().partition("=")
        if sep:
            params[unquote(name.strip())] = unquote(value.strip().strip('"'))
    return params


def base_string(
    method: str, scheme: str, host: str, port: int | None, path: str, query: str, oauth: dict[str, str]
) -> str:
    """RFC 5849 3.4.1: METHOD&base-uri&normalized-parameters, each part percent-encoded."""
    default = {"http": 80, "https": 443}.get(scheme.lower())
    authority = host.lower() + (f":{port}" if port and port != default else "")
    uri = f"{scheme.lower()}://{authority}{path}"
    pairs = parse_qsl(query, keep_blank_values=True)
    pairs += [(name, value) for name, value in oauth.items() if name not in ("oauth_signature", "realm")]
    normalized = "&".join(f"{name}={value}" for name, value in sorted((_enc(n), _enc(v)) for n, v in pairs))
    return "&".join(_enc(part) for part in (method.upper(), uri, normalized))


def signature(method_name: str, base: str, consumer_secret: str, token_secret: str) -> str:
    key = f"{_enc(consumer_secret)}&{_enc(token_secret)}".encode()
    return base64.b64encode(hmac.new(key, base.encode(), HASHES[method_name]).digest()).decode()


class OAuthVerifier:
    """One Magento integration (consumer id 1) and the nonces it has used."""

    def __init__(self, consumer_key: str, consumer_secret: str, access_token: str, token_secret: str) -> None:
        self.consumer_key, self.consumer_secret = consumer_key, consumer_secret
        self.access_token, self.token_secret = access_token, token_secret
        self._nonces: dict[str, float] = {}
        self._lock = threading.Lock()

    def verify(
        self,
        method: str,
        scheme: str,
        host: str,
        port: int | None,
        path: str,
        query: str,
        oauth: dict[str, str],
    ) -> None:
        """Return when the request is signed by the integration; raise Magento's 401 otherwise."""
        name = oauth.get("oauth_signature_method", "")
        if name not in HASHES:
            raise ApiError(401, "", METHOD_UNSUPPORTED, parameters=[name])
        if not hmac.compare_digest(oauth.get("oauth_consumer_key", ""), self.consumer_key):
            raise ApiError(401, "", CONSUMER_UNKNOWN)
        if not hmac.compare_digest(oauth.get("oauth_token", ""), self.access_token):
            raise ApiError(401, "", TOKEN_UNKNOWN)
        now = time.time()
        try:
            stamp = int(oauth.get("oauth_timestamp", ""))
        except ValueError:
            raise ApiError(401, "", TIMESTAMP_INVALID) from None
        if abs(now - stamp) > TIMESTAMP_WINDOW:
            raise ApiError(401, "", TIMESTAMP_INVALID)
        expected = signature(
            name,
            base_string(method, scheme, host, port, path, query, oauth),
            self.consumer_secret,
            self.token_secret,
        )
        if not hmac.compare_digest(oauth.get("oauth_signature", ""), expected):
            raise ApiError(401, "", SIGNATURE_INVALID)
        nonce = oauth.get("oauth_nonce", "")
        with self._lock:
            for seen, when in list(self._nonces.items()):
                if now - when > 2 * TIMESTAMP_WINDOW:
                    del self._nonces[seen]
            if not nonce or nonce in self._nonces:
                raise ApiError(401, "", NONCE_USED, parameters=["1"])
            self._nonces[nonce] = now
