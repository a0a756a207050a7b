"""The real clients against the embedded sandbox, in-process (ASGITransport) and over a socket.

Calls are counted in the sandbox's access log. The client's token buckets and the sandbox
share one virtual clock, so rate-limit waits take no real time.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from amazon_tui.clients.amazon.feeds import FeedProcessingStatus, FeedsClient
from amazon_tui.clients.amazon.lwa import LwaClient
from amazon_tui.clients.amazon.orders import ALL_INCLUDED, OrdersClient
from amazon_tui.clients.errors import MalformedResponse, ServerError
from amazon_tui.clients.http import make_http_client
from amazon_tui.clients.magento.auth import OAuth1Credentials
from amazon_tui.clients.magento.client import MagentoClient
from amazon_tui.clients.magento.criteria import SearchCriteria
from amazon_tui.clients.magento.models import link_from, link_index_fields
from amazon_tui.clients.retry import RetryPolicy
from amazon_tui.clients.throttle import Throttle
from amazon_tui.domain.values import OrderStatus

sandbox_package = pytest.importorskip("amazon_tui.sandbox")
Sandbox, ControllableClock, sandbox_config = (
    sandbox_package.Sandbox,
    sandbox_package.ControllableClock,
    sandbox_package.sandbox_config,
)

magento_credentials = pytest.importorskip("amazon_tui.sandbox.catalog").magento_credentials

BASE = "http://sandbox.invalid"
START = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
FAST = RetryPolicy.no_wait()


class SharedTime:
    """The sandbox's clock, also driving the client's token buckets: a bucket's wait moves both."""

    def __init__(self, clock: ControllableClock) -> None:
        self.clock = clock
        self.waits: list[tuple[str, float]] = []

    def monotonic(self) -> float:
        return (self.clock() - START).total_seconds()

    async def sleep(self, seconds: float) -> None:
        self.clock.advance(seconds)
        await asyncio.sleep(0)

    def on_wait(self, operation: str, seconds: float) -> None:
        self.waits.append((operation, seconds))


@dataclass
class World:
    sandbox: Sandbox
    time: SharedTime
    http: httpx.AsyncClient
    lwa: LwaClient
    orders: OrdersClient
    feeds: FeedsClient
    marketplace_id: str

    def magento(self, **auth) -> MagentoClient:
        """Signed with the integration's OAuth 1.0a values (what a 2.4.4+ store takes), unless
        ``auth`` says."""
        return MagentoClient(
            self.http,
            base_url=BASE,
            retry=FAST,
            **(auth or {"oauth": OAuth1Credentials(**magento_credentials())}),
        )

    async def order_ids(self, n: int = 5, **filters) -> list[str]:
        """Ids of ``n`` orders (one searchOrders call), then a clean access log."""
        page = await anext(
            self.orders.search_orders(
                created_after=START - timedelta(days=90),
                marketplace_ids=[self.marketplace_id],
                max_results_per_page=n,
                **filters,
            )
        )
        self.sandbox.clear_log()
        return [order.order_id for order in page.orders]


def new_sandbox(tmp_path, *, orders_per_store: int = 60, **options) -> Sandbox:
    return Sandbox(
        tmp_path / "sandbox.db", orders_per_store=orders_per_store, clock=ControllableClock(START), **options
    )


def make_world(
    sandbox: Sandbox,
    *,
    timeout: float = 5.0,
    retry: RetryPolicy = FAST,
    transport: httpx.AsyncBaseTransport | None = None,
    base_url: str = BASE,
    lwa_clock=None,
) -> World:
    time = SharedTime(sandbox.clock)
    config = sandbox_config(base_url)
    store = config["stores"][0]
    http = make_http_client(transport=transport or httpx.ASGITransport(app=sandbox.app), timeout=timeout)
    lwa = LwaClient(
        http,
        endpoint=config["amazon"]["lwa_endpoint"],
        client_id=config["amazon"]["client_id"],
        client_secret=config["amazon"]["client_secret"],
        clock=lwa_clock or time.monotonic,
        retry=retry,
    )
    throttle = Throttle(clock=time.monotonic, sleep=time.sleep, on_wait=time.on_wait)
    common = {
        "lwa": lwa,
        "refresh_token": store["refresh_token"],
        "seller_id": store["seller_id"],
        "throttle": throttle,
        "endpoint": store["endpoint"],
        "retry": retry,
    }
    marketplace = next(s.marketplace_id for s in sandbox.stores if s.seller_id == store["seller_id"])
    return World(
        sandbox,
        time,
        http,
        lwa,
        OrdersClient(http, store=store["name"], **common),
        FeedsClient(http, **common),
        marketplace,
    )


@pytest.fixture
async def world(tmp_path):
    world = make_world(new_sandbox(tmp_path))
    yield world
    await world.http.aclose()


def statuses(sandbox: Sandbox, operation: str) -> list[int]:
    return [entry.status for entry in sandbox.access_log if entry.operation == operation]


async def test_opening_an_order_is_one_get_order_with_every_dataset(world):
    (order_id,) = await world.order_ids(1)
    order = await world.orders.get_order(order_id)
    assert order.order_id == order_id and order.store == "Acme US" and order.items
    (entry,) = world.sandbox.access_log
    assert entry.operation == "getOrder" and entry.status == 200
    assert set(ALL_INCLUDED) <= set(httpx.QueryParams(entry.query)["includedData"].split(","))


async def test_twenty_concurrent_calls_share_one_token_refresh_after_expiry(world):
    ids = await world.order_ids(20)
    world.time.clock.advance(2 * 3600)  # the cached access token has expired

    orders = await asyncio.gather(*(world.orders.get_order(order_id) for order_id in ids))

    assert [order.order_id for order in orders] == ids
    assert world.sandbox.count("lwaToken") == 1
    assert statuses(world.sandbox, "getOrder") == [200] * 20


async def test_twenty_concurrent_rejections_of_a_token_share_one_refresh(tmp_path):
    world = make_world(
        new_sandbox(tmp_path), lwa_clock=lambda: 0.0
    )  # the client cannot see the expiry coming
    try:
        ids = await world.order_ids(20)
        world.time.clock.advance(2 * 3600)

        orders = await asyncio.gather(*(world.orders.get_order(order_id) for order_id in ids))

        assert [order.order_id for order in orders] == ids
        assert world.sandbox.count("lwaToken") == 1
        assert 1 <= world.sandbox.count("getOrder", 403) <= 20 and world.sandbox.count("getOrder", 200) == 20
    finally:
        await world.http.aclose()


async def test_expired_token_fault_refreshes_once_and_retries(world):
    (order_id,) = await world.order_ids(1)
    world.sandbox.inject_fault("getOrder", "expired_token", count=1)
    order = await world.orders.get_order(order_id)
    assert order.order_id == order_id
    assert statuses(world.sandbox, "getOrder") == [403, 200]
    assert world.sandbox.count("lwaToken") == 1


async def test_the_client_keeps_within_the_plan_and_reports_its_waits(world):
    ids = await world.order_ids(5)
    calls = 30 + 10  # getOrder's burst, then ten that must wait 2 s each (0.5 requests/s)

    await asyncio.gather(*(world.orders.get_order(ids[n % len(ids)]) for n in range(calls)))

    assert world.sandbox.count("getOrder", 429) == 0
    assert world.sandbox.count("getOrder", 200) == calls
    assert len(world.time.waits) == 10 and {op for op, _ in world.time.waits} == {"getOrder"}
    assert sum(seconds for _, seconds in world.time.waits) == pytest.approx(10 / 0.5)


async def test_a_429_backs_off_and_is_sent_again(world):
    (order_id,) = await world.order_ids(1)
    world.sandbox.inject_fault("getOrder", "429", count=2)
    order = await world.orders.get_order(order_id)
    assert order.order_id == order_id
    assert statuses(world.sandbox, "getOrder") == [429, 429, 200]
    assert [op for op, _ in world.time.waits] == ["getOrder", "getOrder"]


async def test_a_spurious_429_on_the_first_page_costs_seconds_not_minutes(world):
    """A three-page sync whose first searchOrders answers 429 once (no rate header)."""
    world.sandbox.inject_fault("searchOrders", "429", count=1)
    pages = [
        page
        async for page in world.orders.search_orders(
            created_after=START - timedelta(days=90),
            marketplace_ids=[world.marketplace_id],
            max_results_per_page=20,
        )
    ]
    assert len(pages) >= 3 and statuses(world.sandbox, "searchOrders")[:2] == [429, 200]
    assert sum(seconds for _, seconds in world.time.waits) <= 1.0, (
        world.time.waits
    )  # was 178 s before every page


async def test_server_errors_are_retried_for_reads(world):
    (order_id,) = await world.order_ids(1)
    world.sandbox.inject_fault("getOrder", "500", count=1)
    world.sandbox.inject_fault("getOrder", "503", count=1)
    await world.orders.get_order(order_id)
    assert statuses(world.sandbox, "getOrder") == [500, 503, 200]


async def test_create_feed_is_not_retried_after_a_server_error(world):
    world.sandbox.inject_fault("createFeed", "503", count=1)
    with pytest.raises(ServerError):
        await world.feeds.create_feed("POST_ORDER_ACKNOWLEDGEMENT_DATA", [world.marketplace_id], "doc-1")
    assert statuses(world.sandbox, "createFeed") == [503]


async def test_a_request_that_never_answers_times_out_and_is_retried(tmp_path):
    world = make_world(new_sandbox(tmp_path), timeout=0.3)
    try:
        (order_id,) = await world.order_ids(1)
        world.sandbox.inject_fault("getOrder", "timeout", count=1, latency=30)
        order = await asyncio.wait_for(world.orders.get_order(order_id), 10)
        assert order.order_id == order_id
        assert statuses(world.sandbox, "getOrder") == [0, 200]
    finally:
        world.sandbox.release_hanging_requests()
        await world.http.aclose()


async def test_malformed_json_is_a_typed_error(world):
    (order_id,) = await world.order_ids(1)
    world.sandbox.inject_fault("getOrder", "malformed_json", count=1)
    with pytest.raises(
        MalformedResponse, match=r"Amazon getOrder failed: response is not valid JSON at line 1 column \d+"
    ):
        await world.orders.get_order(order_id)
    assert world.sandbox.count("getOrder") == 1


@pytest.mark.parametrize(("operation", "field"), [("getOrder", "order"), ("searchOrders", "orders")])
async def test_schema_invalid_payload_names_the_missing_field(world, operation, field):
    (order_id,) = await world.order_ids(1)
    world.sandbox.inject_fault(operation, "schema_invalid", count=1)
    with pytest.raises(MalformedResponse) as caught:
        if operation == "getOrder":
            await world.orders.get_order(order_id)
        else:
            await world.order_ids(1)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"Amazon {operation} failed: invalid {field}: Field required")


async def test_search_orders_pages_through_everything_once(tmp_path):
    world = make_world(new_sandbox(tmp_path, orders_per_store=120))
    try:
        pages = [
            page
            async for page in world.orders.search_orders(
                created_after=START - timedelta(days=90),
                marketplace_ids=[world.marketplace_id],
                max_results_per_page=25,
            )
        ]
        ids = [order.order_id for page in pages for order in page.orders]
        assert len(pages) >= 3 and world.sandbox.count("searchOrders", 200) == len(pages)
        assert len(ids) == len(set(ids)) == 120
        assert all(page.created_before == pages[0].created_before for page in pages)
        assert pages[0].created_before <= START and pages[-1].next_token is None
        assert {order.status for page in pages for order in page.orders} >= {
            OrderStatus.SHIPPED,
            OrderStatus.UNSHIPPED,
        }
    finally:
        await world.http.aclose()


async def test_an_incremental_search_with_nothing_new_is_one_call(world):
    cursor = START + timedelta(minutes=1)
    world.time.clock.advance(600)
    pages = [
        page
        async for page in world.orders.search_orders(
            last_updated_after=cursor, marketplace_ids=[world.marketplace_id]
        )
    ]
    assert [len(page.orders) for page in pages] == [0]
    assert pages[0].last_updated_before is not None and world.sandbox.count("searchOrders") == 1


async def test_cancellation_feed_round_trip(world):
    (order_id,) = await world.order_ids(1, fulfillment_statuses=["UNSHIPPED"], fulfilled_by=["MERCHANT"])
    order = await world.orders.get_order(order_id)
    items = "".join(
        f"<Item><AmazonOrderItemCode>{item.order_item_id}</AmazonOrderItemCode><CancelReason>NoInventory</CancelReason></Item>"
        for item in order.items
    )
    feed = (
        '<?xml version="1.0" encoding="UTF-8"?><AmazonEnvelope>'
        "<Header><DocumentVersion>1.01</DocumentVersion>"
        f"<MerchantIdentifier>{world.feeds.seller_id}</MerchantIdentifier></Header>"
        "<MessageType>OrderAcknowledgement</MessageType><Message><MessageID>1</MessageID><OrderAcknowledgement>"
        f"<AmazonOrderID>{order_id}</AmazonOrderID><StatusCode>Failure</StatusCode>{items}"
        "</OrderAcknowledgement></Message></AmazonEnvelope>"
    ).encode()

    upload = await world.feeds.create_feed_document("text/xml; charset=UTF-8")
    await world.feeds.upload(upload.url, feed, "text/xml; charset=UTF-8")
    feed_id = await world.feeds.create_feed(
        "POST_ORDER_ACKNOWLEDGEMENT_DATA", [world.marketplace_id], upload.feed_document_id
    )
    status = (await world.feeds.get_feed(feed_id)).processing_status
    assert not status.is_final
    world.time.clock.advance(60)
    done = await world.feeds.get_feed(feed_id)
    assert done.processing_status is FeedProcessingStatus.DONE and done.result_feed_document_id
    report = await world.feeds.download(await world.feeds.get_feed_document(done.result_feed_document_id))

    assert report.lstrip().startswith(b"<?xml") and b"ProcessingReport" in report
    assert (await world.orders.get_order(order_id)).status is OrderStatus.CANCELLED
    listed = await world.feeds.list_feeds("POST_ORDER_ACKNOWLEDGEMENT_DATA", created_since=START)
    assert [feed.feed_id for feed in listed] == [feed_id]
    for operation in (
        "createFeedDocument",
        "uploadFeedDocument",
        "createFeed",
        "getFeedDocument",
        "downloadReport",
    ):
        assert world.sandbox.count(operation) == 1, operation


async def test_magento_search_with_fields_and_paging(world):
    magento = world.magento()
    criteria = SearchCriteria().where("store_id", 1).sort_by("entity_id")
    fields = link_index_fields("payment.po_number")
    rows = [row async for row in magento.iter_orders(criteria, fields=fields, page_size=10)]

    page = await magento.search_orders(criteria.page(10, 1), fields=fields)
    assert len(rows) == page.total_count > 10
    assert world.sandbox.count("magentoSearchOrders") == -(-page.total_count // 10) + 1
    assert set(rows[0]) <= {"entity_id", "increment_id", "status", "store_id", "updated_at", "payment"}
    links = [link_from(row, "payment.po_number") for row in rows]
    assert all(link is not None for link in links)
    assert len({link.entity_id for link in links}) == len(links)

    order = await magento.get_order(links[0].entity_id)
    assert order.amazon_order_id == links[0].order_id and order.payment_title == "Amazon Channel Payment"


async def test_magento_admin_token_is_renewed_once_on_401(tmp_path):
    world = make_world(new_sandbox(tmp_path, magento_two_factor=False))  # a store without 2FA for admins
    magento = world.magento(username="admin", password="sandbox-admin-1")
    await magento.search_orders(SearchCriteria().page(1))
    world.sandbox.inject_fault("magentoSearchOrders", "magento_401", count=1)
    page = await magento.search_orders(SearchCriteria().page(1))
    assert page.total_count > 0
    assert world.sandbox.count("magentoAdminToken") == 2
    assert statuses(world.sandbox, "magentoSearchOrders") == [200, 401, 200]
    await world.http.aclose()


async def test_magento_refund_and_comment(world):
    magento = world.magento()
    row = await anext(magento.iter_orders(SearchCriteria().where("status", "processing"), page_size=5))
    memo = await magento.refund_offline(
        row["entity_id"], comment="Amazon order canceled (reason: NoInventory)"
    )
    assert memo > 0
    await magento.add_comment(
        row["entity_id"], "Amazon order canceled in Amazon Sales Channel. Reason: NoInventory"
    )
    order = await magento.get_order(row["entity_id"])
    assert any("NoInventory" in (comment.comment or "") for comment in order.comments)
    assert world.sandbox.count("magentoRefund") == 1 and world.sandbox.count("magentoComment") == 1


async def test_over_a_real_socket(tmp_path):
    serve = pytest.importorskip("amazon_tui.sandbox.serve")
    sandbox = new_sandbox(tmp_path, orders_per_store=30)
    with serve.serving(sandbox) as served:
        world = make_world(sandbox, transport=httpx.AsyncHTTPTransport(), base_url=served.base_url)
        try:
            ids = await world.order_ids(3)
            orders = await asyncio.gather(*(world.orders.get_order(order_id) for order_id in ids))
            assert [order.order_id for order in orders] == ids
            magento = MagentoClient(
                world.http,
                base_url=served.base_url,
                oauth=OAuth1Credentials(**magento_credentials()),
                retry=FAST,
            )
            assert (await magento.search_orders(SearchCriteria().page(1))).total_count > 0
            assert sandbox.count("getOrder", 200) == 3 and sandbox.count("magentoSearchOrders", 200) == 1
        finally:
            await world.http.aclose()
