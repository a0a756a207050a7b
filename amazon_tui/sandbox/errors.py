"""The error every handler raises; the pipeline renders it in the operation's dialect."""

from __future__ import annotations


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: str | None = None,
        *,
        parameters: dict | list | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.parameters = parameters


def invalid_input(message: str, details: str = "") -> ApiError:
    """The SP-API 400 answer."""
    return ApiError(400, "InvalidInput", message, details)
