"""The app's Magento side in both modes of a store: a 2.4.4+ default (OAuth 1.0a only) and one
that takes the integration token as Bearer. Sync's link index, the Magento order view and the
Magento side of a cancellation (refund, or comment) are signed and accepted in each."""

from __future__ import annotations

import httpx
import pytest

from amazon_tui.core.service import AppService
from amazon_tui.domain.values import CancelReason
from amazon_tui.sandbox import Sandbox
from amazon_tui.sandbox.catalog import magento_credentials
from tests.support.services import sandbox_settings

from .test_cancel import cancelable_ids

MODES = {
    "2.4.4+ default, OAuth 1.0a": ({}, "oauth1"),
    "Bearer tokens allowed": ({"magento_bearer_tokens": True}, "bearer"),
}


@pytest.mark.parametrize("on_cancel", ["refund", "comment"])
@pytest.mark.parametrize("mode", list(MODES))
async def test_links_order_view_and_the_cancellations_magento_side(tmp_path, mode, on_cancel):
    options, auth = MODES[mode]
    sandbox = Sandbox(
        tmp_path / "sandbox.db", orders_per_store=80, time_scale=1000, feed_delay_seconds=0.1, **options
    )
    magento = {
        "base_url": "http://sandbox.invalid",
        "on_amazon_cancel": on_cancel,
        **magento_credentials(auth),
    }
    settings = sandbox_settings(tmp_path / "data")
    config = settings.config.model_copy(update={"magento": settings.config.magento.model_validate(magento)})
    from amazon_tui.config.schema import resolve_secrets

    settings = settings._replace(config=config, secrets=resolve_secrets(config, {}))
    service = AppService(settings, transport=httpx.ASGITransport(app=sandbox.app))
    service.cancellations.poll_interval = 0.05
    try:
        outcome = await service.sync(["Acme US"])
        assert not outcome.failures and outcome.reports[0].links > 0
        order_id = next(oid for oid in cancelable_ids(service, n=5) if service.magento_link(oid) is not None)
        view = await service.magento_order(order_id)
        assert view is not None and view.amazon_order_id == order_id
        [submission] = await service.cancel([order_id], CancelReason.NO_INVENTORY)
        [entry] = await service.finish_cancellations([submission])
        assert entry.state.value == "canceled" and entry.magento_done
        assert sandbox.count("magentoRefund" if on_cancel == "refund" else "magentoComment", 200) == 1
        assert all(e.status != 401 for e in sandbox.access_log if e.operation.startswith("magento"))
    finally:
        await service.aclose()
        sandbox.close()
