"""The one facade the TUI and the CLI call: the runtime's parts, asked in the screens' words.

Reads come from the local store (instant at any size); the network is used for the incremental
sync, one getOrder when an order is opened, the Magento order view, and the cancellation feed.
Each method hands over to the part that does the work; none holds logic of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from amazon_tui.config.schema import StoreConfig
from amazon_tui.core.runtime import Runtime
from amazon_tui.core.stores import StoreCard
from amazon_tui.core.sync.progress import Progress, SyncOutcome
from amazon_tui.domain.values import CancelReason
from amazon_tui.local.store_figures import AttentionCounts, StoreStats

if TYPE_CHECKING:
    from amazon_tui.core.cancel.rules import Refusal, Submission
    from amazon_tui.domain.attention import AttentionItem
    from amazon_tui.domain.models import MagentoLink, MagentoOrder, Order, OrderQuery, OrderSummary
    from amazon_tui.local.audit_trail import AuditEntry
    from amazon_tui.local.journal import JournalEntry


class AppService(Runtime):
    """Stores, orders, sync and cancellation for one run of the app or the CLI."""

    # -- stores ---------------------------------------------------------------------------------

    @property
    def stores(self) -> tuple[StoreConfig, ...]:
        return self.settings.config.stores

    @property
    def magento_configured(self) -> bool:
        return self.settings.config.magento is not None

    @property
    def due_soon(self) -> timedelta:
        return self.store_book.due_soon

    def store_card(self, name: str) -> StoreCard:
        return self.store_book.card(name)

    def store_cards(self) -> list[StoreCard]:
        return self.store_book.cards()

    def last_sync(self, name: str) -> datetime | None:
        return self.store_book.last_sync(name)

    def revenue(self, name: str, days: int) -> StoreStats:
        return self.store_book.revenue(name, days)

    def store_errors(self) -> dict[str, str]:
        return self.store_book.failures()

    def attention_counts(self) -> dict[str, AttentionCounts]:
        return self.store_book.attention_counts()

    # -- orders -----------------------------------------------------------------------------------

    def orders(self, query: OrderQuery, *, limit: int, offset: int = 0) -> list[OrderSummary]:
        return self.order_desk.summaries(query, limit=limit, offset=offset)

    def count(self, query: OrderQuery) -> int:
        return self.repo.count(query)

    def recent_orders(self, store: str, limit: int | None = None) -> list[OrderSummary]:
        return self.order_desk.recent(store, limit)

    def order_summary(self, order_id: str) -> OrderSummary | None:
        return self.repo.summary(order_id)

    def cached_order(self, order_id: str) -> Order | None:
        return self.repo.get(order_id)

    def fetched_at(self, order_id: str) -> datetime | None:
        return self.repo.detail_fetched(order_id)

    def find_orders(self, text: str) -> list[OrderSummary]:
        return self.repo.find(text)

    def order_notes(self, order_id: str) -> list[tuple[datetime, str]]:
        return self.repo.notes(order_id)

    def magento_link(self, order_id: str) -> MagentoLink | None:
        return self.order_desk.link(order_id)

    def mark_seen(self, order_ids: Sequence[str] | None = None) -> None:
        self.order_desk.mark_seen(order_ids)

    def attention(self, limit: int | None = None) -> list[AttentionItem]:
        return self.order_desk.attention(limit)

    def is_fresh(self, order_id: str) -> bool:
        return self.order_desk.is_fresh(order_id)

    async def refresh_order(self, order_id: str, *, force: bool = False) -> Order:
        return await self.order_desk.refresh(order_id, force=force)

    async def magento_order(self, order_id: str) -> MagentoOrder | None:
        return await self.order_desk.magento_order(order_id)

    # -- sync --------------------------------------------------------------------------------------

    async def sync(
        self, stores: Sequence[str] | None = None, *, progress: Progress | None = None
    ) -> SyncOutcome:
        """Sync the given (default: all active) stores, as the data dir's leader or by asking it.

        Only the leader talks to searchOrders: a process that is not the leader joins the
        leader's sync (``progress`` then reports nothing; ``leader.on_wait`` says whose).
        """
        names = [self.settings.config.store(name).name for name in stores] if stores else None
        return await self.shared_sync.sync(names, progress=progress)

    def changed_elsewhere(self) -> bool:
        """Whether another process changed what the screens show since the last call (cheap:
        call it every second)."""
        return self.changes.changed()

    # -- cancellation -------------------------------------------------------------------------------

    def cancel_refusal(self, order: Order) -> Refusal | None:
        """Why the app will not cancel this order (None when it will)."""
        return self.cancel_desk.refusal(order)

    async def cancel(self, order_ids: Sequence[str], reason: CancelReason) -> list[Submission]:
        return await self.cancel_desk.cancel(order_ids, reason)

    async def finish_cancellations(self, submissions: Sequence[Submission]) -> list[JournalEntry]:
        return await self.cancel_desk.finish(submissions)

    async def resume_cancellations(self) -> list[JournalEntry]:
        return await self.cancel_desk.resume()

    def cancellation(self, order_id: str) -> JournalEntry | None:
        return self.journal.latest(order_id)

    def pending_cancellations(self) -> list[JournalEntry]:
        return self.journal.unfinished()

    def cancellation_history(self, limit: int = 500) -> list[JournalEntry]:
        """One row per cancellation, newest first, with its state and Amazon's message."""
        return self.journal.all(limit)

    def audit(self, limit: int = 1000) -> list[AuditEntry]:
        return self.audit_trail.entries(limit)
