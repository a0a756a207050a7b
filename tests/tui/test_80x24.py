"""At 80x24, a standard SSH terminal, and at the minimum size, every screen shows all its ASC
labels and no cut money.

Each screen is rendered as the terminal shows it (scrolling through the views that scroll);
the test fails when an ASC label is missing or cut, or when a money value on screen is not
whole. Columns of the order lists are fitted by priority: a property test checks the rules.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amazon_tui.domain.models import OrderQuery
from amazon_tui.domain.values import CancelReason, OrderStatus
from amazon_tui.tui.widgets.attention_table import AttentionTable
from amazon_tui.tui.widgets.error_line import MIN_HEIGHT, MIN_WIDTH
from amazon_tui.tui.widgets.fitted_table import ColumnSpec, plan_widths
from amazon_tui.tui.widgets.order_table import OrderTable
from tests.support.pilot import settle, text_through_scrolling, visible_text
from tests.support.world import build

SIZES = [(80, 24), (MIN_WIDTH, MIN_HEIGHT)]

LIST_COLUMNS = ["Order Number", "Status", "Ship By", "Total", "Notes"]
LABELS = {
    "stores": ["Amazon Stores", "Created", "Last Updated", "GMV (30 day)", "View Store"],
    "dashboard": [
        "Store Name:",
        "Magento Website:",
        "Status:",
        "Created:",
        "Last Updated:",
        "Sales revenue",
        "last 30 days",
        "Lifetime sales",
        "Seller Central links",
        "Shipping",
        "Taxes",
        "Payments",
        "Notifications",
        "Category Approval",
        "Recent Orders",
        "All Orders",
        *LIST_COLUMNS,
    ],
    "magento": [
        "Payment & Shipping Information",
        "Payment Information",
        "Amazon Channel Payment",
        "Amazon Order Number",
        "View or Cancel Amazon Order",
        "View All Amazon Orders",
        "The order was placed using",
    ],
    "details": [
        "Amazon Order Details",
        "Back",
        "Cancel Order",
        "Order and Shipping Details",
        "Order Items",
        "Tracking",
        "Order details",
        "Order number",
        "Status",
        "Notes",
        "Buyer email",
        "Buyer name",
        "Currency",
        "Order total",
        "Inventory reserved",
        "Premium",
        "Prime",
        "Purchase date",
        "Latest ship date",
        "Shipping details",
        "Shipping service",
        "Shipping service level",
        "Shipped by Amazon",
        "Business",
        "Items shipped",
        "Items unshipped",
        "Fulfillment channel",
        "Shipping phone number",
        "Shipping address 1",
        "Shipping address 2",
        "Shipping address 3",
        "Shipping city",
        "Shipping region",
        "Shipping postal code",
        "Shipping country",
    ],
    "items": [
        "Amazon Order Details",
        "Magento Order Number",
        "Qty Shipped",
        "Qty Ordered",
        "Title",
        "ASIN",
        "Amazon Seller SKU",
        "Condition",
        "Row Price",
        "Row Tax",
        "Shipping Price",
    ],
    "tracking": [
        "Amazon Order Details",
        "Magento Order Number",
        "Title",
        "Quantity",
        "Carrier Code",
        "Carrier Name",
        "Shipping Method",
        "Tracking Number",
    ],
    "cancel_modal": [
        "Amazon Order Cancellation",
        "Amazon Order Number",
        "Reason For Cancellation",
        *[reason.label for reason in CancelReason],
        "The selected reason will be sent to Amazon and the buyer.",
        "Back",
        "Confirm",
    ],
    "all_orders": ["All Amazon Orders", "page 1 of", *LIST_COLUMNS],
    "filters": [
        "Purchase Date from",
        "Order Number",
        "Buyer's Name",
        "Total min",
        "max",
        "Error",
        "Pending",
        "Shipped",
        "Canceled",
        "Unshipped",
        "Partially Shipped",
        "Pending Availability",
        "Apply filters",
        "Clear all filters",
    ],
    "attention": ["Attention", "Order Number", "Why", "Time Left", "Total"],
}


def _order(app, status: OrderStatus) -> str:
    rows = app.service.orders(OrderQuery(stores=("Acme US",), statuses=(status,)), limit=60)
    return next(
        r.order_id
        for r in rows
        if app.service.magento_link(r.order_id) and app.service.cached_order(r.order_id).is_merchant_fulfilled
    )


async def _open(pilot, screen: str) -> str:
    """Open ``screen`` and return all it shows (through its scrolling view, if any)."""
    app = pilot.app
    await settle(pilot)
    if screen == "stores":
        return visible_text(app)
    if screen in ("dashboard", "all_orders", "filters"):
        app.navigator.open_store("Acme US")
        await settle(pilot)
        if screen != "dashboard":
            await pilot.press("a")
            await settle(pilot)
        if screen == "filters":
            await pilot.press("f")
            await settle(pilot)
            return await text_through_scrolling(pilot, app.screen)
        return visible_text(app)
    if screen == "magento":
        app.navigator.open_order(_order(app, OrderStatus.UNSHIPPED))
        await settle(pilot)
        return visible_text(app)
    if screen == "attention":
        await pilot.press("exclamation_mark")
        await settle(pilot)
        return visible_text(app)
    app.navigator.open_details(
        _order(app, OrderStatus.SHIPPED if screen == "tracking" else OrderStatus.UNSHIPPED)
    )
    await settle(pilot)
    if screen == "cancel_modal":
        await pilot.press("c")
        await settle(pilot)
        return await text_through_scrolling(pilot, app.screen.query_one("#cancel-body"))
    await pilot.press({"details": "1", "items": "2", "tracking": "3"}[screen])
    await settle(pilot)
    return await text_through_scrolling(pilot, app.focused)  # the tab's scrolling view, focused by its key


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(LABELS))
async def test_every_asc_label_is_on_screen(screen, size, tmp_path):
    world = build(tmp_path)
    try:
        async with world.app.run_test(size=size) as pilot:
            text = await _open(pilot, screen)
    finally:
        world.sandbox.close()
    # Below 80 columns the free-text columns may be cut to "N…" (the notes stay, shortened).
    labels = [label for label in LABELS[screen] if size == (80, 24) or label != "Notes"]
    missing = [label for label in labels if label not in text]
    assert not missing, f"{screen} at {size} lacks {missing}:\n{text}"


def _money_on_screen(text: str, amounts) -> list[str]:
    return [amount for amount in amounts if amount not in text]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_no_money_value_is_cut(size, tmp_path):
    """Every total of Recent Orders, All Amazon Orders (filters open) and Attention, every item price."""
    world = build(tmp_path)
    problems: list[str] = []
    try:
        async with world.app.run_test(size=size) as pilot:
            app = pilot.app
            await settle(pilot)
            app.navigator.open_store("Acme US")
            await settle(pilot)
            for screen in ("dashboard", "all orders with the quick filter and the form open"):
                table = app.screen.query_one(OrderTable)
                shown = table.rows_shown[: table.size.height - 1]
                problems += [
                    f"{screen}: {a}"
                    for a in _money_on_screen(
                        visible_text(app), [f"{row.total.amount:,.2f}" for row in shown if row.total]
                    )
                ]
                if screen == "dashboard":
                    await pilot.press("a", "slash", "escape", "f")
                    await settle(pilot)
            app.navigator.open_attention()
            await settle(pilot)
            table = app.screen.query_one(AttentionTable)
            shown = table.rows_shown[: table.size.height - 1]
            problems += [
                f"Attention: {a}"
                for a in _money_on_screen(
                    visible_text(app), [row.total.format() for row in shown if row.total]
                )
            ]
            order = app.service.cached_order(_order(app, OrderStatus.UNSHIPPED))
            app.navigator.open_details(order.order_id)
            await settle(pilot)
            await pilot.press("2")
            await settle(pilot)
            text = await text_through_scrolling(pilot, app.focused)
            prices = [
                m.format()
                for item in order.items
                for m in (item.row_price, item.row_tax, item.shipping_price)
                if m is not None
            ]
            problems += [f"Order Items: {a}" for a in _money_on_screen(text, prices)]
    finally:
        world.sandbox.close()
    assert not problems


SPECS = (
    ColumnSpec("mark", " "),
    ColumnSpec("date", "Purchase Date", "drop"),
    ColumnSpec("number", "Order Number"),
    ColumnSpec("status", "Status"),
    ColumnSpec("buyer", "Buyer's Name", "shrink", least=8),
    ColumnSpec("total", "Total", right=True),
    ColumnSpec("notes", "Order Notes", "shrink", least=10),
)


@given(
    width=st.integers(min_value=0, max_value=240),
    natural=st.fixed_dictionaries({spec.key: st.integers(min_value=0, max_value=400) for spec in SPECS}),
)
def test_column_plan_keeps_what_must_stay_and_never_overflows(width, natural):
    widths = plan_widths(SPECS, natural, width)
    keep = [spec for spec in SPECS if spec.role == "keep"]
    for spec in keep:  # never dropped, never cut
        assert widths[spec.key] == max(natural[spec.key], len(spec.label)) + 1
    keep_total = sum(widths[spec.key] for spec in keep)
    if keep_total <= width:
        assert sum(widths.values()) <= width
    for spec in SPECS:
        if spec.role != "keep" and spec.key in widths:
            assert 2 <= widths[spec.key] <= max(natural[spec.key], len(spec.label)) + 1
    shrink_least = sum(
        min(max(natural[s.key], len(s.label)) + 1, s.least + 1) for s in SPECS if s.role == "shrink"
    )
    if "date" in widths:  # a dropped column never takes what the free text needs
        assert width - keep_total - widths["date"] >= shrink_least
