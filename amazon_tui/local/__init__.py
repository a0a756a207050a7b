"""The local SQLite store: orders, notes, cursors, Magento links, journal, audit trail, lease."""
