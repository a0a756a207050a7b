"""What a sync reports while it runs and when it ends, for the screens, the CLI and followers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from amazon_tui.domain.values import OrderStatus
from amazon_tui.local.orders import StatusChange

if TYPE_CHECKING:
    from amazon_tui.core.causes import Cause


class SyncProgress(NamedTuple):
    """A report for the screens and the CLI while a sync runs."""

    store: str
    phase: str  # "amazon", "magento", "waiting", "done", "failed"
    pages: int = 0
    orders: int = 0
    wait_seconds: float = 0.0
    message: str = ""


@dataclass
class SyncReport:
    """What one sync of one store did."""

    store: str
    pages: int = 0
    orders: int = 0
    inserted: list[str] = field(default_factory=list)
    changed: list[StatusChange] = field(default_factory=list)
    links: int = 0
    first_run: bool = False
    error: str | None = None


Progress = Callable[[SyncProgress], None]


@dataclass
class SyncOutcome:
    """What one sync of several stores did: a report per store that synced, a cause per store that failed."""

    reports: list[SyncReport] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)
    causes: dict[str, Cause] = field(default_factory=dict)  # each failure's typed fields, by store
    # The typed errors behind ``failures`` when this process synced (not stored: a follower has
    # the causes only); what the TUI's `e` reads its advice from.
    errors: dict[str, BaseException] = field(default_factory=dict, compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        """For the followers that asked the leader for this sync (sync_requests.outcome)."""
        return {
            "reports": [
                {
                    "store": r.store,
                    "pages": r.pages,
                    "orders": r.orders,
                    "inserted": r.inserted,
                    "changed": [[c.order_id, c.old.value if c.old else None, c.new.value] for c in r.changed],
                    "links": r.links,
                    "first_run": r.first_run,
                }
                for r in self.reports
            ],
            "failures": self.failures,
            "causes": {store: cause.as_json() for store, cause in self.causes.items()},
        }

    @classmethod
    def from_json(cls, document: dict[str, Any], stores: Sequence[str] | None = None) -> SyncOutcome:
        """The outcome a leader stored; ``stores``: only these stores' part of it."""
        reports = [
            SyncReport(
                store=r["store"],
                pages=r["pages"],
                orders=r["orders"],
                inserted=list(r["inserted"]),
                changed=[
                    StatusChange(oid, OrderStatus(old) if old else None, OrderStatus(new))
                    for oid, old, new in r["changed"]
                ],
                links=r["links"],
                first_run=r["first_run"],
            )
            for r in document.get("reports", [])
            if not stores or r["store"] in stores
        ]
        failures = {
            store: why for store, why in document.get("failures", {}).items() if not stores or store in stores
        }
        from amazon_tui.core.causes import Cause  # a failure loads it, not the first paint

        causes = {
            store: Cause.from_json(fields)
            for store, fields in document.get("causes", {}).items()
            if store in failures
        }
        return cls(reports, failures, causes)
