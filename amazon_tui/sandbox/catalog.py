"""The fixed cast of the sandbox: credentials and the seeded Amazon stores.

These values never change with the seed, so a config printed by `amazon-tui sandbox config`
keeps working after `amazon-tui sandbox reset`.
"""

from __future__ import annotations

from typing import NamedTuple

SANDBOX_CLIENT_ID = "amzn1.application-oa2-client.sandbox0000000000000000000000000"
SANDBOX_CLIENT_SECRET = "amzn1.oa2-cs.v1.sandbox-client-secret-not-a-real-secret"
# The integration's four values (Magento shows them under Integration Details); its access
# token is also what a store that allows it takes as a standalone Bearer token.
MAGENTO_CONSUMER_KEY = "sandboxconsumerkey00000000000000"
MAGENTO_CONSUMER_SECRET = "sandboxconsumersecret00000000000"
MAGENTO_INTEGRATION_TOKEN = "sandbox-magento-integration-token-0000000000"
MAGENTO_ACCESS_TOKEN_SECRET = "sandboxaccesstokensecret00000000"
MAGENTO_ADMIN_USERNAME = "admin"
MAGENTO_ADMIN_PASSWORD = "sandbox-admin-1"


class SandboxStore(NamedTuple):
    """One Amazon seller account (one marketplace) linked to one Magento store view."""

    name: str
    marketplace: str  # the marketplace code used in config.toml (US, GB, ...)
    marketplace_id: str
    marketplace_name: str
    country_code: str
    currency: str
    seller_id: str
    refresh_token: str
    magento_store_id: int
    magento_website: str
    active: bool
    order_id_prefixes: tuple[str, ...]


STORES: tuple[SandboxStore, ...] = (
    SandboxStore(
        name="Acme US",
        marketplace="US",
        marketplace_id="ATVPDKIKX0DER",
        marketplace_name="Amazon.com",
        country_code="US",
        currency="USD",
        seller_id="A1SANDBOXACMEUS",
        refresh_token="Atzr|sandbox-refresh-token-acme-us",
        magento_store_id=1,
        magento_website="Main Website",
        active=True,
        order_id_prefixes=("111", "112", "113", "114"),
    ),
    SandboxStore(
        name="Acme UK",
        marketplace="GB",
        marketplace_id="A1F83G8C2ARO7P",
        marketplace_name="Amazon.co.uk",
        country_code="GB",
        currency="GBP",
        seller_id="A2SANDBOXACMEUK",
        refresh_token="Atzr|sandbox-refresh-token-acme-uk",
        magento_store_id=2,
        magento_website="UK Website",
        active=True,
        order_id_prefixes=("202", "203", "204", "205", "206"),
    ),
    SandboxStore(
        name="Acme CA",
        marketplace="CA",
        marketplace_id="A2EUQ1WTGCTBG2",
        marketplace_name="Amazon.ca",
        country_code="CA",
        currency="CAD",
        seller_id="A3SANDBOXACMECA",
        refresh_token="Atzr|sandbox-refresh-token-acme-ca",
        magento_store_id=3,
        magento_website="Canada Website",
        active=True,
        order_id_prefixes=("701", "702"),
    ),
    SandboxStore(
        name="Acme DE",
        marketplace="DE",
        marketplace_id="A1PA6795UKMFR9",
        marketplace_name="Amazon.de",
        country_code="DE",
        currency="EUR",
        seller_id="A4SANDBOXACMEDE",
        refresh_token="Atzr|sandbox-refresh-token-acme-de",
        magento_store_id=4,
        magento_website="DE Website",
        active=False,
        order_id_prefixes=("302", "303", "304", "305", "306"),
    ),
)


def find_store(name_or_seller_id: str) -> SandboxStore:
    """The store with this name or seller id (case-insensitive name match)."""
    for store in STORES:
        if name_or_seller_id == store.seller_id or store.name.casefold() == name_or_seller_id.casefold():
            return store
    raise KeyError(f"no sandbox store named {name_or_seller_id!r}")


def store_for_seller(seller_id: str) -> SandboxStore:
    return next(store for store in STORES if store.seller_id == seller_id)


def magento_credentials(auth: str = "oauth1") -> dict:
    """The [magento] sign-in keys: OAuth 1.0a (the 2.4.4+ default), a Bearer token, or an admin login."""
    if auth == "bearer":
        return {"token": MAGENTO_INTEGRATION_TOKEN}
    if auth == "admin":
        return {"username": MAGENTO_ADMIN_USERNAME, "password": MAGENTO_ADMIN_PASSWORD}
    return {
        "consumer_key": MAGENTO_CONSUMER_KEY,
        "consumer_secret": MAGENTO_CONSUMER_SECRET,
        "access_token": MAGENTO_INTEGRATION_TOKEN,
        "access_token_secret": MAGENTO_ACCESS_TOKEN_SECRET,
    }


def sandbox_config(base_url: str, magento_auth: str = "oauth1") -> dict:
    """A config.toml document (as a dict) pointing every service at a sandbox at `base_url`."""
    base_url = base_url.rstrip("/")
    return {
        "amazon": {
            "client_id": SANDBOX_CLIENT_ID,
            "client_secret": SANDBOX_CLIENT_SECRET,
            "lwa_endpoint": f"{base_url}/auth/o2/token",
        },
        "magento": {
            "base_url": base_url,
            **magento_credentials(magento_auth),
            "amazon_order_field": "payment.po_number",
            "on_amazon_cancel": "refund",
        },
        "stores": [
            {
                "name": store.name,
                "marketplace": store.marketplace,
                "seller_id": store.seller_id,
                "refresh_token": store.refresh_token,
                "endpoint": base_url,
                "magento_store_id": store.magento_store_id,
                "magento_website": store.magento_website,
                "active": store.active,
            }
            for store in STORES
        ],
    }
