"""The screen stack: where each request of a screen leads (store → order → details)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App

if TYPE_CHECKING:
    from amazon_tui.core.service import AppService


class Navigator:
    """Pushes and pops the ASC screens; the app owns one and hands it every navigation request."""

    def __init__(self, app: App[int], service: AppService) -> None:
        self.app = app
        self.service = service

    def open_home(self) -> None:
        while len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def _store_of(self, order_id: str) -> str:
        summary = self.service.order_summary(order_id)
        return summary.store if summary else "?"

    def open_store(self, store: str) -> None:
        from amazon_tui.tui.screens.dashboard import DashboardScreen

        self.open_home()
        self.app.push_screen(DashboardScreen(store))

    def open_order(self, order_id: str) -> None:
        """The documented path: the Magento order view, or the Amazon details when there is none."""
        if not self.service.magento_configured:
            self.app.notify("Magento is not configured: showing Amazon Order Details.", timeout=4)
        elif self.service.magento_link(order_id) is None:
            self.app.notify(
                f"No Magento order exists for {order_id} yet "
                "(Pending orders get one once Amazon releases them): showing Amazon Order Details.",
                timeout=5,
                markup=False,
            )
        else:
            from amazon_tui.tui.screens.magento_order import MagentoOrderScreen

            self.app.push_screen(MagentoOrderScreen(order_id, self._store_of(order_id)))
            return
        self.open_details(order_id)

    def open_details(self, order_id: str) -> None:
        from amazon_tui.tui.screens.order_details import OrderDetailsScreen

        self.app.push_screen(OrderDetailsScreen(order_id, self._store_of(order_id)))

    def open_all_orders(self, store: str) -> None:
        from amazon_tui.tui.screens.all_orders import AllOrdersScreen

        self.app.push_screen(AllOrdersScreen(store))

    def open_attention(self) -> None:
        from amazon_tui.tui.screens.attention import AttentionScreen

        if not isinstance(self.app.screen, AttentionScreen):
            self.app.push_screen(AttentionScreen())

    def open_audit(self) -> None:
        from amazon_tui.tui.screens.audit_log import AuditScreen

        self.app.push_screen(AuditScreen())

    def open_help(self) -> None:
        from amazon_tui.tui.screens.help import HelpScreen

        if not isinstance(self.app.screen, HelpScreen):
            self.app.push_screen(HelpScreen(self.app.screen))
