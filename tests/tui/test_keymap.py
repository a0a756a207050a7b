"""[keymap] is checked before the TUI starts: an unknown binding id or a key Textual never sends is a
config error (exit 2, one line) instead of a remap that silently does nothing."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
import tomli_w
from textual.binding import Binding

import amazon_tui.tui
from amazon_tui.cli.main import main
from amazon_tui.config.schema import ConfigError
from amazon_tui.sandbox import sandbox_config
from amazon_tui.tui.keymap import BINDING_IDS, check_keymap, is_key


def tui_bindings() -> list[Binding]:
    """Every Binding declared by a class of the TUI (every screen and widget module loaded)."""
    found = []
    for module in pkgutil.walk_packages(amazon_tui.tui.__path__, "amazon_tui.tui."):
        loaded = importlib.import_module(module.name)
        for _, cls in inspect.getmembers(loaded, inspect.isclass):
            if cls.__module__ == loaded.__name__:
                found += [item for item in cls.__dict__.get("BINDINGS", ()) if isinstance(item, Binding)]
    return found


def test_the_declared_ids_are_the_ids_the_tui_binds():
    bindings = tui_bindings()
    assert all(binding.id for binding in bindings), "every binding has an id [keymap] can name"
    assert {binding.id for binding in bindings} == BINDING_IDS


def test_every_key_the_tui_binds_is_a_key():
    keys = {key.strip() for binding in tui_bindings() for key in binding.key.split(",")}
    assert [key for key in sorted(keys) if not is_key(key)] == []


@pytest.mark.parametrize(
    "key",
    ["q", "?", "+", "G", "ctrl+q", "f5", "question_mark", "slash", "shift+tab", "alt+x", "ctrl+shift+a"],
)
def test_keys_textual_sends(key):
    assert is_key(key)


@pytest.mark.parametrize(
    "key",
    ["ctlr+q", "Ctrl+q", "F5", "Enter", "questionmark", "ctrl+", "ctrl+ctrl+a", "shift+ctrl+a", "ctrl+?"],
)
def test_names_textual_never_sends(key):
    assert not is_key(key)


def test_a_good_keymap_passes():
    check_keymap({"all-orders": "b", "quit": "q,ctrl+q", "cancel-order": " x "}, "config.toml")


def test_every_problem_is_named_in_one_error():
    with pytest.raises(ConfigError) as raised:
        check_keymap({"cancel_order": "x", "all-orders": "ctlr+b", "quit": ""}, "config.toml")
    message = str(raised.value)
    assert message.startswith(
        "config.toml is not a valid amazon-tui config. "
        "keymap.cancel_order: no binding has this id (did you mean cancel-order or all-orders?). "
        "keymap.all-orders: 'ctlr+b' is not a key Textual knows (a character, or a name such as enter, "
    )
    assert "keymap.quit: no key given." in message
    assert "Binding ids: all-orders, attention, back, " in message
    assert f"({len(BINDING_IDS)}; `?` in the app" in message
    assert "\n" not in message and len(message) < 800


def test_a_key_alone_does_not_list_the_ids():
    with pytest.raises(ConfigError) as raised:
        check_keymap({"help": "F1"}, "config.toml")
    assert "Binding ids" not in str(raised.value)


def test_the_tui_refuses_to_start_with_a_bad_keymap(tmp_path, capsys):
    raw = sandbox_config("http://127.0.0.1:1")
    raw["keymap"] = {"cancel_order": "x"}
    path = tmp_path / "config.toml"
    path.write_text(tomli_w.dumps(raw))
    path.chmod(0o600)
    assert main(["--config", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err.startswith(f"amazon-tui: {path} is not a valid amazon-tui config. keymap.cancel_order: ")
