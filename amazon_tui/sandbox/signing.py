"""Presigned bucket URLs: an HMAC over the action, document and expiry, like S3's."""

from __future__ import annotations

import hashlib
import hmac


def signature(secret: bytes, action: str, document_id: str, expires: int, extra: str = "") -> str:
    message = f"{action}\n{document_id}\n{expires}\n{extra}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def signature_matches(
    secret: bytes, action: str, document_id: str, expires: int, extra: str, given: str
) -> bool:
    return hmac.compare_digest(signature(secret, action, document_id, expires, extra), given)
