"""Where the document URLs lead: the sandbox's own bucket (the default), the bucket's path on
another base (another service on the host, a foreign site), or a bucket that redirects elsewhere.
Tests use it to prove the app refuses document URLs that are not Amazon's."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

REDIRECT_STATUSES = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class DocumentUrls:
    base: str | None = None  # createFeedDocument / getFeedDocument URLs on this base, not the sandbox's
    redirect: str | None = None  # the bucket answers every upload and download with a redirect here
    redirect_status: int = 302

    def __post_init__(self) -> None:
        if self.base is not None:
            parts = urlsplit(self.base)
            if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
                raise ValueError(f"base must be an http(s) URL without query, not {self.base!r}")
        if self.redirect is not None and not self.redirect.strip():
            raise ValueError("redirect must be a URL")
        if self.redirect_status not in REDIRECT_STATUSES:
            raise ValueError(f"redirect_status must be one of {REDIRECT_STATUSES}")

    def base_for(self, own: str) -> str:
        """The base the bucket's paths go on: the override, else the sandbox's own origin."""
        return (self.base or own).rstrip("/")

    def as_dict(self) -> dict:
        return asdict(self)
