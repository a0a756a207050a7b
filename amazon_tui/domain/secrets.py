"""The one redaction point: every secret value this process knows, and text made safe of them.

The settings add every configured secret; the clients add each token they are given (an LWA
access token, a Magento admin token). Whatever a server sends back passes through ``redact``
before anything reads it (``clients.http.send``), and every output passes through it again:
the terminal, ``--json``, the database's error columns, the log and crash files.

A secret is matched as sent and as servers echo it back: percent-encoded (a form body, a
query), JSON-escaped (PHP escapes ``/``) and HTML-escaped. Values shorter than
``MIN_LENGTH`` are not matched: they would blank ordinary words in orders, and no real
credential is that short.
"""

from __future__ import annotations

import html
import json
import threading
from urllib.parse import quote, quote_plus

MASK = "********"
MIN_LENGTH = 6


def _spellings(value: str) -> set[str]:
    """``value`` as it is sent and as a server may echo it."""
    as_json = json.dumps(value)[1:-1]
    return {
        value,
        quote(value, safe=""),
        quote(value, safe="").lower(),
        quote_plus(value),
        as_json,
        as_json.replace("/", "\\/"),
        html.escape(value),
    }


class SecretBook:
    """The secret values known to this process and their echoed spellings, longest first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: set[str] = set()
        self._text: tuple[str, ...] = ()
        self._bytes: tuple[bytes, ...] = ()

    def remember(self, *values: str | None) -> None:
        """Never show these values (empty and too-short ones are ignored)."""
        new = {value for value in values if value and len(value) >= MIN_LENGTH} - self._values
        if not new:
            return
        with self._lock:
            self._values |= new
            spellings = {spelling for value in self._values for spelling in _spellings(value)}
            self._text = tuple(sorted(spellings, key=len, reverse=True))
            self._bytes = tuple(spelling.encode() for spelling in self._text)

    def redact(self, text: str) -> str:
        """``text`` with every known secret replaced by ``MASK``."""
        for spelling in self._text:
            if spelling in text:
                text = text.replace(spelling, MASK)
        return text

    def redact_bytes(self, data: bytes) -> bytes:
        """``data`` (UTF-8 or ASCII) with every known secret replaced by ``MASK``; the same object
        when nothing was found."""
        for spelling in self._bytes:
            if spelling in data:
                data = data.replace(spelling, MASK.encode())
        return data


SECRETS = SecretBook()


def redact(text: str) -> str:
    """``text`` with every secret this process knows replaced by ``MASK``."""
    return SECRETS.redact(text)
