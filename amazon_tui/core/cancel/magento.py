"""The Magento side of a cancellation Amazon confirmed, per ``magento.on_amazon_cancel``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from amazon_tui.core.cancel.records import CancelRecords
from amazon_tui.local.journal import JournalEntry

if TYPE_CHECKING:
    from amazon_tui.clients.magento.client import MagentoClient


class MagentoFollowUp:
    """Refund offline with a comment, comment only, or nothing; ``magento_done`` once accepted."""

    def __init__(
        self, records: CancelRecords, magento: Callable[[], MagentoClient | None], on_amazon_cancel: str
    ) -> None:
        """``magento``: the client, asked for on first use (None without ``[magento]``)."""
        self.records = records
        self._magento = magento
        self.on_amazon_cancel = on_amazon_cancel

    async def run(self, entry: JournalEntry) -> JournalEntry:
        """The Magento step of a canceled row; the row as it stands after (``magento_done`` or not)."""
        records = self.records
        magento = self._magento()
        link = records.repo.link(entry.order_id)
        if magento is None or self.on_amazon_cancel == "none" or link is None:
            records.journal.set_magento_done(entry.id, now=records.clock())
            return records.journal.get(entry.id)
        comment = (
            f"Amazon order {entry.order_id} canceled in amazon-tui by {entry.operator}. "
            f"Reason: {entry.reason.label} ({entry.reason.value})."
        )
        try:
            if self.on_amazon_cancel == "refund":
                await magento.refund_offline(link.entity_id, comment=comment)
            else:
                await magento.add_comment(link.entity_id, comment)
        except Exception as exc:  # noqa: BLE001 - retried by the leader's next pass
            if self.on_amazon_cancel == "refund" and await self._already_refunded(
                magento, link.entity_id, exc
            ):
                # An earlier attempt landed but its answer was lost (a crash, a kill, a timeout):
                # Magento refuses a second credit memo. The refund is done; never send another.
                records.journal.set_magento_done(entry.id, now=records.clock())
                records.record(
                    entry,
                    "magento-refund",
                    f"Magento already holds the refund (an earlier attempt landed). {comment}",
                )
                return records.journal.get(entry.id)
            records.record(entry, "magento-failed", f"Magento {self.on_amazon_cancel} failed: {exc}")
            return entry
        records.journal.set_magento_done(entry.id, now=records.clock())
        records.record(entry, f"magento-{self.on_amazon_cancel}", comment)
        return records.journal.get(entry.id)

    @staticmethod
    async def _already_refunded(magento: MagentoClient, entity_id: int, error: Exception) -> bool:
        """Whether Magento refused the refund because the order is refunded already."""
        from amazon_tui.clients.errors import BadRequestError

        if not isinstance(error, BadRequestError):
            return False
        try:
            order = await magento.get_order(entity_id)
        except Exception:  # noqa: BLE001 - unknown: the next pass asks again
            return False
        if order.state == "closed":
            return True
        return (
            order.grand_total is not None
            and order.total_refunded is not None
            and order.total_refunded >= order.grand_total
        )
