"""The order list's column plan (issue 31, item 9): by rule, not by page; the width used whole."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from amazon_tui.domain.values import SortField
from amazon_tui.tui.widgets.fitted_table import plan_widths
from amazon_tui.tui.widgets.order_table import SPECS

COMPACT = {"mark": 1, "purchase_date": 11, "order_number": 19, "ship_by": 11, "total": 8}
WIDE = {**COMPACT, "purchase_date": 16, "ship_by": 16, "total": 12}
SHRINK = [spec for spec in SPECS if spec.role == "shrink"]


def _page(draw_lengths: dict[str, int], floors: dict[str, int]) -> dict[str, int]:
    """A page's widest values: keep columns within their format, free text anything."""
    return {key: min(length, floors.get(key, length)) for key, length in draw_lengths.items()}


lengths = st.fixed_dictionaries({spec.key: st.integers(min_value=0, max_value=300) for spec in SPECS})


@given(width=st.integers(min_value=60, max_value=240), one=lengths, other=lengths)
def test_widths_do_not_jump_between_pages_and_leave_no_column_unused(width, one, other):
    floors = COMPACT if width < 110 else WIDE
    first = plan_widths(SPECS, _page(one, floors), width, floors)
    assert first == plan_widths(SPECS, _page(other, floors), width, floors)
    keep = sum(first[spec.key] for spec in SPECS if spec.role == "keep")
    if keep + sum(spec.least + 1 for spec in SHRINK) <= width:
        assert sum(first.values()) == width  # the notes take what the others leave
        assert all(first[spec.key] >= spec.least + 1 for spec in SHRINK)


@given(width=st.integers(min_value=0, max_value=240), page=lengths)
def test_keep_columns_are_never_cut_even_by_a_value_beyond_their_format(width, page):
    floors = COMPACT if width < 110 else WIDE
    widths = plan_widths(SPECS, page, width, floors)
    for spec in SPECS:
        if spec.role == "keep":
            assert widths[spec.key] == max(page[spec.key], floors.get(spec.key, 0), len(spec.label)) + 1


def test_at_80_columns_the_buyer_is_readable_and_the_status_is_not_wide():
    widths = plan_widths(SPECS, {}, 79, COMPACT)  # 80 less the scrollbar
    assert widths[SortField.BUYER_NAME.value] >= len("Michael Brown") + 1
    assert widths[SortField.STATUS.value] <= len("● Canceling…") + 2
    assert SortField.NOTES.value in widths and SortField.PURCHASE_DATE.value not in widths


def test_at_120_columns_every_column_shows_and_the_status_fits_its_common_labels():
    widths = plan_widths(SPECS, {}, 119, WIDE)
    assert set(widths) == {spec.key for spec in SPECS}
    assert widths[SortField.STATUS.value] >= len("● Partially Shipped") + 1
    assert widths[SortField.BUYER_NAME.value] >= len("Aaliyah Washington") - 2
    assert sum(widths.values()) == 119
