"""The local SQLite store: orders, notes, cursors, Magento links, journal, audit trail."""

from typing import TYPE_CHECKING

from amazon_tui.local.db import Database, DatabaseError, open_database
from amazon_tui.local.orders import OrderRepository

if TYPE_CHECKING:
    from amazon_tui.local.audit import AuditEntry, AuditTrail
    from amazon_tui.local.journal import CancelState, DuplicateCancellation, Journal, JournalEntry

_LAZY = {
    "AuditEntry": "audit", "AuditTrail": "audit",
    "CancelState": "journal", "DuplicateCancellation": "journal", "Journal": "journal", "JournalEntry": "journal",
}

__all__ = [
    "AuditEntry",
    "AuditTrail",
    "CancelState",
    "Database",
    "DatabaseError",
    "DuplicateCancellation",
    "Journal",
    "JournalEntry",
    "OrderRepository",
    "open_database",
]


def __getattr__(name: str):
    """The journal and the audit trail load on first use (off the TUI's start path)."""
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f"amazon_tui.local.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
