"""Untrusted text (Amazon's, Magento's, a service's error) made inert for a terminal.

One definition for the CLI's tables and every text the TUI draws: a buyer's name cannot
move the cursor, clear the screen, or reorder what the operator reads beside it.
"""

from __future__ import annotations

import unicodedata

# Cc (C0, DEL, C1), Cf (bidi embeddings, overrides and isolates, zero-width characters, the BOM),
# Cs, Co, and the two Unicode line separators (Zl, Zp).
_ESCAPED = frozenset(("Cc", "Cf", "Cs", "Co", "Zl", "Zp"))


def _escape(char: str) -> str:
    """``\\x1b``, ``\\u202e``, ``\\U000e0001``: the character's code, as Python writes it."""
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def safe_text(value: object) -> str:
    """``value`` as one inert line: control and format characters (bidi, zero-width) become
    visible escapes, tabs and line breaks spaces; ``None`` is ""."""
    text = "" if value is None else str(value)
    if text.isprintable():  # no Cc/Cf/Cs/Co/Zl/Zp character (the usual case: nothing to do)
        return text
    return "".join(
        " " if char in "\t\n\r" else _escape(char) if unicodedata.category(char) in _ESCAPED else char
        for char in text
    )
