"""Preferences validated on load: a bad value is ignored alone, with one line saying which and why."""

from __future__ import annotations

import json

from amazon_tui.local.preferences import FILE_NAME, OrdersView, PreferenceStore

KEY = "sandbox\x1fAcme US"


def _write(tmp_path, document) -> str:
    text = json.dumps(document)
    (tmp_path / FILE_NAME).write_text(text)
    return text


def test_a_bad_value_is_ignored_alone_and_the_notice_says_which_and_why(tmp_path):
    text = _write(
        tmp_path,
        {
            "theme": "nord",
            "revenue_days": 14,
            "orders_views": {KEY: {"query": {"quick": "Kenji"}, "page": -5, "order_id": "111-1"}},
        },
    )
    store = PreferenceStore(tmp_path, "sandbox")
    assert store.current.theme == "nord" and store.current.revenue_days == 30
    view = store.orders_view("Acme US")
    assert view == OrdersView(query={"quick": "Kenji"}, page=0, order_id="111-1")
    assert store.problem == (
        "Preferences ignored: revenue_days 14 (should be 7 or 30); "
        "page -5 of All Amazon Orders in Acme US (should be greater than or equal to 0). "
        f"The others in {tmp_path / FILE_NAME} are used."
    )
    assert (tmp_path / FILE_NAME).read_text() == text, "the file is left as it is"
    assert not (tmp_path / f"{FILE_NAME}.unreadable").exists()

    store.set(theme="dracula")  # the next change writes the good values only
    written = json.loads((tmp_path / FILE_NAME).read_text())
    assert written["theme"] == "dracula" and written["revenue_days"] == 30
    assert written["orders_views"][KEY]["page"] == 0
    assert PreferenceStore(tmp_path, "sandbox").problem is None


def test_values_of_the_wrong_shape_never_raise(tmp_path):
    _write(
        tmp_path,
        {"theme": 42, "orders_views": {KEY: "nonsense", "other\x1fAcme UK": {"page": "two", "query": []}}},
    )
    store = PreferenceStore(tmp_path, "sandbox")
    assert store.current.theme is None and store.orders_view("Acme US") is None
    assert store.problem is not None and store.problem.count(";") == 3
    assert "the view of All Amazon Orders in Acme US (should be an object)" in store.problem
    assert 'page "two" of All Amazon Orders in Acme UK (should be a valid integer' in store.problem

    _write(tmp_path, {"orders_views": []})
    assert PreferenceStore(tmp_path, "sandbox").problem.startswith(
        "Preference ignored: orders_views [] (should be a valid dictionary)"
    )


def test_a_file_that_is_not_a_json_object_is_set_aside_whole(tmp_path):
    _write(tmp_path, [1, 2])
    store = PreferenceStore(tmp_path, "sandbox")
    assert store.current.revenue_days == 30 and "could not be read" in store.problem
    assert (tmp_path / f"{FILE_NAME}.unreadable").exists()
