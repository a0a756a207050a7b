"""Who may call: LWA and Magento admin access tokens, the integration's token, the signing key."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from .catalog import (
    MAGENTO_ACCESS_TOKEN_SECRET,
    MAGENTO_CONSUMER_KEY,
    MAGENTO_CONSUMER_SECRET,
    MAGENTO_INTEGRATION_TOKEN,
)
from .clock import parse_iso
from .db import Database
from .oauth1 import OAuthVerifier

MAGENTO_ADMIN_TOKEN_TTL = timedelta(hours=4)


def signing_key(db: Database) -> bytes:
    """The key presigned URLs and nextTokens are signed with: made once, kept with the data."""
    stored = db.get_meta("signing_key")
    if stored:
        return bytes.fromhex(stored)
    key = secrets.token_bytes(32)
    db.set_meta("signing_key", key.hex())
    return key


def magento_oauth_verifier() -> OAuthVerifier:
    """Checks OAuth 1.0a requests signed with the sandbox integration's keys."""
    return OAuthVerifier(
        MAGENTO_CONSUMER_KEY,
        MAGENTO_CONSUMER_SECRET,
        MAGENTO_INTEGRATION_TOKEN,
        MAGENTO_ACCESS_TOKEN_SECRET,
    )


class Tokens:
    """The access tokens the sandbox issued, and whether a presented one is good now."""

    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.clock = clock

    def issue_access_token(self, subject: str, ttl_seconds: int) -> str:
        """An LWA access token for a seller (or the application's grantless subject)."""
        token = "Atza|" + secrets.token_urlsafe(48)
        expires = self.clock() + timedelta(seconds=ttl_seconds)
        self.db.execute(
            "INSERT INTO access_tokens (token, kind, subject, expires_at) VALUES (?, 'lwa', ?, ?)",
            (token, subject, expires.isoformat()),
        )
        return token

    def seller_for_access_token(self, token: str) -> tuple[str, str | None]:
        """("valid", seller_id), ("expired", None) or ("invalid", None)."""
        row = self.db.query_one(
            "SELECT subject, expires_at FROM access_tokens WHERE token = ? AND kind = 'lwa'", (token,)
        )
        if not token or row is None:
            return "invalid", None
        if parse_iso(row["expires_at"]) <= self.clock():
            return "expired", None
        return "valid", row["subject"]

    def issue_magento_admin_token(self) -> str:
        token = secrets.token_hex(16)
        expires = self.clock() + MAGENTO_ADMIN_TOKEN_TTL
        self.db.execute(
            "INSERT INTO access_tokens (token, kind, subject, expires_at)"
            " VALUES (?, 'magento_admin', 'admin', ?)",
            (token, expires.isoformat()),
        )
        return token

    def magento_token_valid(self, token: str, *, integration_token_as_bearer: bool) -> bool:
        """A Bearer token: an admin token, or the integration's where the store allows that."""
        if not token:
            return False
        if secrets.compare_digest(token, MAGENTO_INTEGRATION_TOKEN):
            return integration_token_as_bearer
        row = self.db.query_one(
            "SELECT expires_at FROM access_tokens WHERE token = ? AND kind = 'magento_admin'", (token,)
        )
        return row is not None and parse_iso(row["expires_at"]) > self.clock()
