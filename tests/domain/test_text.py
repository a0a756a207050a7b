"""safe_text: the one way untrusted text is made inert, in the CLI and the TUI alike."""

from __future__ import annotations

import pytest

from amazon_tui.domain.text import safe_text


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Zoë 山田 👩 [red]x[/red]", "Zoë 山田 👩 [red]x[/red]"),  # printable text is left alone
        ("\x1b[2J\x07\x9b", "\\x1b[2J\\x07\\x9b"),  # C0 and C1
        ("\u202eexe.gnp\u202c", "\\u202eexe.gnp\\u202c"),  # a bidi override
        ("a\u2066b\u2069\u200b\u200f\u2060\ufeff", "a\\u2066b\\u2069\\u200b\\u200f\\u2060\\ufeff"),
        ("\U000e0001tag", "\\U000e0001tag"),  # beyond U+FFFF: unambiguous
        ("a\tb\nc\rd\u2028e", "a b c d\\u2028e"),
        (None, ""),
        (42, "42"),
    ],
)
def test_control_and_format_characters_become_visible_escapes(raw, shown):
    assert safe_text(raw) == shown
    assert safe_text(safe_text(raw)) == safe_text(raw)  # inert already: a second pass changes nothing
