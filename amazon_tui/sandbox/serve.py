"""Serve a sandbox on a socket with uvicorn (blocking, or in a background thread for tests)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from .sandbox import Sandbox


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on (host, port); OSError (errno EADDRINUSE) when the port is taken."""
    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError:
        listener.close()
        raise
    return listener


def serve(sandbox: Sandbox, listener: socket.socket) -> None:
    """Serve on the bound socket until interrupted."""
    import uvicorn

    config = uvicorn.Config(sandbox.app, log_level="warning", access_log=False, timeout_graceful_shutdown=1)
    uvicorn.Server(config).run(sockets=[listener])


class ServedSandbox:
    """A sandbox served by uvicorn in a daemon thread; `base_url` is known once started."""

    def __init__(self, sandbox: Sandbox, host: str = "127.0.0.1", port: int = 0) -> None:
        import uvicorn

        self.sandbox = sandbox
        self._socket = bind(host, port)
        self.host, self.port = host, self._socket.getsockname()[1]
        config = uvicorn.Config(
            sandbox.app, log_level="warning", access_log=False, timeout_graceful_shutdown=1, lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self, timeout: float = 10.0) -> ServedSandbox:
        self._thread.start()
        deadline = threading.Event()
        for _ in range(int(timeout / 0.01)):
            if self._server.started:
                return self
            deadline.wait(0.01)
        raise RuntimeError("the sandbox server did not start")

    def stop(self) -> None:
        self.sandbox.release_hanging_requests()
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()


@contextmanager
def serving(sandbox: Sandbox, host: str = "127.0.0.1", port: int = 0) -> Iterator[ServedSandbox]:
    """`with serving(sandbox) as served: httpx.get(served.base_url + ...)` (port 0 = any)."""
    served = ServedSandbox(sandbox, host, port).start()
    try:
        yield served
    finally:
        served.stop()
