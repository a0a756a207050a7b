"""Magento REST ``searchCriteria``: filter groups (AND of ORs), sort orders and paging."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

CONDITIONS = frozenset(
    {
        "eq",
        "neq",
        "gt",
        "gteq",
        "lt",
        "lteq",
        "in",
        "nin",
        "like",
        "nlike",
        "null",
        "notnull",
        "from",
        "to",
        "finset",
    }
)


@dataclass(frozen=True)
class Filter:
    """``field <condition> value``; list values (for ``in``/``nin``) are sent comma-separated."""

    field: str
    value: str | int | Iterable[str | int]
    condition_type: str = "eq"

    def __post_init__(self) -> None:
        if self.condition_type not in CONDITIONS:
            raise ValueError(
                f"unknown condition type {self.condition_type!r}; expected one of {sorted(CONDITIONS)}"
            )

    @property
    def rendered_value(self) -> str:
        if isinstance(self.value, (str, int)):
            return str(self.value)
        return ",".join(str(item) for item in self.value)


@dataclass(frozen=True)
class SearchCriteria:
    """An immutable builder: every method returns a new criteria, e.g.

    ``SearchCriteria().where("store_id", 1).where("updated_at", since, "gteq")``
    ``.sort_by("updated_at").page(100)``.
    """

    filter_groups: tuple[tuple[Filter, ...], ...] = ()
    sort_orders: tuple[tuple[str, str], ...] = ()
    page_size: int | None = None
    current_page: int | None = None

    def where(
        self, field: str, value: str | int | Iterable[str | int], condition_type: str = "eq"
    ) -> SearchCriteria:
        """AND one more condition."""
        return self.where_any(Filter(field, value, condition_type))

    def where_any(self, *filters: Filter) -> SearchCriteria:
        """AND a group of conditions of which any may match (OR)."""
        if not filters:
            raise ValueError("a filter group needs at least one filter")
        return replace(self, filter_groups=(*self.filter_groups, tuple(filters)))

    def sort_by(self, field: str, direction: str = "ASC") -> SearchCriteria:
        direction = direction.upper()
        if direction not in ("ASC", "DESC"):
            raise ValueError("direction must be ASC or DESC")
        return replace(self, sort_orders=(*self.sort_orders, (field, direction)))

    def page(self, size: int, current: int = 1) -> SearchCriteria:
        if size < 1 or current < 1:
            raise ValueError("page size and page number start at 1")
        return replace(self, page_size=size, current_page=current)

    def to_params(self) -> list[tuple[str, str]]:
        """The bracketed query parameters Magento reads."""
        params: list[tuple[str, str]] = []
        for group_index, group in enumerate(self.filter_groups):
            for filter_index, item in enumerate(group):
                prefix = f"searchCriteria[filter_groups][{group_index}][filters][{filter_index}]"
                params += [
                    (f"{prefix}[field]", item.field),
                    (f"{prefix}[value]", item.rendered_value),
                    (f"{prefix}[condition_type]", item.condition_type),
                ]
        for index, (field, direction) in enumerate(self.sort_orders):
            params += [
                (f"searchCriteria[sortOrders][{index}][field]", field),
                (f"searchCriteria[sortOrders][{index}][direction]", direction),
            ]
        if self.page_size is not None:
            params.append(("searchCriteria[pageSize]", str(self.page_size)))
        if self.current_page is not None:
            params.append(("searchCriteria[currentPage]", str(self.current_page)))
        if not params:
            # Magento rejects a search without any searchCriteria parameter.
            params.append(("searchCriteria", ""))
        return params
