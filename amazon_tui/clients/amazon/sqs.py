"""Amazon SQS, the queue SP-API notifications are delivered to: receive (long poll) and delete.

aiobotocore (botocore's request signing and the standard AWS credential chain, async), so a
20-second long poll is cancelled at once when the process stops. Loaded only when
``[notifications]`` is configured: botocore is a large import. Errors become ``SqsError``
with one line that names the operation and AWS's code, never a credential.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from amazon_tui.config.schema import NotificationsConfig

SQS = "Amazon SQS"
LONG_POLL_SECONDS = 20  # SQS's longest wait: one request per 20 s when the queue is quiet
BATCH = 10  # SQS's largest batch


class SqsError(Exception):
    """SQS could not be reached or refused the request; the message is one line, ``cause``
    a few words for a status line (AWS's error code, or what went wrong)."""

    def __init__(self, message: str, cause: str) -> None:
        super().__init__(message)
        self.cause = cause


@dataclass(frozen=True)
class QueueMessage:
    message_id: str
    receipt_handle: str
    body: str
    receive_count: int


def endpoint_for(queue_url: str) -> str | None:
    """AWS's own endpoints are found from the region; anything else (a test server) by URL."""
    parts = urlsplit(queue_url)
    host = parts.hostname or ""
    return (
        None if host.endswith((".amazonaws.com", ".amazonaws.com.cn")) else f"{parts.scheme}://{parts.netloc}"
    )


class SqsQueue:
    """One queue; use ``async with``. ``receive`` waits up to 20 s for messages."""

    def __init__(self, config: NotificationsConfig, *, timeout_seconds: float = 20.0) -> None:
        self.url = config.sqs_queue_url
        self._config = config
        self._timeout = timeout_seconds
        self._stack = AsyncExitStack()
        self._client: Any = None  # aiobotocore's client: its methods are generated, untyped

    async def __aenter__(self) -> SqsQueue:
        from aiobotocore.config import AioConfig
        from aiobotocore.session import AioSession

        session = AioSession(profile=self._config.aws_profile)
        config = AioConfig(
            connect_timeout=self._timeout,
            read_timeout=LONG_POLL_SECONDS + self._timeout,
            retries={"max_attempts": 2, "mode": "standard"},
        )
        try:
            self._client = await self._stack.enter_async_context(
                session.create_client(
                    "sqs",
                    region_name=self._config.queue_region,
                    endpoint_url=endpoint_for(self.url),
                    config=config,
                )
            )
        except Exception as exc:  # noqa: BLE001 - an unknown profile, an unreadable ~/.aws file
            raise SqsError(_describe("connect", exc), _cause(exc)) from None
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._stack.aclose()

    async def receive(self, wait_seconds: int = LONG_POLL_SECONDS) -> list[QueueMessage]:
        """Up to 10 messages, waiting up to ``wait_seconds`` for the first."""
        answer = await self._call(
            "ReceiveMessage",
            self._client.receive_message,
            QueueUrl=self.url,
            MaxNumberOfMessages=BATCH,
            WaitTimeSeconds=wait_seconds,
            MessageSystemAttributeNames=["ApproximateReceiveCount"],
        )
        return [
            QueueMessage(
                message["MessageId"],
                message["ReceiptHandle"],
                message.get("Body", ""),
                int(message.get("Attributes", {}).get("ApproximateReceiveCount", "1")),
            )
            for message in answer.get("Messages", [])
        ]

    async def delete(self, message: QueueMessage) -> None:
        await self._call(
            "DeleteMessage",
            self._client.delete_message,
            QueueUrl=self.url,
            ReceiptHandle=message.receipt_handle,
        )

    async def send(self, body: str) -> None:
        """Put a message on the queue (what Amazon does; the sandbox and the tests use it)."""
        await self._call("SendMessage", self._client.send_message, QueueUrl=self.url, MessageBody=body)

    async def attributes(self) -> dict[str, str]:
        """The queue's attributes (for ``notifications status``: its ARN, depth, redrive policy)."""
        answer = await self._call(
            "GetQueueAttributes", self._client.get_queue_attributes, QueueUrl=self.url, AttributeNames=["All"]
        )
        return dict(answer.get("Attributes", {}))

    async def _call(self, operation: str, method: Callable[..., Awaitable[Any]], **kwargs: object) -> Any:
        try:
            return await method(**kwargs)
        except Exception as exc:  # noqa: BLE001 - botocore's errors, network errors: one line each
            raise SqsError(_describe(operation, exc), _cause(exc)) from None


def _cause(error: Exception) -> str:
    """ "AWS.SimpleQueueService.NonExistentQueue", "no AWS credentials", "cannot connect"."""
    response = getattr(error, "response", None)
    if isinstance(response, dict) and "Error" in response:
        return str(response["Error"].get("Code", "error"))
    return {
        "NoCredentialsError": "no AWS credentials",
        "EndpointConnectionError": "cannot connect",
        "ConnectTimeoutError": "timed out",
        "ReadTimeoutError": "timed out",
        "ProfileNotFound": "no such aws_profile",
    }.get(type(error).__name__, type(error).__name__)


def _describe(operation: str, error: Exception) -> str:
    """ "Amazon SQS ReceiveMessage failed: AWS.SimpleQueueService.NonExistentQueue — …" without secrets."""
    response = getattr(error, "response", None)
    if isinstance(response, dict) and "Error" in response:
        code = response["Error"].get("Code", "")
        message = response["Error"].get("Message", "")
        return f"{SQS} {operation} failed: {code} — {message}".rstrip(" —")
    name = type(error).__name__
    if name == "NoCredentialsError":
        return (
            f"{SQS} {operation} failed: no AWS credentials "
            "(environment, ~/.aws/credentials, or [notifications] aws_profile)"
        )
    if name == "ProfileNotFound":
        return f"{SQS} {operation} failed: {error}"
    return f"{SQS} {operation} failed: {name}: {error}"
