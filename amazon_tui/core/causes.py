"""The whole cause of a failure, read from the typed error value (never from its text).

A one-line error (the TUI's error line, a toast, the Cancel Order dialog's status; a command's
stderr line) is cut to the width of the terminal. ``Cause`` keeps all of it: the full message,
the service, operation, HTTP status and the service's own code, Amazon's (or Magento's) request
id, when it happened (UTC), whether retrying may help, and what to do — in the TUI's words
("press r") or the command line's ("run again"). The TUI's `e` shows it; ``--json`` errors and
sync outcomes carry it (``as_json``), also through a leader's sync outcome (``from_json``). A
failure known only by its text keeps its text whole. Never imports Textual.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from amazon_tui.domain.secrets import redact
from amazon_tui.domain.text import safe_text

RETRY = "Press r to retry."


@dataclass(frozen=True)
class Cause:
    """What failed and everything known about why (inert, no secret); None where the error does
    not say."""

    message: str
    when: datetime
    advice: str | None = None
    what: str = ""
    service: str | None = None
    operation: str | None = None
    status: int | None = None
    code: str | None = None
    request_id: str | None = None
    retryable: bool | None = None

    @classmethod
    def of(
        cls,
        error: object,
        *,
        now: datetime | None = None,
        message: str | None = None,
        what: str = "",
        screen: bool = False,
    ) -> Cause:
        """The cause of ``error`` (a typed error, an exception or a text), its fields read from its
        type and attributes; ``screen``: the advice in the TUI's words."""
        from amazon_tui.clients.errors import ServiceError  # here: the first paint does without httpx

        when = now or datetime.now(UTC)
        if message is None:
            message = error.message if isinstance(error, ServiceError) and screen else str(error)
        text = _clean(message) or "unknown error"
        if not isinstance(error, ServiceError):
            return cls(text, when, advice_for(error, screen=screen), _clean(what))
        return cls(
            text,
            when,
            advice_for(error, screen=screen),
            _clean(what),
            service=_clean(error.service),
            operation=_clean(error.operation),
            status=error.status,
            code=_clean(error.code) if error.code else None,
            request_id=_clean(error.request_id) if error.request_id else None,
            retryable=error.retryable,
        )

    def fields(self) -> list[tuple[str, str]]:
        """(label, value) lines for the TUI's view, the known ones only."""
        rows = [("What failed", self.what)] if self.what else []
        rows.append(("Cause", self.message))
        if self.service:
            rows.append(("Service", f"{self.service} {self.operation or ''}".strip()))
        if self.status is not None or self.code:
            rows.append(("Answer", " ".join(str(part) for part in (self.status, self.code) if part)))
        if self.service:
            rows.append((f"{self.service}'s request id", self.request_id or "none given"))
        rows.append(("When", f"{self.when:%Y-%m-%d %H:%M:%S %Z}".strip()))
        if self.advice:
            rows.append(("What to do", self.advice))
        return rows

    def as_text(self) -> str:
        """Every line, for the clipboard (what a support request needs)."""
        return "\n".join(f"{label}: {value}" for label, value in self.fields())

    def as_json(self) -> dict[str, Any]:
        """The command line's JSON fields; ``time`` as ISO 8601 UTC with a Z."""
        return {
            "message": self.message,
            "time": self.when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "what_to_do": self.advice,
            "service": self.service,
            "operation": self.operation,
            "http_status": self.status,
            "service_code": self.code,
            "request_id": self.request_id,
            "retryable": self.retryable,
        }

    @classmethod
    def from_json(cls, fields: dict[str, Any]) -> Cause:
        """A cause another process stored (a leader's sync outcome); unknown keys are ignored."""
        stamp = str(fields.get("time") or "1970-01-01T00:00:00Z")
        when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        return cls(
            str(fields.get("message") or ""),
            when,
            fields.get("what_to_do"),
            service=fields.get("service"),
            operation=fields.get("operation"),
            status=fields.get("http_status"),
            code=fields.get("service_code"),
            request_id=fields.get("request_id"),
            retryable=fields.get("retryable"),
        )


def _clean(value: object) -> str:
    return " ".join(safe_text(redact(str(value))).split())


def cause_of(what: str, error: object, when: datetime, *, advice: str | None = None) -> Cause:
    """The TUI's whole cause of ``what`` failing with ``error``; ``advice`` replaces the type's."""
    cause = Cause.of(error, now=when, what=what, screen=True)
    return cause if advice is None else Cause(**{**cause.__dict__, "advice": advice})


def advice_for(error: object, *, screen: bool = False) -> str | None:
    """What to do about ``error``, from its type; ``screen``: in the TUI's words (press r), else
    the command line's (run again). None for an error that is not a service's."""
    from amazon_tui.clients import errors

    if not isinstance(error, errors.ServiceError):
        return RETRY + " If it lasts, the log in the state dir has the details." if screen else None
    name = error.service
    again = "retry" if screen else "run again"
    if isinstance(error, errors.AuthError):
        return (
            f"{name} refused the credentials: check the store's refresh token, the LWA app or the "
            "Magento integration in the config (amazon-tui config), then retry."
            if screen
            else f"{name} refused the credentials: check the secrets the config names "
            "(`amazon-tui config show`) and that the app is still authorised"
        )
    if isinstance(error, errors.ThrottledError):
        if screen:
            wait = f" (it asked for {error.retry_after:.0f} s)" if error.retry_after else ""
            return f"{name} throttled the call{wait}: wait a moment, then retry."
        wait = f"{error.retry_after:g} s" if error.retry_after is not None else "a minute"
        return f"{name} throttled the call: wait {wait} and run again"
    if isinstance(error, errors.MalformedResponse):
        where = f" (at {error.field})" if error.field else ""
        if screen:
            return (
                f"{name}'s answer did not match its documented model{where}: retry; "
                "if it lasts, report it with the request id."
            )
        return f"{name} answered what its API does not document{where}: run again; if it persists, report it"
    if isinstance(error, errors.NotFoundError):
        if screen:
            return f"{name} does not know it: check the order or the store's marketplace."
        return f"{name} refused the request: check the order number, store and marketplace in the config"
    if isinstance(error, errors.BadRequestError):
        if screen:
            return f"{name} refused the request as invalid: see the cause; retrying will not help."
        return f"{name} refused the request: check the order number, store and marketplace in the config"
    if isinstance(error, errors.ServiceTimeout | errors.ConnectionFailed):
        if screen:
            sent = "it may have been received" if error.reached_server else "nothing was received"
            return f"No answer from {name} ({sent}): check the network, then retry."
        return f"{name} could not be reached: check the network and the endpoint, then run again"
    if isinstance(error, errors.ServerError) or error.retryable:
        if screen:
            return f"{name} failed on its side: retry in a while; if it lasts, give {name} the request id."
        return f"{name} failed on its side: {again} in a few minutes"
    return f"{name} refused the request: read its message; {again} once it is fixed"
