"""The local SQLite store: orders, items, packages, notes, cursors, journal, audit trail."""

from amazon_tui.local.db import Database, DatabaseError, open_database
from amazon_tui.local.orders import OrderRepository
from amazon_tui.local.journal import Journal, JournalEntry, CancelState, DuplicateCancellation
from amazon_tui.local.audit import AuditTrail, AuditEntry

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
