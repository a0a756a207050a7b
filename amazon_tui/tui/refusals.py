"""No cancellation here: why, and where to cancel instead (Seller Central)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App

from amazon_tui.tui.format import seller_central_order_url

if TYPE_CHECKING:
    from amazon_tui.core.service import AppService


def explain_refusal(
    app: App[int], service: AppService, order_id: str, store: str, refusal: str, *, toast: bool = True
) -> str:
    """Why ``order_id`` is not canceled here and where to cancel it instead; told in a toast unless
    the screen shows it itself (``toast=False``: Amazon Order Details' banner); the text."""
    text = f"No cancellation here: {refusal}"
    if store in service.settings.store_names and not service.read_only:
        market = service.settings.config.store(store).market
        text += f"\nSeller Central: {seller_central_order_url(market.seller_central, order_id)}"
    if toast:
        app.notify(text, title="Cancel Order", severity="warning", timeout=8, markup=False)
    return text
