"""The whole cause of a failure that a screen shows in one line (issue 31): the TUI's `e` opens it.

A one-line error (the error line above the footer, a toast, the Cancel Order dialog's status)
is cut to the width of the terminal. ``Cause`` keeps all of it: the full message, the service,
operation, HTTP status and code, Amazon's (or Magento's) request id, when it happened and what
to do. It is read from the typed error (``clients/errors.py``) when there is one, never parsed
out of the message; a failure known only by its text (a sync failure another process recorded)
keeps its text whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from amazon_tui.domain.secrets import redact
from amazon_tui.domain.text import safe_text

RETRY = "Press r to retry."


@dataclass(frozen=True)
class Cause:
    """What failed and everything known about why (inert, no secret)."""

    what: str
    message: str
    when: datetime
    advice: str
    service: str | None = None
    operation: str | None = None
    status: int | None = None
    code: str | None = None
    request_id: str | None = None

    def fields(self) -> list[tuple[str, str]]:
        """(label, value) lines for the view, the known ones only."""
        rows = [("What failed", self.what), ("Cause", self.message)]
        if self.service:
            rows.append(("Service", f"{self.service} {self.operation or ''}".strip()))
        if self.status is not None or self.code:
            rows.append(("Answer", " ".join(str(part) for part in (self.status, self.code) if part)))
        if self.service:
            rows.append((f"{self.service}'s request id", self.request_id or "none given"))
        rows.append(("When", f"{self.when:%Y-%m-%d %H:%M:%S %Z}".strip()))
        rows.append(("What to do", self.advice))
        return rows

    def as_text(self) -> str:
        """Every line, for the clipboard (what a support request needs)."""
        return "\n".join(f"{label}: {value}" for label, value in self.fields())


def _clean(value: object) -> str:
    return " ".join(safe_text(redact(str(value))).split())


def advice_for(error: object) -> str:
    """What to do about ``error``, from its type."""
    from amazon_tui.clients.errors import (  # here: the TUI's first paint does without httpx
        AuthError,
        BadRequestError,
        ConnectionFailed,
        MalformedResponse,
        NotFoundError,
        ServerError,
        ServiceTimeout,
        ThrottledError,
    )

    if isinstance(error, AuthError):
        return (
            f"{error.service} refused the credentials: check the store's refresh token, the LWA "
            "app or the Magento integration in the config (amazon-tui config), then retry."
        )
    if isinstance(error, ThrottledError):
        wait = f" (it asked for {error.retry_after:.0f} s)" if error.retry_after else ""
        return f"{error.service} throttled the call{wait}: wait a moment, then retry."
    if isinstance(error, ServerError):
        return (
            f"{error.service} failed on its side: retry in a while; if it lasts, give "
            f"{error.service} the request id."
        )
    if isinstance(error, (ServiceTimeout, ConnectionFailed)):
        sent = "it may have been received" if error.reached_server else "nothing was received"
        return f"No answer from {error.service} ({sent}): check the network, then retry."
    if isinstance(error, NotFoundError):
        return f"{error.service} does not know it: check the order or the store's marketplace."
    if isinstance(error, MalformedResponse):
        where = f" (at {error.field})" if error.field else ""
        return (
            f"{error.service}'s answer did not match its documented model{where}: retry; "
            "if it lasts, report it with the request id."
        )
    if isinstance(error, BadRequestError):
        return f"{error.service} refused the request as invalid: see the cause; retrying will not help."
    return RETRY + " If it lasts, the log in the state dir has the details."


def cause_of(what: str, error: object, when: datetime, *, advice: str | None = None) -> Cause:
    """The whole cause of ``what`` failing with ``error`` (a typed error, an exception or a text)."""
    from amazon_tui.clients.errors import ServiceError

    message = _clean(error.message if isinstance(error, ServiceError) else error) or "unknown error"
    if not isinstance(error, ServiceError):
        return Cause(_clean(what), message, when, advice or advice_for(error))
    return Cause(
        _clean(what),
        message,
        when,
        advice or advice_for(error),
        service=_clean(error.service),
        operation=_clean(error.operation),
        status=error.status,
        code=_clean(error.code) if error.code else None,
        request_id=_clean(error.request_id) if error.request_id else None,
    )
