"""Command palette (ctrl+p and `:`): go to order, attention, switch store, sync now, audit log."""

from __future__ import annotations

from functools import partial

from rich.markup import escape
from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from amazon_tui.tui.format import clean


class AmazonCommands(Provider):
    """The long tail of actions; the theme switch comes from Textual's system commands."""

    def _commands(self) -> list[tuple[str, object, str]]:
        app = self.app
        found: list[tuple[str, object, str]] = [
            ("Attention", app.open_attention, "Late, due-soon and buyer-cancel orders of every active store (!)"),
            ("Sync now", app.start_sync, "Fetch new and changed orders of every active store"),
            ("Audit log", app.open_audit, "Every cancellation: who, when, reason, feed, outcome"),
            ("Amazon Stores", app.open_home, "Back to the store cards"),
        ]
        for store in app.service.stores:
            found.append((f"Switch store: {store.name}", partial(app.open_store, store.name), escape(f"{store.market.code} · View Store")))
        return found

    async def discover(self) -> Hits:
        for name, action, help_text in self._commands():
            yield DiscoveryHit(name, action, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), action, help=help_text)
        text = query.strip()
        for prefix in ("go to order", "order", "go to"):
            if text.lower().startswith(prefix):
                text = text[len(prefix):].strip()
                break
        if len(text) >= 3 and any(ch.isdigit() for ch in text):
            for summary in self.app.service.find_orders(text)[:10]:
                label = Text(f"Go to order {clean(summary.order_id)}")
                help_text = escape(f"{clean(summary.store)} · {summary.status_label}")
                yield Hit(1.0, label, partial(self.app.open_details, summary.order_id), help=help_text)
