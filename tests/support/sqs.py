"""Amazon SQS in the notification tests: send, count and receive through moto, as Amazon would."""

from __future__ import annotations

import boto3

from amazon_tui.clients.amazon.sqs import SqsQueue
from amazon_tui.domain.models import OrderQuery
from amazon_tui.domain.values import OrderStatus
from tests.support.notification_messages import ACCESS_KEY, SECRET_KEY

STORE = "Acme US"


def sqs_client(queue_url: str):
    endpoint = queue_url.split("/1234")[0]
    return boto3.client(
        "sqs",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )


def send(queue_url: str, *bodies: str) -> None:
    for body in bodies:
        sqs_client(queue_url).send_message(QueueUrl=queue_url, MessageBody=body)


def depth(queue_url: str) -> tuple[int, int]:
    """(messages waiting, messages received and not deleted)."""
    attributes = sqs_client(queue_url).get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])[
        "Attributes"
    ]
    return int(attributes["ApproximateNumberOfMessages"]), int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def store_of(world):
    return world.service.settings.config.store(STORE)


def unshipped(world) -> str:
    rows = world.service.orders(OrderQuery(stores=(STORE,), statuses=(OrderStatus.UNSHIPPED,)), limit=100)
    return next(r.order_id for r in rows if world.service.cached_order(r.order_id).cancelable)


async def receive_once(world) -> list[str]:
    consumer = world.service.notifications
    async with SqsQueue(consumer.config) as queue:
        return await consumer.pass_once(queue, wait_seconds=1)
