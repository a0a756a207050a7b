"""How the Magento client signs in, and what it says when Magento refuses.

- OAuth 1.0a with an integration's four values, HMAC-SHA256 (``OAuth1Signer``): the default a
  Magento 2.4.4+ store accepts. Signing is oauthlib's: every query parameter as sent (the
  ``searchCriteria[...]`` brackets), the oauth_* parameters, never a JSON body (Magento signs
  form bodies only), a fresh nonce and timestamp per request (a retry is signed anew).
- The integration's access token as a Bearer token: only where the store allows it.
- An admin login: blocked by two-factor authentication by default.
"""

from __future__ import annotations

from typing import NamedTuple

import httpx

from amazon_tui.clients.errors import AuthError, ServiceError

WHERE = "System > Extensions > Integrations > the integration's Integration Details"
OAUTH_VALUES = "consumer_key, consumer_secret, access_token, access_token_secret"
BEARER_REFUSED = (
    "Magento refused the integration token as a standalone Bearer token, "
    "as Magento 2.4.4 and newer do by default. "
    f"Put the integration's four OAuth 1.0a values in [magento] ({OAUTH_VALUES}; {WHERE}), "
    "or set Stores > Configuration > Services > OAuth > Consumer Settings > "
    '"Allow OAuth Access Tokens to be used as standalone Bearer tokens" to Yes.'
)
TWO_FACTOR_REFUSED = (
    "Magento refused the admin login for two-factor authentication "
    "(Magento_TwoFactorAuth, on by default): no admin token is issued without the second factor. "
    f"Use the integration's four OAuth 1.0a values instead ({OAUTH_VALUES}; {WHERE})."
)


class OAuth1Credentials(NamedTuple):
    consumer_key: str
    consumer_secret: str
    access_token: str
    access_token_secret: str


class OAuth1Signer:
    """Adds an OAuth 1.0a ``Authorization`` header (HMAC-SHA256) to each request."""

    def __init__(self, credentials: OAuth1Credentials) -> None:
        from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256, Client

        self._client = Client(
            credentials.consumer_key,
            client_secret=credentials.consumer_secret,
            resource_owner_key=credentials.access_token,
            resource_owner_secret=credentials.access_token_secret,
            signature_method=SIGNATURE_HMAC_SHA256,
        )

    def sign(self, request: httpx.Request) -> httpx.Request:
        """Sign the URL as it goes on the wire and the method; the body is not signed (JSON)."""
        _, headers, _ = self._client.sign(str(request.url), http_method=request.method)
        request.headers["Authorization"] = headers["Authorization"]
        return request


def oauth_hint(message: str) -> str:
    """Which of the four values is likely wrong, from Magento's refusal."""
    text = message.lower()
    if "nonce" in text or "timestamp" in text:
        return (
            "Magento refused the request's timestamp or nonce: "
            "check this machine's clock (it must be within minutes of Magento's)."
        )
    if "signature" in text:
        return (
            "The signature did not match: consumer_secret or access_token_secret is likely wrong "
            "(or a proxy changed the URL)."
        )
    if (
        "consumer" in text
        and ("exist" in text or "length" in text or "key" in text)
        and "authorized" not in text
    ):
        return "consumer_key is likely wrong."
    if "token" in text and ("exist" in text or "length" in text or "revoked" in text or "invalid" in text):
        return "access_token is likely wrong, or the integration was reauthorized (its access token changed)."
    return (
        "The signature or the integration was refused: check consumer_secret and access_token_secret, "
        "and that the integration is active with access to Magento_Sales::sales (its API resources)."
    )


def explain_refusal(error: ServiceError, auth: str) -> ServiceError:
    """A 401 (or a refused login) with what to do about it, for the way the client signs in."""
    if not isinstance(error, AuthError) or error.status not in (400, 401):
        return error
    if auth == "bearer":
        hint = BEARER_REFUSED
    elif auth == "oauth1":
        hint = oauth_hint(error.message)
    elif (
        "2fa" in error.message.lower()
        or "two-factor" in error.message.lower()
        or "provider-specific" in error.message.lower()
    ):
        hint = TWO_FACTOR_REFUSED
    else:
        return error
    return AuthError(
        f"{error.message} — {hint}",
        service=error.service,
        operation=error.operation,
        status=error.status,
        code=error.code,
        request_id=error.request_id,
    )
