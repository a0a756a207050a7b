"""``notifications setup | status | teardown``: SP-API notifications to the configured SQS queue.

setup is idempotent: it finds the destination (per region endpoint) and the subscriptions
(per seller) that exist and creates only what is missing. When Amazon cannot deliver to the
queue it prints the SQS access policy the queue needs. Nothing here prints a credential.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

from amazon_tui.cli.errors import EXIT_OK, EXIT_SERVICE, UsageError
from amazon_tui.cli.output import safe_text

DESTINATION_NAME = "amazon-tui"
AMAZON_NOTIFICATIONS_ACCOUNT = "437568002678"  # the AWS account SP-API notifications are sent from


def access_policy(queue_arn: str) -> str:
    """The SQS access policy that lets SP-API put notifications on the queue."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Id": "amazon-tui-notifications",
            "Statement": [
                {
                    "Sid": "AllowSellingPartnerApiNotifications",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{AMAZON_NOTIFICATIONS_ACCOUNT}:root"},
                    "Action": ["SQS:SendMessage", "SQS:GetQueueAttributes"],
                    "Resource": queue_arn,
                }
            ],
        },
        indent=2,
    )


def _config(service):
    config = service.settings.config.notifications
    if config is None:
        raise UsageError(
            "No [notifications] in the config: add sqs_queue_url (and region) to use SP-API notifications; "
            "see config.example.toml."
        )
    return config


def _first_store_by(service, key) -> dict:
    """The first active store (its name) for each ``key(store)``, in config order."""
    found: dict = {}
    for store in service.stores:
        if store.active:
            found.setdefault(key(store), store.name)
    return found


def _regions(service) -> dict[str, str]:
    """One store per region endpoint: destinations belong to the application, per endpoint."""
    return _first_store_by(service, lambda store: store.api_endpoint)


def _sellers(service) -> dict[tuple[str, str], str]:
    """One store per (endpoint, seller): subscriptions belong to the seller."""
    return _first_store_by(service, lambda store: (store.api_endpoint, store.seller_id))


async def _our_destination(service, store: str, arn: str):
    """The application's destination for the queue at ``store``'s endpoint, or None."""
    return next(
        (d for d in await service.gateway.notifications(store, app_wide=True).destinations() if d.arn == arn),
        None,
    )


def _say(text: str) -> None:
    print(safe_text(text), flush=True)


async def notifications_command(service, args: argparse.Namespace, *, action: str) -> int:
    if action != "status" and service.read_only:
        raise UsageError(
            f"notifications {action} changes what Amazon sends to the queue: a read-only session does not; "
            "run it without --read-only."
        )
    return await {"setup": _setup, "status": _status, "teardown": _teardown}[action](
        service, _config(service)
    )


async def _setup(service, config) -> int:
    from amazon_tui.clients.amazon.notifications import SUBSCRIBED
    from amazon_tui.clients.errors import ServiceError

    destinations: dict[str, str] = {}
    for endpoint, store in _regions(service).items():
        found = await _our_destination(service, store, config.queue_arn)
        if found is None:
            try:
                found = await service.gateway.notifications(store, app_wide=True).create_destination(
                    DESTINATION_NAME, config.queue_arn
                )
            except ServiceError as exc:
                _say(f"{endpoint}: createDestination failed: {exc}")
                _say(
                    "If the queue refuses Amazon's messages, "
                    "give it this access policy (SQS console → Access policy):"
                )
                print(access_policy(config.queue_arn), flush=True)
                return EXIT_SERVICE
            _say(f"{endpoint}: destination created ({found.destination_id}) for {config.queue_arn}")
        else:
            _say(f"{endpoint}: destination exists ({found.destination_id}) for {config.queue_arn}")
        destinations[endpoint] = found.destination_id
    for (endpoint, _seller), store in _sellers(service).items():
        client = service.gateway.notifications(store)
        for kind in SUBSCRIBED:
            current = await client.subscription(kind)
            if current is None:
                created = await client.subscribe(kind, destinations[endpoint])
                _say(f"{store}: {kind} subscribed ({created.subscription_id})")
            elif current.destination_id == destinations[endpoint]:
                _say(f"{store}: {kind} already subscribed ({current.subscription_id})")
            else:
                _say(
                    f"{store}: {kind} is subscribed to another destination ({current.destination_id}); "
                    "`amazon-tui notifications teardown` there first, or keep it"
                )
    return EXIT_OK


async def _status(service, config) -> int:
    from amazon_tui.clients.amazon.notifications import SUBSCRIBED
    from amazon_tui.clients.amazon.sqs import SqsError, SqsQueue

    _say(f"Queue: {config.sqs_queue_url} ({config.queue_arn})")
    try:
        async with SqsQueue(config) as queue:
            attributes = await queue.attributes()
        _say(
            f"  {attributes.get('ApproximateNumberOfMessages', '?')} waiting, "
            f"{attributes.get('ApproximateNumberOfMessagesNotVisible', '?')} being handled"
            "; dead-letter queue: "
            f"{'yes' if attributes.get('RedrivePolicy') else 'none (unreadable messages stay on the queue)'}"
        )
    except SqsError as exc:
        _say(f"  {exc}")
    for endpoint, store in _regions(service).items():
        found = await _our_destination(service, store, config.queue_arn)
        _say(
            f"{endpoint}: destination "
            f"{found.destination_id if found else 'missing (run: amazon-tui notifications setup)'}"
        )
    for (_endpoint, _seller), store in _sellers(service).items():
        client = service.gateway.notifications(store)
        states = [
            f"{kind} {'subscribed' if await client.subscription(kind) else 'not subscribed'}"
            for kind in SUBSCRIBED
        ]
        _say(f"{store}: {', '.join(states)}")
    _say(_delivery(service))
    _say(service.status_line())
    return EXIT_OK


def _delivery(service) -> str:
    """Whether SQS delivers, as the data dir's leader last published it, and who and when."""
    from amazon_tui.cli.output import utc_minute
    from amazon_tui.core.notification_health import shared_health

    words = shared_health(service) or "Notifications: no leader has read SQS yet"
    published = service.coordination.notifications_report()
    if published is None or service.leader.leading:
        return words
    publisher = published.publisher.describe() if published.publisher else "a process that has ended"
    when = datetime.fromtimestamp(published.published, UTC)
    return f"{words} (reported by {publisher}, {utc_minute(when)})"


async def _teardown(service, config) -> int:
    from amazon_tui.clients.amazon.notifications import SUBSCRIBED

    ours: dict[str, str] = {}
    for endpoint, store in _regions(service).items():
        found = await _our_destination(service, store, config.queue_arn)
        if found is not None:
            ours[endpoint] = found.destination_id
    for (endpoint, _seller), store in _sellers(service).items():
        client = service.gateway.notifications(store)
        for kind in SUBSCRIBED:
            current = await client.subscription(kind)
            if current is not None and current.destination_id == ours.get(endpoint):
                await client.unsubscribe(kind, current.subscription_id)
                _say(f"{store}: {kind} unsubscribed")
    for endpoint, store in _regions(service).items():
        if endpoint in ours:
            await service.gateway.notifications(store, app_wide=True).delete_destination(ours[endpoint])
            _say(f"{endpoint}: destination deleted")
    print("Polling alone keeps the local store up to date from now on.", file=sys.stderr)
    return EXIT_OK
