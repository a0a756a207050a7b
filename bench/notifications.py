"""SP-API notifications: how fast a change reaches the local store, and what polling is left.

A moto server (real HTTP) is the SQS queue; the sandbox, once subscribed through
``notifications setup``, sends ORDER_CHANGE when an order ships. The consumer runs as the
leader does. Measured: from the shipment at Amazon to the local row showing it, p95 over the
changes; the baseline is what polling alone gives, the configured ``sync.poll_seconds`` (a
change waits up to that long). And searchOrders calls per store-hour while notifications
arrive (the safety-net rate) against polling alone, from the leader's interval and the calls
one sync with nothing new makes (measured).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import math
import os
import socket
import statistics
import tempfile
import time
from pathlib import Path

import common
from common import STORE, Line


def _moto() -> tuple[object, str]:
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    return server, f"http://127.0.0.1:{port}"


async def _measure(tmp: Path, changes: int) -> tuple[list[float], float, float, float, int]:
    import boto3

    from amazon_tui.cli.commands.notifications import notifications_command
    from amazon_tui.domain.models import OrderQuery
    from amazon_tui.domain.values import OrderStatus

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    server, endpoint = _moto()
    try:
        queue_url = boto3.client("sqs", region_name="us-east-1", endpoint_url=endpoint).create_queue(
            QueueName="bench"
        )["QueueUrl"]
        w = common.world(
            tmp,
            orders_per_store=200,
            sqs_endpoint=endpoint,
            notifications={"sqs_queue_url": queue_url, "region": "us-east-1"},
        )
        service = w.service
        await service.sync()
        with contextlib.redirect_stdout(io.StringIO()):
            await notifications_command(service, argparse.Namespace(), action="setup")
        consumer = service.notifications
        stop = asyncio.Event()
        task = asyncio.ensure_future(consumer.run(stop, leading=lambda: True))
        rows = service.orders(OrderQuery(stores=(STORE,), statuses=(OrderStatus.UNSHIPPED,)), limit=500)
        order_ids = [r.order_id for r in rows if service.cached_order(r.order_id).cancelable][:changes]
        latencies = []
        for order_id in order_ids:
            w.clock.advance(5)
            started = time.perf_counter()
            w.sandbox.ship_order(order_id)
            # the bench measures when the cache shows the change: polling it is the measurement
            while service.order_summary(order_id).status is not OrderStatus.SHIPPED:  # noqa: ASYNC110
                await asyncio.sleep(0.002)
            latencies.append(time.perf_counter() - started)
        healthy_poll = service.shared_sync.poll_seconds
        stop.set()
        task.cancel()
        w.clock.advance(600)
        w.sandbox.clear_log()
        await service.sync([STORE])
        per_sync = w.sandbox.count("searchOrders")
        await service.aclose()
        w.sandbox.close()
        return (
            latencies,
            service.shared_sync.normal_poll_seconds,
            healthy_poll,
            consumer.health.applied,
            per_sync,
        )
    finally:
        server.stop()


def run(quick: bool) -> list[Line]:
    changes = 5 if quick else 30
    with tempfile.TemporaryDirectory() as tmp:
        latencies, poll, healthy_poll, applied, per_sync = asyncio.run(_measure(Path(tmp), changes))
    p95 = sorted(latencies)[max(0, math.ceil(0.95 * len(latencies)) - 1)]
    per_hour = 3600 / healthy_poll * per_sync
    per_hour_polling = 3600 / poll * per_sync
    return [
        Line(
            "notifications: change -> row p95",
            p95 * 1000,
            poll * 1000,
            "ms",
            "p95 <= 5 s",
            p95 <= 5.0 and applied == len(latencies),
            f"{len(latencies)} shipments, median {statistics.median(latencies) * 1000:.0f} ms; "
            "base: polling alone waits up to sync.poll_seconds",
        ),
        Line(
            "notifications: searchOrders/store-h",
            per_hour,
            per_hour_polling,
            "calls",
            "<= 4",
            per_hour <= 4,
            f"one sync with nothing new = {per_sync} call(s); "
            f"every {healthy_poll:g} s while notifications arrive, {poll:g} s without",
        ),
    ]
