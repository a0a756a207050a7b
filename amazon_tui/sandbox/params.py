"""Reading SP-API query parameters: lists (repeated or comma separated), dates, integers."""

from __future__ import annotations

import json
from datetime import datetime

from starlette.requests import Request

from .clock import parse_iso
from .errors import invalid_input


def list_param(request: Request, name: str) -> list[str]:
    values: list[str] = []
    for raw in request.query_params.getlist(name):
        values.extend(part.strip() for part in raw.split(",") if part.strip())
    return values


def enum_list_param(request: Request, name: str, allowed) -> list[str]:
    values = list_param(request, name)
    wrong = [value for value in values if value not in allowed]
    if wrong:
        raise invalid_input(
            f"Invalid {name} value: {', '.join(wrong)}.", f"Allowed values: {', '.join(allowed)}"
        )
    return values


def date_param(request: Request, name: str) -> datetime | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        return parse_iso(raw)
    except ValueError:
        raise invalid_input(f"{name} must be an ISO 8601 date-time.", f"Invalid Input: {raw}") from None


def int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise invalid_input(f"{name} must be an integer from {low} to {high}.", raw)
    return value


async def json_body(request: Request) -> dict:
    """The request's JSON object body, or SP-API's 400."""
    try:
        body = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        raise invalid_input("The request body must be a JSON object.", "body") from None
    if not isinstance(body, dict):
        raise invalid_input("The request body must be a JSON object.", "body")
    return body
