"""searchOrders against the SQLite store: filters, stable keyset pagination, opaque tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import asdict, dataclass
from typing import Any

from .db import Database


@dataclass(frozen=True)
class OrderCriteria:
    """What a searchOrders call selects; a pagination token carries it to the next pages."""

    time_field: str  # "created" or "lastUpdated"
    after: str  # ISO, inclusive
    before: str  # ISO, inclusive
    marketplace_ids: tuple[str, ...] = ()
    fulfillment_statuses: tuple[str, ...] = ()
    fulfilled_by: tuple[str, ...] = ()

    @property
    def column(self) -> str:
        return "created_time" if self.time_field == "created" else "last_updated_time"


def search_orders(
    db: Database, seller_id: str, criteria: OrderCriteria, limit: int, after_key: tuple[str, str] | None
) -> tuple[list[dict], tuple[str, str] | None]:
    """One page of the seller's orders in (time, orderId) order and the key of its last row
    when more rows follow."""
    column = criteria.column
    sql = [
        f"SELECT order_id, {column} AS t, doc FROM amazon_orders"
        f" WHERE seller_id = ? AND {column} >= ? AND {column} <= ?"
    ]
    params: list = [seller_id, criteria.after, criteria.before]
    for name, values in (
        ("marketplace_id", criteria.marketplace_ids),
        ("fulfillment_status", criteria.fulfillment_statuses),
        ("fulfilled_by", criteria.fulfilled_by),
    ):
        if values:
            sql.append(f" AND {name} IN ({', '.join('?' * len(values))})")
            params.extend(values)
    if after_key is not None:
        sql.append(f" AND ({column} > ? OR ({column} = ? AND order_id > ?))")
        params.extend((after_key[0], after_key[0], after_key[1]))
    sql.append(f" ORDER BY {column}, order_id LIMIT ?")
    params.append(limit + 1)
    rows = db.query("".join(sql), params)
    page = rows[:limit]
    next_key = (page[-1]["t"], page[-1]["order_id"]) if len(rows) > limit else None
    return [json.loads(row["doc"]) for row in page], next_key


def encode_token(
    secret: bytes, seller_id: str, criteria: OrderCriteria, key: tuple[str, str], issued_at: str
) -> str:
    payload = json.dumps(
        {"s": seller_id, "c": asdict(criteria), "k": list(key), "i": issued_at}, separators=(",", ":")
    ).encode()
    signature = hmac.new(secret, payload, hashlib.sha256).digest()[:12]
    return base64.urlsafe_b64encode(signature + payload).decode().rstrip("=")


def decode_token(secret: bytes, token: str) -> tuple[str, OrderCriteria, tuple[str, str], str]:
    """(seller_id, criteria, last key, issued_at); ValueError when forged or garbled."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        signature, payload = raw[:12], raw[12:]
        if not hmac.compare_digest(signature, hmac.new(secret, payload, hashlib.sha256).digest()[:12]):
            raise ValueError("bad signature")
        data = json.loads(payload)
        fields: dict[str, Any] = {
            key: tuple(value) if isinstance(value, list) else value for key, value in data["c"].items()
        }
        criteria = OrderCriteria(**fields)  # JSON: an unknown key is a TypeError, caught below
        return data["s"], criteria, (data["k"][0], data["k"][1]), data["i"]
    except (ValueError, KeyError, TypeError, IndexError) as error:
        raise ValueError("invalid pagination token") from error
