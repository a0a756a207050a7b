"""``[keymap]`` checked before the TUI starts: each id one the TUI binds, each key one Textual sends.

Textual's ``App.set_keymap`` takes anything: an unknown id or a key no terminal sends was a remap
that silently did nothing. The config layer may not import Textual, so the TUI checks and raises
the config's own error (exit 2, one line). The ids are declared here, not collected from the
screens, which load on first use (start-up time); a test keeps this list equal to the bindings.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.keys import REPLACED_KEYS, Keys, _character_to_key, key_to_character

from amazon_tui.config.schema import ConfigError

BINDING_IDS = frozenset(
    {
        *("quit", "help", "palette", "attention", "back", "open", "open-amazon", "all-orders"),
        *("cancel-order", "sync", "refresh", "copy-order", "copy-link", "magento-order"),
        *("view-store", "card-left", "card-right", "card-up", "card-down", "period"),
        *("down", "up", "first", "last", "page-down", "page-up", "scroll-left", "scroll-right"),
        *("mark", "mark-all", "clear-marks", "quick-filter", "filters", "drop-filter"),
        *("chip-previous", "chip-next", "chip-drop", "next-page", "prev-page", "sort", "reverse-sort"),
        *("tab-1", "tab-2", "tab-3", "tab-previous", "tab-next", "cancel-back", "close-help"),
        *("confirm-shipment", "ship-back"),
        *(f"reason-{digit}" for digit in "1234567890"),
        *("error-details", "close-cause", "copy-cause", "orders-up", "orders-down"),
    }
)
MODIFIERS = frozenset({"shift", "ctrl", "alt", "super", "hyper", "meta"})
TEXTUAL_KEYS = frozenset(key.value for key in Keys if not key.value.startswith("<"))  # enter, ctrl+@…
IDS_SHOWN = 300  # characters of the id list in the error


def is_key(key: str) -> bool:
    """Whether Textual sends ``key`` for some keypress: "q", "?", "ctrl+q", "f5", "question_mark"."""
    if key in TEXTUAL_KEYS:
        return True
    if len(key) == 1:  # a lone character: Textual names it itself ("?" is question_mark, "+" plus)
        return key.isprintable() and not key.isspace()
    *modifiers, name = key.split("+")
    if modifiers != sorted(set(modifiers)) or not MODIFIERS.issuperset(modifiers):
        return False  # Textual names them once each, in alphabetical order: "ctrl+shift+a"
    if len(name) == 1:  # after a modifier, only letters and digits go by themselves
        return name.isalnum()
    if name in TEXTUAL_KEYS:
        return True
    character = key_to_character(REPLACED_KEYS.get(name, name))  # "slash" is Unicode's "solidus"
    return character is not None and _character_to_key(character) == name


def _problems(binding_id: str, keys: str) -> list[str]:
    found = []
    if binding_id not in BINDING_IDS:
        import difflib  # here: a start with a good keymap does not load it

        close = difflib.get_close_matches(binding_id, sorted(BINDING_IDS), n=3)
        hint = f" (did you mean {' or '.join(close)}?)" if close else ""
        found.append(f"keymap.{binding_id}: no binding has this id{hint}.")
    named = [key.strip() for key in keys.split(",")]
    if not any(named):
        found.append(f"keymap.{binding_id}: no key given.")
    for key in named:
        if key and not is_key(key):
            found.append(
                f"keymap.{binding_id}: {key!r} is not a key Textual knows (a character, or a name such "
                "as enter, escape, space, f5, pageup, question_mark; before it alt+, ctrl+, shift+ in this "
                "order)."
            )
    return found


def _ids() -> str:
    listed = ", ".join(sorted(BINDING_IDS))
    if len(listed) > IDS_SHOWN:
        listed = listed[: listed.rfind(", ", 0, IDS_SHOWN)] + ", …"
    return f"Binding ids: {listed} ({len(BINDING_IDS)}; `?` in the app lists each screen's)."


def check_keymap(keymap: Mapping[str, str], source: str) -> None:
    """Raise ConfigError naming every unknown binding id and every key that is not a key."""
    problems = [problem for binding_id, keys in keymap.items() for problem in _problems(binding_id, keys)]
    if not problems:
        return
    unknown = any(binding_id not in BINDING_IDS for binding_id in keymap)
    raise ConfigError(
        f"{source} is not a valid amazon-tui config. {' '.join(problems)}" + (f" {_ids()}" if unknown else "")
    )
