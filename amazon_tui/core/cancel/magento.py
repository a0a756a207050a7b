"""The Magento side of a cancellation Amazon confirmed, per ``magento.on_amazon_cancel``.

Exactly once, never skipped: the Magento order is found (the link index, else a search by the
Amazon number); it is read before anything is written, and a refund it already holds or a
comment it already has is not made again (an earlier attempt whose answer was lost, someone
in the admin). ``magento_done`` is set only once Magento accepted, or once it is sure that
Magento has no such order (the audit says so). A failure is kept on the row (``magento_error``,
shown in Attention and the audit) and retried.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from amazon_tui.core.cancel.records import CancelRecords
from amazon_tui.local.fenced import LeaseLost
from amazon_tui.local.journal import JournalEntry
from amazon_tui.local.lease import Fence

if TYPE_CHECKING:
    from amazon_tui.clients.magento.client import MagentoClient
    from amazon_tui.domain.models import MagentoLink, MagentoOrder

IMPORT_DELAY = timedelta(days=1)  # a Magento order is created after the Amazon purchase, never a day before


class MagentoFollowUp:
    """Refund offline with a comment, comment only, or nothing."""

    def __init__(
        self,
        records: CancelRecords,
        magento: Callable[[], MagentoClient | None],
        on_amazon_cancel: str,
        holds: Callable[[Fence], bool],
        store_ids: Callable[[str], int | None],
    ) -> None:
        """``magento``: the client, asked for on first use (None without ``[magento]``);
        ``store_ids``: a store's Magento store id (where to search)."""
        self.records = records
        self._magento = magento
        self.on_amazon_cancel = on_amazon_cancel
        self.holds = holds
        self.store_ids = store_ids

    def comment(self, entry: JournalEntry) -> str:
        return (
            f"Amazon order {entry.order_id} canceled in amazon-tui by {entry.operator}. "
            f"Reason: {entry.reason.label} ({entry.reason.value})."
        )

    async def run(self, entry: JournalEntry, fence: Fence) -> JournalEntry:
        """The Magento step of a canceled row; the row as it stands after."""
        magento = self._magento()
        if magento is None or self.on_amazon_cancel == "none":
            return self._done(entry, fence, None)
        try:
            return await self._follow_up(magento, entry, fence)
        except LeaseLost:
            raise
        except Exception as exc:  # noqa: BLE001 - kept on the row, shown, retried by the next pass
            error = f"Magento {self.on_amazon_cancel} failed: {exc}"
            if error != entry.magento_error:  # one audit row per distinct failure, not one per retry
                self.records.record(entry, "magento-failed", error)
            return self.records.journal.update(entry, fence, now=self.records.clock(), magento_error=error)

    async def _follow_up(self, magento: MagentoClient, entry: JournalEntry, fence: Fence) -> JournalEntry:
        link = await self._find(magento, entry)
        if link is None:
            why = f"Magento has no order for Amazon order {entry.order_id}: nothing to refund or comment on."
            return self._done(entry, fence, ("magento-none", why))
        self._check(fence)
        order = await magento.get_order(link.entity_id)
        comment = self.comment(entry)
        if self.on_amazon_cancel == "refund":
            if _refunded(order):
                refunded = f"Magento already holds a refund of {order.total_refunded}: no second credit memo."
                why = f"{refunded} {comment}"
                return self._done(entry, fence, ("magento-refund", why))
            self._check(fence)
            await magento.refund_offline(link.entity_id, comment=comment)
            return self._done(entry, fence, ("magento-refund", comment))
        if not any(existing.comment == comment for existing in order.comments):
            self._check(fence)
            await magento.add_comment(link.entity_id, comment)
        return self._done(entry, fence, ("magento-comment", comment))

    async def _find(self, magento: MagentoClient, entry: JournalEntry) -> MagentoLink | None:
        """The link index's Magento order, else Magento's own search (and the index learns it)."""
        records = self.records
        link = records.repo.link(entry.order_id)
        if link is not None:
            return link
        local = records.repo.get(entry.order_id)
        created = (local.created if local is not None else entry.requested_at) - IMPORT_DELAY
        link = await magento.find_order(
            entry.order_id, store_id=self.store_ids(entry.store), created_after=created
        )
        if link is not None:
            records.repo.upsert_links([link], now=records.clock())
        return link

    def _check(self, fence: Fence) -> None:
        if not self.holds(fence):
            raise LeaseLost(f"this process no longer leads the data dir (epoch {fence.epoch})")

    def _done(self, entry: JournalEntry, fence: Fence, audit: tuple[str, str | None] | None) -> JournalEntry:
        """``magento_done``, with its audit row in the same commit."""
        return self.records.move(
            entry, entry.state, fence, audit=audit, magento_done=True, magento_error=None
        )


def _refunded(order: MagentoOrder) -> bool:
    """Whether Magento holds a credit memo for the order already (closed, or any amount refunded)."""
    return order.state == "closed" or bool(order.total_refunded and order.total_refunded > 0)
