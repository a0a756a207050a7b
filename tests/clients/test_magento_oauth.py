"""The Magento client against a 2.4.4+ store (the sandbox's default): OAuth 1.0a signing, what
each refusal says, retries signed anew, and no credential in any message."""

from __future__ import annotations

import httpx
import pytest

from amazon_tui.clients.errors import AuthError
from amazon_tui.clients.http import make_http_client
from amazon_tui.clients.magento.auth import BEARER_REFUSED, TWO_FACTOR_REFUSED, OAuth1Credentials
from amazon_tui.clients.magento.client import MagentoClient
from amazon_tui.clients.magento.criteria import SearchCriteria
from tests.support.fake_amazon import FAST

sandbox_package = pytest.importorskip("amazon_tui.sandbox")
catalog = pytest.importorskip("amazon_tui.sandbox.catalog")

BASE = "http://sandbox.invalid"
SECRETS = (
    catalog.MAGENTO_CONSUMER_SECRET,
    catalog.MAGENTO_ACCESS_TOKEN_SECRET,
    catalog.MAGENTO_INTEGRATION_TOKEN,
    catalog.MAGENTO_ADMIN_PASSWORD,
)


@pytest.fixture
def store(tmp_path):
    sandbox = sandbox_package.Sandbox(tmp_path / "sandbox.db", orders_per_store=20)
    yield sandbox
    sandbox.close()


@pytest.fixture
async def http(store):
    client = make_http_client(transport=httpx.ASGITransport(app=store.app))
    yield client
    await client.aclose()


def oauth(**wrong) -> dict:
    return {"oauth": OAuth1Credentials(**{**catalog.magento_credentials(), **wrong})}


async def test_oauth_reads_searches_and_writes_and_a_retry_is_signed_anew(store, http):
    magento = MagentoClient(http, base_url=BASE, retry=FAST, **oauth())
    row = await anext(
        magento.iter_orders(SearchCriteria().where("status", "processing").where("store_id", 1), page_size=5)
    )
    store.inject_fault("magentoGetOrder", "500", count=1)
    order = await magento.get_order(
        row["entity_id"]
    )  # the retry reuses no nonce: the sandbox would refuse it
    assert order.entity_id == row["entity_id"]
    assert [entry.status for entry in store.access_log if entry.operation == "magentoGetOrder"] == [500, 200]
    assert await magento.refund_offline(row["entity_id"], comment="Amazon order canceled (NoInventory)") > 0
    await magento.add_comment(row["entity_id"], "Reason: NoInventory")
    assert store.count("magentoRefund", 200) == 1 and store.count("magentoComment", 200) == 1


async def test_a_bearer_token_refused_says_how_to_fix_it(http):
    magento = MagentoClient(http, base_url=BASE, retry=FAST, token=catalog.MAGENTO_INTEGRATION_TOKEN)
    with pytest.raises(AuthError) as caught:
        await magento.get_order(1)
    assert str(caught.value) == (
        "Magento getOrder failed: 401 — "
        f"The consumer isn't authorized to access Magento_Sales::sales. — {BEARER_REFUSED}"
    )


async def test_an_admin_login_refused_for_2fa_says_so(http):
    magento = MagentoClient(
        http,
        base_url=BASE,
        retry=FAST,
        username=catalog.MAGENTO_ADMIN_USERNAME,
        password=catalog.MAGENTO_ADMIN_PASSWORD,
    )
    with pytest.raises(AuthError) as caught:
        await magento.get_order(1)
    assert str(caught.value) == (
        "Magento adminLogin failed: 401 — "
        "Please use the 2fa provider-specific endpoints to obtain a token. — " + TWO_FACTOR_REFUSED
    )


@pytest.mark.parametrize(
    "wrong, blamed",
    [
        ({"consumer_secret": "x" * 32}, "consumer_secret or access_token_secret is likely wrong"),
        ({"access_token_secret": "y" * 32}, "consumer_secret or access_token_secret is likely wrong"),
        ({"consumer_key": "z" * 32}, "consumer_key is likely wrong"),
        ({"access_token": "t" * 32}, "access_token is likely wrong"),
    ],
)
async def test_a_refused_signature_names_the_likely_credential_and_no_secret(http, wrong, blamed):
    magento = MagentoClient(http, base_url=BASE, retry=FAST, **oauth(**wrong))
    with pytest.raises(AuthError) as caught:
        await magento.search_orders(SearchCriteria().page(5))
    message = str(caught.value)
    assert message.startswith("Magento searchOrders failed: 401 — ") and blamed in message
    assert not any(secret in message for secret in (*SECRETS, *wrong.values()))
