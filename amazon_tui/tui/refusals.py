"""No cancellation here: why, and where to cancel instead (Seller Central)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App

from amazon_tui.tui.format import seller_central_order_url

if TYPE_CHECKING:
    from amazon_tui.core.service import AppService


def explain_refusal(app: App[int], service: AppService, order_id: str, store: str, refusal: str) -> str:
    """Notify why ``order_id`` is not canceled here and where to cancel it instead; the text."""
    text = f"No cancellation here: {refusal}"
    if store in service.settings.store_names and not service.read_only:
        market = service.settings.config.store(store).market
        text += f"\nSeller Central: {seller_central_order_url(market.seller_central, order_id)}"
    app.notify(text, title="Cancel Order", severity="warning", timeout=8, markup=False)
    return text
