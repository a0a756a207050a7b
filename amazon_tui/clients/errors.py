"""Typed errors of the service clients, each with a one-line human message.

Every error names the service, the operation, the HTTP status, the service's own error
code and message, and the request id when there is one. None of them ever carries a
secret: messages are built from the error body's code/message fields only, never from
request headers or bodies.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx

AMAZON = "Amazon"
LWA = "Login with Amazon"
MAGENTO = "Magento"

_REQUEST_ID_HEADERS = ("x-amzn-RequestId", "x-amz-request-id", "x-request-id")


class ServiceError(Exception):
    """A call to a remote service failed.

    ``retryable`` says whether the failure is transient; ``reached_server`` says
    whether the service may have acted on the request (a non-idempotent call is repeated
    only when it certainly did not).
    """

    retryable = False
    reached_server = True

    def __init__(
        self,
        message: str,
        *,
        service: str,
        operation: str,
        status: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.service = service
        self.operation = operation
        self.status = status
        self.code = code
        self.message = message
        self.request_id = request_id

    def __str__(self) -> str:
        head = " ".join(str(part) for part in (self.status, self.code) if part not in (None, ""))
        text = f"{self.service} {self.operation} failed: "
        text += f"{head} — {self.message}" if head else self.message
        if self.request_id:
            text += f" (request {self.request_id})"
        return text


class AuthError(ServiceError):
    """The credentials were refused (LWA grant, access token, Magento token or login)."""


class ThrottledError(ServiceError):
    """The service throttled the call (HTTP 429)."""

    retryable = True
    reached_server = False

    def __init__(self, message: str, *, retry_after: float | None = None, **context: Any) -> None:
        super().__init__(message, **context)
        self.retry_after = retry_after


class ServerError(ServiceError):
    """The service failed on its side (HTTP 5xx)."""

    retryable = True


class NotFoundError(ServiceError):
    """The resource does not exist (HTTP 404)."""


class BadRequestError(ServiceError):
    """The service refused the request as invalid (HTTP 400, 413, 415, 422...)."""


class ServiceTimeout(ServiceError):
    """No complete answer in time. ``reached_server`` is False when the connection never opened."""

    retryable = True

    def __init__(self, message: str, *, reached_server: bool, **context: Any) -> None:
        super().__init__(message, **context)
        self.reached_server = reached_server


class ConnectionFailed(ServiceError):
    """The connection failed. ``reached_server`` is False when it was refused or never opened."""

    retryable = True

    def __init__(self, message: str, *, reached_server: bool, **context: Any) -> None:
        super().__init__(message, **context)
        self.reached_server = reached_server


class MalformedResponse(ServiceError):
    """The answer was not valid JSON or did not match the documented model; ``field`` names where."""

    def __init__(self, message: str, *, field: str | None = None, **context: Any) -> None:
        super().__init__(message, **context)
        self.field = field


def request_id_of(response: httpx.Response) -> str | None:
    """The service's request id from the response headers, if any."""
    for name in _REQUEST_ID_HEADERS:
        if value := response.headers.get(name):
            return str(value)
    return None


def error_from_response(response: httpx.Response, *, service: str, operation: str) -> ServiceError:
    """The typed error for a non-2xx response, read from the service's error body."""
    code, message = _read_error_body(response)
    status = response.status_code
    context: dict[str, Any] = {
        "service": service,
        "operation": operation,
        "status": status,
        "code": code,
        "request_id": request_id_of(response),
    }
    message = message or response.reason_phrase or "request failed"
    if status == 429:
        return ThrottledError(message, retry_after=_retry_after(response), **context)
    if status in (401, 403):
        return AuthError(message, **context)
    if status == 404:
        return NotFoundError(message, **context)
    if status >= 500:
        return ServerError(message, **context)
    if status in (400, 409, 413, 415, 422):
        return BadRequestError(message, **context)
    return ServiceError(message, **context)


def credentials_refused(error: ServiceError) -> ServiceError:
    """A login or grant refused with 400/401 (``invalid_grant``, bad password) as an ``AuthError``."""
    if error.status not in (400, 401) or isinstance(error, AuthError):
        return error
    return AuthError(
        error.message,
        service=error.service,
        operation=error.operation,
        status=error.status,
        code=error.code,
        request_id=error.request_id,
    )


def _read_error_body(response: httpx.Response) -> tuple[str | None, str | None]:
    """(code, message) from an SP-API, LWA, Magento or S3 error body; (None, None) if unreadable."""
    try:
        body = json.loads(response.content)
    except ValueError:
        return _read_xml_error(response.text)
    if not isinstance(body, dict):
        return None, None
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
        message = _text(first.get("message"))
        details = _text(first.get("details"))
        if details and details != message:
            message = f"{message}: {details}" if message else details
        if len(errors) > 1:
            message = f"{message} (+{len(errors) - 1} more)"
        return _text(first.get("code")), message
    if "error" in body:
        return _text(body.get("error")), _text(body.get("error_description"))
    if "message" in body:
        return None, _magento_message(_text(body.get("message")) or "", body.get("parameters"))
    return None, None


def _magento_message(template: str, parameters: object) -> str:
    """Substitute Magento's ``%name`` / ``%1`` placeholders with their parameters."""
    if isinstance(parameters, list):
        values = {str(index + 1): value for index, value in enumerate(parameters)}
    elif isinstance(parameters, dict):
        values = {str(key): value for key, value in parameters.items()}
    else:
        return template
    return re.sub(r"%(\w+)", lambda match: str(values.get(match.group(1), match.group(0))), template)


def _read_xml_error(text: str) -> tuple[str | None, str | None]:
    """(Code, Message) of an S3-style XML error body (presigned upload/download URLs)."""
    code = re.search(r"<Code>([^<]{1,100})</Code>", text)
    message = re.search(r"<Message>([^<]{1,300})</Message>", text)
    return (code.group(1) if code else None), (message.group(1) if message else None)


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(_CONTROLS.sub("", str(value)).split())  # a service's text never drives a terminal
    return text[:300] or None


_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _retry_after(response: httpx.Response) -> float | None:
    try:
        seconds = float(response.headers.get("retry-after", ""))
    except ValueError:
        return None
    return seconds if seconds >= 0 else None
