"""Reusable widgets of the amazon-tui screens."""
