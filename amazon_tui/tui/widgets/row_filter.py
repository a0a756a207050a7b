"""`/` on a list that lives in memory (Attention, Audit log): keep the rows that match what is typed.

As in k9s: `/` opens the line, typing filters at once, Enter goes back to the list with the
filter kept, Escape clears it. The rule (docs/decisions.md, "Quick filter words"):

- every typed word must start a word of one of the row's fields, any case: "uk" finds
  "Acme UK", "ren" finds "René", "1716754" finds "114-6122420-1716754", "ca" finds "cancel";
- two or more words in a row that begin a store's name name that store: "/acme ca" lists the
  orders of Acme CA, not Acme US's "Buyer cancel" ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from amazon_tui.tui.widgets.filter_form import StillInput
from amazon_tui.tui.widgets.focus import focus_now


class RowFilter(StillInput):
    """A one-line filter; hidden until opened."""

    DEFAULT_CSS = """
    RowFilter { margin: 0 1; }
    """

    def __init__(self, placeholder: str, *, id: str | None = None, stores: Sequence[str] = ()) -> None:
        super().__init__(placeholder=placeholder, compact=True, id=id)
        self.display = False
        self.stores = tuple(stores)

    def open(self) -> None:
        self.display = True
        focus_now(self)

    def close(self) -> None:
        """Clear and hide (Escape)."""
        self.value = ""
        self.display = False

    def matches(self, texts: Iterable[str], *, store: str | None = None) -> bool:
        """Whether the row (its fields' ``texts``, of ``store``) matches what is typed."""
        return matches(self.value, list(texts), store=store, stores=self.stores)


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


@lru_cache(maxsize=64)
def _word_start(word: str) -> re.Pattern[str]:
    return re.compile(r"(?<![^\W_])" + re.escape(word))


def starts_a_word(word: str, text: str) -> bool:
    """Whether ``word`` begins one of ``text``'s words (after a space, a dash, the start...)."""
    return _word_start(word).search(text) is not None


def named_store(words: Sequence[str], stores: Sequence[str]) -> tuple[slice, tuple[str, ...]] | None:
    """The longest run of two or more of ``words`` that begins some store names, and those names."""
    for length in range(len(words), 1, -1):
        for start in range(len(words) - length + 1):
            phrase = " ".join(words[start : start + length])
            named = tuple(store for store in stores if _folded(store).startswith(phrase))
            if named:
                return slice(start, start + length), named
    return None


@lru_cache(maxsize=32)
def _plan(
    typed: str, stores: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...] | None, tuple[str, ...]]:
    """What is typed, worked out once per value (not once per row): its words, the store names
    it names (if any), and the words left to match the row's fields."""
    words = tuple(typed.casefold().split())
    named = named_store(words, stores)
    if named is None:
        return words, None, words
    where, names = named
    return words, names, words[: where.start] + words[where.stop :]


def matches(
    typed: str, texts: Sequence[str], *, store: str | None = None, stores: Sequence[str] = ()
) -> bool:
    words, names, rest = _plan(typed, tuple(stores))
    if not words:
        return True
    if store is not None and names is not None:
        if store not in names:
            return False
        words = rest
    fields = [_folded(text) for text in texts]
    return all(any(starts_a_word(word, field) for field in fields) for word in words)
