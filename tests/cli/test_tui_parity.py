"""What `order show --json` prints equals what Amazon Order Details shows for the same order."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from pathlib import Path

from amazon_tui.cli.main import main
from amazon_tui.domain.models import OrderQuery
from amazon_tui.domain.values import OrderStatus
from tests.support.pilot import plain, settle
from tests.support.world import build


def _shown_on_the_details_screen(tmp_path: Path) -> tuple[str, str, str]:
    world = build(tmp_path)

    async def walk() -> tuple[str, str, str]:
        async with world.app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            order_id = world.service.orders(
                OrderQuery(stores=("Acme UK",), statuses=(OrderStatus.UNSHIPPED,)), limit=1
            )[0].order_id
            pilot.app.navigator.open_details(order_id)
            await settle(pilot)
            screen = pilot.app.screen
            return (
                order_id,
                plain(screen.query_one("#order-section")),
                plain(screen.query_one("#shipping-section")),
            )

    try:
        return asyncio.run(walk())
    finally:
        world.sandbox.close()


def test_order_show_json_equals_the_details_screen(tmp_path, monkeypatch, capsys):
    order_id, details, shipping = _shown_on_the_details_screen(tmp_path)
    cli_data = tmp_path / "cli"
    cli_data.mkdir()
    (cli_data / "sandbox").symlink_to(tmp_path / "data")  # the CLI reads the store the TUI wrote
    monkeypatch.setenv("AMAZON_TUI_DATA_DIR", str(cli_data))
    assert main(["order", "show", order_id, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)["order"]

    def row(text: str, label: str) -> str:
        line = next(line for line in text.splitlines() if line.startswith(label))
        return line[len(label) :].strip()

    assert row(details, "Order number").startswith(data["order_number"])
    assert row(details, "Status").endswith(data["status_label"])
    assert row(details, "Buyer name") == data["buyer_name"]
    assert row(details, "Buyer email") == data["buyer_email"]
    assert row(details, "Currency") == data["currency"]
    assert row(details, "Order total") == f"{data['currency']} {data['total']}"
    assert row(details, "Purchase date") == datetime.fromisoformat(data["purchase_date"]).strftime(
        "%Y-%m-%d %H:%M"
    )
    assert row(details, "Latest ship date") == datetime.fromisoformat(data["latest_ship_date"]).strftime(
        "%Y-%m-%d %H:%M"
    )
    assert row(details, "Prime") == ("Yes" if data["prime"] else "No")
    assert row(shipping, "Items unshipped") == str(data["items_unshipped"])
    assert row(shipping, "Shipping service level") == data["shipping_service_level"]
