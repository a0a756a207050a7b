"""The incremental sync against the sandbox: idempotence, resume, notes, calls per action."""

from __future__ import annotations

from amazon_tui.core.service import AppService
from amazon_tui.domain.models import OrderQuery
from amazon_tui.domain.values import OrderStatus
from tests.support.services import sandbox_settings


def local_state(service):
    return service.db.query("SELECT order_id, status, last_updated, notes, doc FROM orders ORDER BY order_id")


async def test_first_sync_fetches_every_order_of_active_stores(world):
    service = world.open_service()
    outcome = await service.sync()
    assert outcome.failures == {}
    active = [store for store in world.sandbox.stores if store.active]
    for store in active:
        expected = world.sandbox.db.query_one(
            "SELECT COUNT(*) AS n FROM amazon_orders WHERE seller_id = ?", (store.seller_id,)
        )["n"]
        assert service.count(OrderQuery(stores=(store.name,))) == expected
    inactive = [store.name for store in world.sandbox.stores if not store.active]
    assert all(service.count(OrderQuery(stores=(name,))) == 0 for name in inactive)
    assert sum(report.links for report in outcome.reports) > 0


async def test_sync_twice_changes_nothing_and_costs_one_call_per_store(world):
    service = world.open_service()
    await service.sync()
    before = local_state(service)
    world.sandbox.clear_log()
    outcome = await service.sync()
    assert local_state(service) == before
    assert all(not report.inserted and not report.changed for report in outcome.reports)
    active = sum(1 for store in world.sandbox.stores if store.active)
    assert world.sandbox.count("searchOrders") == active


async def test_status_change_gets_its_note(world):
    service = world.open_service()
    await service.sync()
    order_id = next(
        row.order_id
        for row in service.orders(OrderQuery(statuses=(OrderStatus.UNSHIPPED,)), limit=100)
        if row.fulfilled_by.value == "MERCHANT"
    )
    world.sandbox.ship_order(order_id)
    outcome = await service.sync()
    changed = [change for report in outcome.reports for change in report.changed]
    assert [(c.order_id, c.new) for c in changed] == [(order_id, OrderStatus.SHIPPED)]
    assert service.order_summary(order_id).notes == "Status updated to Shipped."
    assert service.order_summary(order_id).status is OrderStatus.SHIPPED


async def test_sync_resumes_after_a_failure_midway_without_loss_or_duplicates(world):
    service = world.open_service(sync={"page_size": 25})
    world.sandbox.inject_fault("searchOrders", "500", count=None)
    world.sandbox.clear_faults()

    def break_after_first_page(update):
        if update.phase == "amazon" and update.pages == 2:
            world.sandbox.inject_fault("searchOrders", "500")

    outcome = await service.sync(["Acme US"], progress=break_after_first_page)
    assert "Acme US" in outcome.failures
    partial = service.count(OrderQuery(stores=("Acme US",)))
    assert 0 < partial < 120
    assert service.repo.cursor("Acme US", "amazon") is None  # the cursor did not run ahead
    world.sandbox.clear_faults()
    outcome = await service.sync(["Acme US"])
    assert outcome.failures == {}
    rows = service.db.query("SELECT order_id FROM orders WHERE store = 'Acme US'")
    sandbox_ids = {
        row["order_id"]
        for row in world.sandbox.db.query(
            "SELECT order_id FROM amazon_orders WHERE seller_id = ?", (world.sandbox.stores[0].seller_id,)
        )
    }
    assert len(rows) == len({row["order_id"] for row in rows}) == len(sandbox_ids)
    assert {row["order_id"] for row in rows} == sandbox_ids


async def test_new_orders_arrive_with_the_next_sync(world):
    service = world.open_service()
    await service.sync()
    new_ids = world.sandbox.add_orders("Acme US", 3)
    outcome = await service.sync(["Acme US"])
    assert sorted(outcome.reports[0].inserted) == sorted(new_ids)
    assert all(service.order_summary(order_id).unseen for order_id in new_ids)


async def test_opening_an_order_is_one_get_order_and_none_when_fresh(world):
    service = world.open_service()
    await service.sync()
    order_id = service.orders(OrderQuery(), limit=1)[0].order_id
    world.sandbox.clear_log()
    order = await service.refresh_order(order_id)
    assert world.sandbox.count("getOrder") == 1
    raw = world.sandbox.get_order_raw(order_id)
    assert order.status.value == raw["fulfillment"]["fulfillmentStatus"]
    assert str(order.total.amount) == raw["proceeds"]["grandTotal"]["amount"]
    await service.refresh_order(order_id)
    assert world.sandbox.count("getOrder") == 1
    await service.refresh_order(order_id, force=True)
    assert world.sandbox.count("getOrder") == 2


async def test_an_order_not_synced_yet_is_found_in_whichever_store_has_it(world):
    service = world.open_service()
    uk = next(store for store in world.sandbox.stores if store.name == "Acme UK")
    order_id = world.sandbox.db.query(
        "SELECT order_id FROM amazon_orders WHERE seller_id = ? LIMIT 1", (uk.seller_id,)
    )[0]["order_id"]
    order = await service.refresh_order(order_id)
    assert order.store == "Acme UK" and service.cached_order(order_id) is not None


async def test_a_start_with_the_same_stores_writes_nothing_and_a_changed_store_keeps_its_created_date(world):
    first = world.open_service()
    created = {row["name"]: row["created"] for row in first.db.query("SELECT name, created FROM stores")}
    assert set(created) == {store.name for store in first.settings.config.stores}
    await first.aclose()

    again = world.open_service()
    statements: list[str] = []
    again.db._conn.set_trace_callback(statements.append)  # observes the statements SQLite runs
    again.store_book.register()
    assert not [s for s in statements if s.startswith("BEGIN")]  # every start but the first: no write
    await again.aclose()

    settings = sandbox_settings(world.data_dir)
    first_store = settings.config.stores[0].model_copy(update={"seller_id": "A1MOVEDSELLER"})
    config = settings.config.model_copy(update={"stores": (first_store, *settings.config.stores[1:])})
    moved = AppService(settings._replace(config=config))
    rows = {
        row["name"]: (row["seller_id"], row["created"])
        for row in moved.db.query("SELECT name, seller_id, created FROM stores")
    }
    assert rows[first_store.name] == ("A1MOVEDSELLER", created[first_store.name])  # updated, first seen kept
    await moved.aclose()
