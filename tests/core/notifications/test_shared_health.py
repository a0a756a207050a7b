"""Whether SQS delivers is known to every process on the data dir, not only to the leader.

The leader publishes its consumer's health into the database after each pass; any other
process (a follower TUI's status line, ``notifications status``) reads it and says live,
stale or failing in the same words. Clocks are injected: nothing sleeps.
"""

from __future__ import annotations

import argparse
import re

import httpx

from amazon_tui.cli.commands.notifications import notifications_command
from amazon_tui.core.notification_health import NotificationHealth
from amazon_tui.core.service import AppService
from amazon_tui.local.db import open_database
from amazon_tui.local.lease import Coordination
from tests.support.notification_messages import order_change
from tests.support.sqs import receive_once, send, store_of, unshipped

T0 = 1_800_000_000.0  # a wall-clock second, as the leader records it
SILENCE, POLL = 3600.0, 120.0


def test_live_stale_silent_and_failing_are_said_from_the_health_and_the_time():
    health = NotificationHealth(state="listening", started=T0, last_receive=T0 + 40, last_message=T0 + 30)
    health.applied = 3
    assert health.describe(T0 + 42, SILENCE, POLL) == "Notifications: live, last 10 s ago (3 applied)"
    assert health.describe(T0 + 400, SILENCE, POLL) == "Notifications: stale 6 min — polling every 120 s"
    quiet = NotificationHealth(state="listening", started=T0, last_receive=T0 + 4000)
    assert quiet.describe(T0 + 4010, SILENCE, POLL) == (
        "Notifications: live, none for 1 h — polling every 120 s (0 applied)"
    )
    new = NotificationHealth(state="listening", started=T0, last_receive=T0)
    assert new.describe(T0 + 5, SILENCE, POLL) == "Notifications: live, no message yet (0 applied)"
    down = NotificationHealth(state="unreachable", error="connection refused", last_receive=T0)
    assert down.describe(T0 + 5, SILENCE, POLL) == (
        "Notifications: failing: SQS unreachable (connection refused) — polling every 120 s"
    )
    health.failed, health.last_failure, health.last_failure_at = 1, "getOrder failed: 500", T0 + 35
    assert (
        health.describe(T0 + 42, SILENCE, POLL)
        == "Notifications: failing: getOrder failed: 500 (3 applied, 1 failed)"
    )
    health.last_message = T0 + 41  # a later message went through: live again
    assert health.describe(T0 + 42, SILENCE, POLL).startswith("Notifications: live, last 0 s ago")


def test_only_the_lease_holder_publishes_and_every_peer_reads_it(tmp_path):
    now = [T0]
    leader = Coordination(open_database(tmp_path), kind="TUI", lease_seconds=15, now=lambda: now[0])
    follower = Coordination(open_database(tmp_path), kind="TUI", lease_seconds=15, now=lambda: now[0])
    health = NotificationHealth(state="listening", started=T0, last_receive=T0, queue="amazon-tui")
    assert follower.notifications_report() is None
    assert not leader.publish_notifications(health.as_report()), "not the leader (yet)"
    assert leader.acquire() and not follower.acquire()
    assert not follower.publish_notifications({"state": "unreachable"}), "a follower never publishes"
    assert leader.publish_notifications(health.as_report())
    report = follower.notifications_report()
    assert report is not None and report.published == T0 and report.publisher.id == leader.peer_id
    assert NotificationHealth.from_report(report.report) == health
    assert follower.state().holder.id == leader.peer_id, "the lease row is untouched"
    now[0] += 30  # the lease lapsed unrenewed: the old holder's report can no longer change
    assert not leader.publish_notifications({"state": "unreachable"})
    assert NotificationHealth.from_report(follower.notifications_report().report) == health


async def test_a_follower_says_whether_sqs_delivers_from_what_the_leader_published(world):
    leading = world.service
    await leading.sync()
    leading.leader.keep_lease = True
    leading.leader.tick()
    order_id = unshipped(world)
    world.sandbox.ship_order(order_id)
    store = store_of(world)
    send(
        leading.settings.config.notifications.sqs_queue_url,
        order_change(store.seller_id, store.market.marketplace_id, order_id, world.clock()),
    )
    assert await receive_once(world) == [order_id]
    follower = AppService(
        leading.settings, transport=httpx.ASGITransport(app=world.sandbox.app), clock=world.clock
    )
    try:
        follower.leader.tick()
        assert not follower.leader.leading
        line = follower.status_line()
        assert line.startswith("Leader: the command of ") and "(pid " in line
        assert re.search(r"· Notifications: live, last \d+ s ago \(1 applied\)", line), line
        wall = follower.coordination.now
        follower.coordination.now = lambda: wall() + 6 * 60 + 5  # six minutes on, nobody read SQS
        poll = follower.shared_sync.normal_poll_seconds
        assert f"Notifications: stale 6 min — polling every {poll:g} s" in follower.status_line()
    finally:
        await follower.aclose()


async def test_notifications_status_in_another_process_says_whether_sqs_delivers(world, capsys):
    leading = world.service
    leading.leader.keep_lease = True
    leading.leader.tick()
    assert await receive_once(world) == []  # one long poll answered, empty
    command = AppService(
        leading.settings, transport=httpx.ASGITransport(app=world.sandbox.app), clock=world.clock
    )
    try:
        await notifications_command(command, argparse.Namespace(), action="status")
        out = capsys.readouterr().out
        assert re.search(
            r"^Notifications: live, no message yet \(0 applied\) "
            r"\(reported by the command of \w+ \(pid \d+\), 20\d\d-\d\d-\d\d \d\d:\d\d UTC\)$",
            out,
            re.MULTILINE,
        ), out
    finally:
        await command.aclose()


def test_a_log_line_leaves_the_ages_out_so_it_changes_with_the_state_only():
    health = NotificationHealth(state="listening", started=T0, last_receive=T0 + 40, last_message=T0 + 30)
    lines = {health.describe(T0 + 40 + step, SILENCE, POLL, ages=False) for step in range(0, 60, 5)}
    assert lines == {"Notifications: live, messages arrive (0 applied)"}
    assert health.describe(T0 + 400, SILENCE, POLL, ages=False) == (
        "Notifications: stale — polling every 120 s"
    )
    quiet = NotificationHealth(state="listening", started=T0, last_receive=T0 + 4000)
    assert quiet.describe(T0 + 4010, SILENCE, POLL, ages=False) == (
        "Notifications: live, none lately — polling every 120 s (0 applied)"
    )


def test_a_report_of_another_version_or_a_damaged_one_still_makes_a_line():
    odd = {"state": "listening", "last_receive": "yesterday", "applied": "many", "future_field": 1}
    health = NotificationHealth.from_report({**odd, "started": T0, "last_message": True})
    assert (health.state, health.last_receive, health.applied, health.started) == ("listening", None, 0, T0)
    assert health.last_message is None
    assert health.describe(T0 + 5, SILENCE, POLL) == "Notifications: listening"
