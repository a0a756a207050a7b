"""Command palette (ctrl+p and `:`): an order by (a prefix of) its number, a store by name, any action.

Three kinds of hits: orders found in the local store by the start of their Amazon or Magento
number; the app's own commands (Attention, Sync now, Audit log, a store's View Store or All
Orders); and every action the screen underneath offers right now, generated from its live
bindings (so "Cancel Order" is found only where it can be done, with its current key).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import cast

from rich.text import Text
from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.dom import DOMNode
from textual.fuzzy import Matcher
from textual.screen import Screen

from amazon_tui.domain.text import safe_text
from amazon_tui.tui.context import TuiContext
from amazon_tui.tui.format import markup_literal
from amazon_tui.tui.requests import (
    OpenAllOrders,
    OpenAttention,
    OpenAudit,
    OpenDetails,
    OpenHome,
    OpenStore,
    Request,
    SyncNow,
)

PLACEHOLDER = "Order number (or its start), store name, or an action…"
NOT_IN_PALETTE = {
    "command_palette",
    "help",
    "quit",
    "back",
}  # the palette itself, and what Textual lists already
ORDER_PREFIXES = ("go to order", "order", "go to")


def _screen_actions(provider: Provider) -> list[tuple[str, Callable[[], object], str]]:
    """The calling screen's own actions that can be done now, with their keys (motion keys stay in help)."""
    found: dict[str, tuple[str, Callable[[], object], str]] = {}
    app = provider.app
    for node, bindings in provider.screen._binding_chain:
        if not isinstance(node, Screen):
            continue
        for key, key_bindings in bindings.key_to_bindings.items():
            for binding in key_bindings:
                if binding.id is None or not _offered(node, binding) or binding.id in found:
                    continue
                key_shown = app.get_key_display(binding.with_key(key))
                help_text = markup_literal(f"{binding.tooltip or ''} (key: {key_shown})".strip())
                found[binding.id] = (binding.description, partial(_run, app, binding.action, node), help_text)
    return list(found.values())


def _offered(node: DOMNode, binding: Binding) -> bool:
    action = binding.action.partition("(")[0]
    return (
        bool(binding.id and binding.description and action not in NOT_IN_PALETTE and not binding.system)
        and node.check_action(action, ()) is True
    )


def _highlight(matcher: Matcher, name: str) -> Content:
    """``name`` with the letters the query matched styled, as text: ``Matcher.highlight`` reads markup,
    and a store named "Acme [US]" lost its "[US]"."""
    content = Content(name)
    _, offsets = matcher.fuzzy_search.match(matcher.query, name)
    for offset in offsets:
        if not name[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


async def _run(app: App, action: str, node: DOMNode) -> None:
    await app.run_action(action, node)


class AmazonCommands(Provider):
    """The long tail of actions; the theme switch comes from Textual's system commands."""

    def _ask(self, request: Request) -> Callable[[], object]:
        return partial(self.app.post_message, request)

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        found: list[tuple[str, Callable[[], object], str]] = [
            (
                "Attention",
                self._ask(OpenAttention()),
                "Late, due-soon and buyer-cancel orders of every active store (!)",
            ),
            ("Sync now", self._ask(SyncNow()), "Fetch new and changed orders of every active store"),
            ("Audit log", self._ask(OpenAudit()), "Every cancellation: who, when, reason, feed, outcome"),
            ("Amazon Stores", self._ask(OpenHome()), "Back to the store cards"),
        ]
        for store in cast("TuiContext", self.app).service.stores:
            found.append(
                (
                    f"View Store: {safe_text(store.name)}",
                    self._ask(OpenStore(store.name)),
                    f"{store.market.code} · the store's dashboard",
                )
            )
            found.append(
                (
                    f"All Amazon Orders: {safe_text(store.name)}",
                    self._ask(OpenAllOrders(store.name, via_dashboard=True)),
                    f"{store.market.code} · View All Amazon Orders",
                )
            )
        return _screen_actions(self) + found

    async def discover(self) -> Hits:
        for name, action, help_text in self._commands():
            yield DiscoveryHit(Content(name), action, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, _highlight(matcher, name), action, text=name, help=help_text)
        for summary in self._orders(query):
            label = Text(f"Go to order {safe_text(summary.order_id)}")
            magento = f" · Magento #{summary.magento_increment_id}" if summary.magento_increment_id else ""
            help_text = markup_literal(f"{summary.store} · {summary.status_label}{magento}")
            yield Hit(1.0, label, self._ask(OpenDetails(summary.order_id)), help=help_text)

    def _orders(self, query: str):
        """Orders whose Amazon or Magento number starts with what was typed (three characters at least)."""
        text = query.strip()
        for prefix in ORDER_PREFIXES:
            if text.lower().startswith(prefix):
                text = text[len(prefix) :].strip()
                break
        if len(text) < 3 or not any(ch.isdigit() for ch in text):
            return []
        return cast("TuiContext", self.app).service.find_orders(text)[:10]
