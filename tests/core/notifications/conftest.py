"""Amazon SQS over real HTTP (moto in server mode, started here), and the app on the sandbox."""

from __future__ import annotations

import socket
import uuid

import pytest

from tests.support.notification_messages import ACCESS_KEY, SECRET_KEY
from tests.support.world import build


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def sqs_endpoint():
    """A moto server for the whole session (one per xdist worker)."""
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture(autouse=True)
def _aws_environment(monkeypatch, tmp_path):
    """Credentials through the standard chain (the environment), never from the config file."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AMAZON_TUI_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("AMAZON_TUI_DATA_DIR", str(tmp_path / "data-dir"))


@pytest.fixture
def queue_url(sqs_endpoint) -> str:
    """A new queue of its own for each test."""
    import boto3

    client = boto3.client(
        "sqs",
        region_name="us-east-1",
        endpoint_url=sqs_endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )
    return client.create_queue(
        QueueName=f"amazon-tui-{uuid.uuid4().hex[:12]}", Attributes={"VisibilityTimeout": "30"}
    )["QueueUrl"]


@pytest.fixture
def world(tmp_path, queue_url, sqs_endpoint):
    """The app on the sandbox, with [notifications] on the test's queue."""
    world = build(
        tmp_path,
        background=False,
        overrides={"notifications": {"sqs_queue_url": queue_url, "region": "us-east-1"}},
        sqs_endpoint=sqs_endpoint,
    )
    yield world
    world.sandbox.close()
