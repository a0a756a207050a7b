"""Magento searchCriteria (filter groups, condition types, sort orders, paging) over SQLite,
and the `fields` partial-response syntax."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from .db import Database
from .errors import ApiError

FILTER_KEY = re.compile(
    r"^searchCriteria\[filter_groups\]\[(\d+)\]\[filters\]\[(\d+)\]\[(field|value|condition_type)\]$"
)
SORT_KEY = re.compile(r"^searchCriteria\[sortOrders\]\[(\d+)\]\[(field|direction)\]$")
FIELD_NAME = re.compile(r"^[a-z_]+$")
COMPARISONS = {
    "eq": "=",
    "neq": "!=",
    "gt": ">",
    "gteq": ">=",
    "moreq": ">=",
    "lt": "<",
    "lteq": "<=",
    "from": ">=",
    "to": "<=",
    "like": "LIKE",
    "nlike": "NOT LIKE",
}
SET_CONDITIONS = {"in": "IN", "nin": "NOT IN"}
NULL_CONDITIONS = {"null": "IS NULL", "notnull": "IS NOT NULL"}
# fields each searchable table mirrors in columns (indexed): {table: {name: numeric?}}
COLUMNS = {
    "magento_orders": {"entity_id": True, "store_id": True, "updated_at": False},
    "magento_shipments": {
        "entity_id": True,
        "order_id": True,
        "store_id": True,
        "created_at": False,
        "updated_at": False,
    },
}


@dataclass
class SearchCriteria:
    filter_groups: list[list[dict]] = field(default_factory=list)
    sort_orders: list[dict] = field(default_factory=list)
    page_size: int | None = None
    current_page: int = 1

    def echo(self) -> dict:
        """The `search_criteria` block Magento returns."""
        echo: dict = {"filter_groups": [{"filters": group} for group in self.filter_groups]}
        if self.sort_orders:
            echo["sort_orders"] = self.sort_orders
        if self.page_size is not None:
            echo["page_size"] = self.page_size
            echo["current_page"] = self.current_page
        return echo


def bad_request(message: str, **parameters) -> ApiError:
    return ApiError(400, "", message, parameters=parameters or None)


def parse_search_criteria(query: list[tuple[str, str]]) -> SearchCriteria:
    if not any(key.startswith("searchCriteria") for key, _ in query):
        raise bad_request('"%fieldName" is required. Enter and try again.', fieldName="searchCriteria")
    groups: dict[int, dict[int, dict]] = {}
    sorts: dict[int, dict] = {}
    criteria = SearchCriteria()
    for key, value in query:
        if match := FILTER_KEY.match(key):
            group, index, part = int(match[1]), int(match[2]), match[3]
            groups.setdefault(group, {}).setdefault(index, {})[part] = value
        elif match := SORT_KEY.match(key):
            sorts.setdefault(int(match[1]), {})[match[2]] = value
        elif key in ("searchCriteria[pageSize]", "searchCriteria[currentPage]"):
            if not value.isdigit():
                raise bad_request(
                    'Invalid value of "%value" provided for the %fieldName field.',
                    value=value,
                    fieldName=key[15:-1],
                )
            if key.endswith("[pageSize]"):
                criteria.page_size = int(value)
            else:
                criteria.current_page = max(1, int(value))
    for filter_group in (groups[index] for index in sorted(groups)):
        filters = []
        for raw in (filter_group[index] for index in sorted(filter_group)):
            if "field" not in raw:
                raise bad_request('"%fieldName" is required. Enter and try again.', fieldName="field")
            filters.append(
                {
                    "field": raw["field"],
                    "value": raw.get("value", ""),
                    "condition_type": raw.get("condition_type", "eq"),
                }
            )
        criteria.filter_groups.append(filters)
    for index in sorted(sorts):
        sort = sorts[index]
        direction = sort.get("direction", "ASC").upper()
        if "field" not in sort or direction not in ("ASC", "DESC"):
            raise bad_request("Sort order needs a field and a direction of ASC or DESC.")
        criteria.sort_orders.append({"field": sort["field"], "direction": direction})
    return criteria


def search_magento_orders(db: Database, criteria: SearchCriteria) -> tuple[list[dict], int]:
    """(the page of order documents, total_count)."""
    return search_documents(db, "magento_orders", criteria)


def search_magento_shipments(db: Database, criteria: SearchCriteria) -> tuple[list[dict], int]:
    """(the page of shipment documents, total_count): salesShipmentRepositoryV1 getList."""
    return search_documents(db, "magento_shipments", criteria)


def search_documents(db: Database, table: str, criteria: SearchCriteria) -> tuple[list[dict], int]:
    """(the page of `table`'s documents matching `criteria`, total_count)."""
    where, params = [], []
    for group in criteria.filter_groups:
        clauses = []
        for item in group:
            clause, values = _condition(db, table, item)
            clauses.append(clause)
            params.extend(values)
        where.append("(" + " OR ".join(clauses) + ")")
    where_sql = (" WHERE " + " AND ".join(where)) if where else ""
    order_sql = ", ".join(
        f"{_column(db, table, sort['field'])[0]} {sort['direction']}" for sort in criteria.sort_orders
    )
    order_sql = f" ORDER BY {order_sql + ', ' if order_sql else ''}entity_id ASC"
    count = db.query_one(f"SELECT COUNT(*) AS n FROM {table}{where_sql}", params)
    assert count is not None  # COUNT(*) always yields a row
    total = count["n"]
    page_sql = ""
    if criteria.page_size is not None:
        offset = (criteria.current_page - 1) * criteria.page_size
        page_sql = f" LIMIT {criteria.page_size} OFFSET {offset}"
    rows = db.query(f"SELECT doc FROM {table}{where_sql}{order_sql}{page_sql}", params)
    return [json.loads(row["doc"]) for row in rows], total


def _column(db: Database, table: str, name: str) -> tuple[str, bool]:
    """(SQL expression, numeric?) for a top-level scalar field of the table's documents."""
    if not FIELD_NAME.match(name):
        raise bad_request('"%fieldName" is not a valid search field.', fieldName=name)
    row = db.query_one(
        f"SELECT json_type(doc, '$.{name}') AS kind FROM {table}"
        f" WHERE json_type(doc, '$.{name}') IS NOT NULL LIMIT 1"
    )
    kind = row["kind"] if row else None
    unknown = kind is None and db.query_one(f"SELECT 1 FROM {table} LIMIT 1") is not None
    if unknown or kind in ("object", "array"):
        raise bad_request('"%fieldName" is not a valid search field.', fieldName=name)
    columns = COLUMNS[table]
    if name in columns:  # kept in a column of its own (indexed): no JSON parsing per row
        return name, columns[name]
    return f"json_extract(doc, '$.{name}')", kind in ("integer", "real")


def _condition(db: Database, table: str, item: dict) -> tuple[str, list]:
    column, numeric = _column(db, table, item["field"])
    condition, value = item["condition_type"], item["value"]

    def typed(raw: str):
        if numeric:
            try:
                return float(raw)
            except ValueError:
                raise bad_request(
                    'Invalid value of "%value" provided for the %fieldName field.',
                    value=raw,
                    fieldName=item["field"],
                ) from None
        return raw.replace("T", " ") if item["field"].endswith("_at") else raw

    if condition in COMPARISONS:
        operator = COMPARISONS[condition]
        if operator.endswith("LIKE"):
            return f"{column} {operator} ?", [value]
        return f"{column} {operator} ?", [typed(value)]
    if condition in SET_CONDITIONS:
        values = [typed(part.strip()) for part in value.split(",") if part.strip()]
        return f"{column} {SET_CONDITIONS[condition]} ({', '.join('?' * len(values))})", values
    if condition in NULL_CONDITIONS:
        return f"{column} {NULL_CONDITIONS[condition]}", []
    raise bad_request('Invalid condition type "%1" provided.', condition_type=condition)


def parse_fields(spec: str) -> dict:
    """`items[entity_id,payment[po_number]],total_count` -> {"items": {...}, "total_count": {}}."""
    tree: dict = {}
    stack = [tree]
    name = ""
    for char in spec:
        if char == "[":
            child: dict = {}
            stack[-1][name.strip()] = child
            stack.append(child)
            name = ""
        elif char in ",]":
            if name.strip():
                stack[-1][name.strip()] = {}
            name = ""
            if char == "]":
                if len(stack) == 1:
                    raise bad_request("The fields parameter is not well formed.")
                stack.pop()
        else:
            name += char
    if name.strip():
        stack[-1][name.strip()] = {}
    if len(stack) != 1:
        raise bad_request("The fields parameter is not well formed.")
    return tree


def apply_fields(value, tree: dict):
    """Keep only the selected keys (an empty subtree keeps the whole value)."""
    if not tree:
        return value
    if isinstance(value, list):
        return [apply_fields(element, tree) for element in value]
    if isinstance(value, dict):
        return {key: apply_fields(value[key], subtree) for key, subtree in tree.items() if key in value}
    return value
