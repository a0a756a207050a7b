"""Transports for fault tests: a loopback port nothing listens on, a transport that can refuse connections."""

from __future__ import annotations

import socket

import httpx


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RefusableTransport(httpx.AsyncBaseTransport):
    """The in-process sandbox, or — while ``refusing`` — httpx's real transport to a closed port.

    ``refusing`` is a bool, or a predicate of the request (refuse only some operations). The
    refusal is the operating system's (ECONNREFUSED through httpx's own socket code), so the
    app sees exactly what it sees when a service is down; lifting it is setting ``refusing`` back.
    """

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.refusing = False
        self._port = closed_port()
        self._real = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        refuse = self.refusing(request) if callable(self.refusing) else self.refusing
        if not refuse:
            return await self.inner.handle_async_request(request)
        request.url = request.url.copy_with(scheme="http", host="127.0.0.1", port=self._port)
        return await self._real.handle_async_request(request)

    async def aclose(self) -> None:
        await self._real.aclose()
        await self.inner.aclose()
