"""Validate sandbox responses against the official Swagger 2.0 models in shared/reference."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import Path

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "spapi"
# The official models live beside the clone (../shared); a clone elsewhere skips what needs them.
needs_reference = pytest.mark.skipif(not REFERENCE.is_dir(), reason=f"{REFERENCE} is not beside this clone")
MODELS = {
    "orders": "orders_2026-01-01.json",
    "feeds": "feeds_2021-06-30.json",
    "ordersV0": "ordersV0.json",
}

FORMATS = jsonschema.FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value) -> bool:
    if not isinstance(value, str):
        return True
    parsed = datetime.fromisoformat(value)
    return parsed.tzinfo is not None


@cache
def model(name: str) -> dict:
    return json.loads((REFERENCE / MODELS[name]).read_text())


def response_schema(name: str, path: str, method: str, status: int) -> dict | None:
    """The schema the model documents for this operation and status (None: no body)."""
    responses = model(name)["paths"][path][method.lower()]["responses"]
    assert str(status) in responses, f"{method} {path} does not document status {status}"
    return responses[str(status)].get("schema")


def validate(name: str, path: str, method: str, status: int, body) -> None:
    """Raise jsonschema.ValidationError unless `body` matches the documented schema."""
    schema = response_schema(name, path, method, status)
    assert schema is not None, "no schema documented for this response"
    spec = model(name)
    registry = Registry().with_resource("urn:model", Resource(spec, specification=DRAFT4))
    validator = jsonschema.Draft4Validator(
        {"$ref": "urn:model" + schema["$ref"]}, registry=registry, format_checker=FORMATS
    )
    validator.validate(body)


def key_paths(value, prefix: str = "") -> set[str]:
    """Every key path of a JSON value, list positions collapsed to []."""
    paths: set[str] = set()
    if isinstance(value, dict):
        for key, child in value.items():
            path = f"{prefix}.{key}" if prefix else key
            paths.add(path)
            paths |= key_paths(child, path)
    elif isinstance(value, list):
        for child in value:
            paths |= key_paths(child, prefix + "[]")
    return paths
