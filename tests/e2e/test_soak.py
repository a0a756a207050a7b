"""A bounded soak: the app's service against a served sandbox (real loopback socket), new orders
arriving and seeded random faults, for a fixed number of operations. Nothing escapes, memory
stays flat, and after the faults are lifted the local store matches the sandbox."""

from __future__ import annotations

import random
import tracemalloc
from datetime import timedelta

import tomli_w

from amazon_tui.clients.errors import ServiceError
from amazon_tui.config.schema import parse_config, resolve_secrets
from amazon_tui.config.settings import Settings
from amazon_tui.core.cancel.rules import CancelRefused
from amazon_tui.core.service import AppService
from amazon_tui.domain.values import CancelReason
from amazon_tui.sandbox import Sandbox, sandbox_config
from amazon_tui.sandbox.serve import serving

OPERATIONS = 60
FAULTS = [
    ("searchOrders", "500"),
    ("searchOrders", "malformed_json"),
    ("searchOrders", "expired_token"),
    ("getOrder", "503"),
    ("getOrder", "schema_invalid"),
    ("getOrder", "429"),
    ("createFeedDocument", "500"),
    ("uploadFeedDocument", "503"),
    ("createFeed", "429"),
    ("getFeed", "malformed_json"),
    ("getFeedDocument", "500"),
    ("downloadReport", "500"),
    ("lwaToken", "500"),
    ("magentoSearchOrders", "magento_401"),
    ("magentoRefund", "500"),
    ("*", "latency"),
]
MEMORY_BOUND = 8 * 1024 * 1024  # bytes of growth allowed between the warm-up and the end


async def test_soak(tmp_path):
    rng = random.Random(9)
    sandbox = Sandbox(tmp_path / "sandbox.db", orders_per_store=40, time_scale=5000, feed_delay_seconds=0.2)
    with serving(sandbox) as served:
        raw = sandbox_config(served.base_url)
        raw["sync"] = {"initial_days": 90}
        config = parse_config(tomli_w.dumps(raw))
        settings = Settings(
            config=config,
            secrets=resolve_secrets(config, {}),
            data_dir=tmp_path / "data",
            sandbox=False,
            config_file=None,
        )
        service = AppService(settings)
        service.cancellations.poll_interval = 0.02
        service.cancellations.poll_max_interval = 0.1
        service.cancellations.poll_timeout = 2.0
        for client in ("http", "storage_http"):
            getattr(service.gateway, client).timeout = 5.0
        counts: dict[str, int] = {}
        try:
            await service.sync()
            tracemalloc.start()
            baseline = None
            for step in range(OPERATIONS):
                if step == 10:
                    baseline = tracemalloc.get_traced_memory()[0]
                sandbox.clear_faults()
                if rng.random() < 0.5:
                    operation, kind = rng.choice(FAULTS)
                    sandbox.inject_fault(
                        operation, kind, count=rng.randint(1, 2), latency=0.05 if kind == "latency" else 0
                    )
                if rng.random() < 0.3:
                    sandbox.add_orders(rng.choice(["Acme US", "Acme UK", "Acme CA"]), rng.randint(1, 3))
                action = rng.choice(["sync", "sync", "open", "open", "open", "cancel", "resume", "read"])
                counts[action] = counts.get(action, 0) + 1
                try:
                    await _do(action, service, rng)
                except (ServiceError, CancelRefused, LookupError) as exc:  # typed, shown to the operator
                    assert str(exc)
            current = tracemalloc.get_traced_memory()[0]
            tracemalloc.stop()
            assert current - baseline < MEMORY_BOUND, (current - baseline, counts)

            sandbox.clear_faults()
            await service.resume_cancellations()
            outcome = await service.sync()
            assert not outcome.failures, outcome.failures
            assert service.pending_cancellations() == [] or all(
                entry.state.value == "submitted" for entry in service.pending_cancellations()
            )
            _assert_local_matches_sandbox(service, sandbox)
            feeds = {entry.feed_id for entry in service.journal.all() if entry.feed_id}
            assert sandbox.count("createFeed", 202) == len(feeds)  # one feed per submission, never a second
        finally:
            await service.aclose()
    sandbox.close()


async def _do(action: str, service: AppService, rng: random.Random) -> None:
    stores = [store.name for store in service.stores if store.active]
    if action == "sync":
        outcome = await service.sync([rng.choice(stores)])
        for message in outcome.failures.values():
            assert message and "Traceback" not in message
    elif action == "read":
        service.store_cards()
        service.attention()
    else:
        summaries = service.recent_orders(rng.choice(stores), limit=50)
        if not summaries:
            return
        if action == "open":
            await service.refresh_order(rng.choice(summaries).order_id, force=rng.random() < 0.5)
        elif action == "cancel":
            candidates = [
                s
                for s in summaries
                if s.status.value == "UNSHIPPED" and s.fulfilled_by and s.fulfilled_by.value == "MERCHANT"
            ]
            candidates = [s for s in candidates if service.cancellation(s.order_id) is None]
            if candidates:
                submissions = await service.cancel(
                    [rng.choice(candidates).order_id], CancelReason.NO_INVENTORY
                )
                await service.finish_cancellations(submissions)
        elif action == "resume":
            await service.resume_cancellations()


def _assert_local_matches_sandbox(service: AppService, sandbox: Sandbox) -> None:
    now = service.clock()
    since = (now - timedelta(days=90)).strftime("%Y-%m-%dT%H:%M:%SZ")
    for store in (s for s in service.stores if s.active):
        remote = {
            row["order_id"]: row["fulfillment_status"]
            for row in sandbox.db.query(
                "SELECT order_id, fulfillment_status FROM amazon_orders "
                "WHERE seller_id = ? AND created_time >= ?",
                (store.seller_id, since),
            )
        }
        local = {
            row["order_id"]: row["status"]
            for row in service.db.query("SELECT order_id, status FROM orders WHERE store = ?", (store.name,))
        }
        assert set(local) == set(remote), (store.name, set(remote) ^ set(local))
        assert local == remote, {k: (local[k], remote[k]) for k in local if local[k] != remote[k]}
